package intel_test

import (
	"context"
	"fmt"
	"github.com/c360/c360/internal/cputime"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
)

// Synthetic corpus for the search benchmarks: deterministic (seeded PCG),
// half Japanese, half Latin text, word frequencies following a Zipf law, so
// that posting lists have the skew of real text. Nothing here is run by
// `go test` without -bench.

type synth struct {
	r      *rand.Rand
	ja, en []string
	zja    *rand.Zipf
	zen    *rand.Zipf
	cats   []intel.Category
	tax    *intel.Taxonomy
}

func newSynth(seed uint64) *synth {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	s := &synth{r: r, tax: intel.NewTaxonomy()}
	kanji := []rune("顧客満足価格改定競合店舗販売新規参入市場調査報告技術革新代替商品需要供給契約解約継続購入会員地域関東関西東京大阪品質配送遅延返品対応評価向上低下増加減少戦略施策広告反応若年層高齢者法規制環境経済景気円安物流在庫")
	kata := []string{"ランニング", "シューズ", "サプライヤー", "キャンペーン", "クーポン", "アプリ", "サービス", "ブランド", "セール", "ポイント", "メール", "ウェブ", "サイト", "カタログ", "スポーツ", "ウェア", "ゴルフ", "テニス", "サッカー", "ヨガ"}
	seen := map[string]bool{}
	for len(s.ja) < 4000 {
		var w string
		if r.IntN(4) == 0 {
			w = kata[r.IntN(len(kata))] + string(kanji[r.IntN(len(kanji))])
		} else {
			n := 2 + r.IntN(2)
			b := make([]rune, n)
			for i := range b {
				b[i] = kanji[r.IntN(len(kanji))]
			}
			w = string(b)
		}
		if !seen[w] {
			seen[w] = true
			s.ja = append(s.ja, w)
		}
	}
	syll := []string{"ka", "ri", "to", "men", "sha", "lo", "pra", "vel", "dun", "ex", "or", "ine", "ast", "qu", "bre", "nix", "tal", "po", "ser", "um"}
	for len(s.en) < 20000 {
		n := 2 + r.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			s.en = append(s.en, w)
		}
	}
	s.zja = rand.NewZipf(r, 1.07, 2, uint64(len(s.ja)-1))
	s.zen = rand.NewZipf(r, 1.07, 2, uint64(len(s.en)-1))
	s.cats = s.tax.Categories("")
	return s
}

func (s *synth) jaText(words int) string {
	var b strings.Builder
	for i := range words {
		b.WriteString(s.ja[s.zja.Uint64()])
		if i%4 == 3 {
			b.WriteString("、")
		}
	}
	b.WriteString("。")
	return b.String()
}

func (s *synth) enText(words int) string {
	var b strings.Builder
	for i := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.en[s.zen.Uint64()])
	}
	return b.String()
}

func (s *synth) item(n int) *intel.Item {
	r := s.r
	cat := s.cats[r.IntN(len(s.cats))]
	kind, _ := s.tax.CategoryKind(cat)
	srcs := s.tax.Sources(kind)
	it := &intel.Item{
		ID:         intel.ID(fmt.Sprintf("it%07d", n)),
		Kind:       kind,
		Category:   cat,
		Source:     srcs[r.IntN(len(srcs))],
		Tags:       []string{fmt.Sprintf("tag%02d", r.IntN(50))},
		Links:      intel.Links{Customers: []customer.ID{customer.ID(fmt.Sprintf("C%05d", r.IntN(100000)))}},
		Sentiment:  float64(r.IntN(21)-10) / 10,
		Confidence: 0.8,
		Author:     intel.PrincipalID(fmt.Sprintf("u%03d", r.IntN(1000))),
		CapturedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(365*24)) * time.Hour),
	}
	if kind == intel.KindMarket {
		it.Links.Competitors = []string{fmt.Sprintf("Comp%03d", r.IntN(200))}
	}
	if n%2 == 0 {
		it.Title, it.Body = s.jaText(4), s.jaText(16)
	} else {
		it.Title, it.Body = s.enText(6), s.enText(30)
	}
	switch v := r.IntN(10); {
	case v < 7:
		it.Visibility.Scope = intel.ScopeOrg
	case v < 9:
		it.Visibility = intel.Visibility{Scope: intel.ScopeTeams, Teams: []intel.TeamID{intel.TeamID(fmt.Sprintf("team%d", r.IntN(20)))}}
	}
	return it
}

// queries returns two-term queries with one filter each: two Latin words
// or two Japanese words (each giving one or more bigrams), drawn from the
// same Zipf law as the text, filtered by kind, category or tag in turn.
func (s *synth) queries(n int) []intel.Query {
	out := make([]intel.Query, n)
	for i := range out {
		var q intel.Query
		if i%2 == 0 {
			q.Text = s.ja[s.zja.Uint64()] + " " + s.ja[s.zja.Uint64()]
		} else {
			q.Text = s.en[s.zen.Uint64()] + " " + s.en[s.zen.Uint64()]
		}
		switch i % 3 {
		case 0:
			q.Kinds = []intel.Kind{[]intel.Kind{intel.KindCustomer, intel.KindMarket}[s.r.IntN(2)]}
		case 1:
			q.Categories = []intel.Category{s.cats[s.r.IntN(len(s.cats))]}
		case 2:
			q.Tags = []string{fmt.Sprintf("tag%02d", s.r.IntN(50))}
		}
		out[i] = q
	}
	return out
}

type benchCorpus struct {
	hub       *intel.Hub
	queries   []intel.Query
	build     time.Duration
	buildCPU  time.Duration // process CPU time of Load (all threads, GC included)
	indexB    float64       // heap bytes per item held by the index
	repoB     float64       // heap bytes per item held by MemoryRepository
	generated time.Duration
}

var (
	corpusMu sync.Mutex
	corpora  = map[int]*benchCorpus{}
)

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func corpus(b *testing.B, n int) *benchCorpus {
	corpusMu.Lock()
	defer corpusMu.Unlock()
	if c := corpora[n]; c != nil {
		return c
	}
	ctx := context.Background()
	s := newSynth(42)
	h0 := heap()
	start := time.Now()
	repo := new(intel.MemoryRepository)
	for i := range n {
		if _, err := repo.Put(ctx, s.item(i)); err != nil {
			b.Fatal(err)
		}
	}
	c := &benchCorpus{generated: time.Since(start)}
	h1 := heap()
	c.repoB = float64(h1-h0) / float64(n)
	c.hub = intel.New(repo, intel.Config{})
	start = time.Now()
	cpu0, okCPU := cputime.Process()
	if err := c.hub.Load(ctx, nil); err != nil {
		b.Fatal(err)
	}
	c.build = time.Since(start)
	if cpu1, ok := cputime.Process(); ok && okCPU {
		c.buildCPU = cpu1 - cpu0
	}
	c.indexB = float64(heap()-h1) / float64(n)
	c.queries = s.queries(1000)
	corpora[n] = c
	b.Logf("%d items: generated and stored in %v (%.0f B/item in MemoryRepository); index built by Load in %v wall, %v CPU (%.0f B/item)",
		n, c.generated.Round(time.Millisecond), c.repoB, c.build.Round(time.Millisecond), c.buildCPU.Round(time.Millisecond), c.indexB)
	return c
}

func benchSearch(b *testing.B, n int) {
	c := corpus(b, n)
	p := intel.Principal{ID: "u001", Teams: []intel.TeamID{"team3", "team7"}}
	ctx := context.Background()
	var lat, cpu []time.Duration
	hits := 0
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		q := c.queries[i%len(c.queries)]
		i++
		c0, okCPU := cputime.Thread()
		t := time.Now()
		res, err := c.hub.Search(ctx, p, q)
		lat = append(lat, time.Since(t))
		if c1, ok := cputime.Thread(); ok && okCPU {
			cpu = append(cpu, c1-c0)
		}
		if err != nil {
			b.Fatal(err)
		}
		hits += res.Total
	}
	b.StopTimer()
	pct := func(d []time.Duration, p float64) float64 {
		slices.Sort(d)
		return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
	}
	// Wall-clock latency includes time spent waiting for a CPU when the
	// machine is shared; thread CPU time is the work of the query itself.
	b.ReportMetric(pct(lat, 0.50), "p50-ms")
	b.ReportMetric(pct(lat, 0.95), "p95-ms")
	b.ReportMetric(pct(lat, 0.99), "p99-ms")
	if len(cpu) == len(lat) {
		b.ReportMetric(pct(cpu, 0.50), "cpu-p50-ms")
		b.ReportMetric(pct(cpu, 0.95), "cpu-p95-ms")
	}
	b.ReportMetric(float64(hits)/float64(len(lat)), "matches/op")
	b.ReportMetric(c.build.Seconds(), "build-s")
	b.ReportMetric(c.buildCPU.Seconds(), "build-cpu-s")
	b.ReportMetric(c.indexB, "index-B/item")
}

// BenchmarkSearch1M searches 1,000,000 synthetic items with two-term
// queries and one filter. It builds the corpus once (about a minute and a
// few GB of heap), so run it on its own:
//
//	go test -run '^$' -bench 'Search1M' -benchtime 2000x ./intel/
func BenchmarkSearch1M(b *testing.B) { benchSearch(b, 1_000_000) }

// BenchmarkSearch100k is the same at 100,000 items.
func BenchmarkSearch100k(b *testing.B) { benchSearch(b, 100_000) }
