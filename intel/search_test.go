package intel_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
	"github.com/google/go-cmp/cmp"
)

func searchCorpus() []*intel.Item {
	a := item("ja-1", "競合Ａ社がランニングシューズを値下げ", "東京の旗艦店で顧客満足度が低下したとの報告。価格改定は来月から。")
	a.Tags = []string{"pricing", "ランニング"}
	a.Links.Competitors = []string{"Ａ社"}
	b := item("ja-2", "顧客満足度調査の結果", "関東の会員の満足度は前年より上昇した。")
	b.Kind, b.Category, b.Source = intel.KindCustomer, intel.CategorySatisfaction, intel.SourceSurvey
	b.Links.Customers = []customer.ID{"C-1"}
	c := item("ja-3", "ｶﾀｶﾅのお知らせ", "半角カナで書かれた記事。サプライヤーの納期が遅れている。")
	c.Category = intel.CategorySupplierBehaviour
	c.Source = intel.SourcePartnerMeeting
	d := item("en-1", "Acme cuts running shoe prices", "Acme announced price cuts on running shoes across ＡＢＣ stores.")
	d.Tags = []string{"Pricing"}
	d.Links.Competitors = []string{"Acme"}
	d.CapturedAt = t0.Add(48 * time.Hour)
	e := item("en-2", "Quarterly review", "Running club members mention Acme once; shoe prices are stable.")
	e.CapturedAt = t0.Add(24 * time.Hour)
	f := item("en-3", "Supplier delays", "Our supplier of running shoes reports delays.")
	f.Category, f.Source = intel.CategorySupplierBehaviour, intel.SourcePartnerMeeting
	return []*intel.Item{a, b, c, d, e, f}
}

func TestSearch(t *testing.T) {
	h := newHub(t, intel.Config{}, searchCorpus()...)
	for _, tc := range []struct {
		name   string
		query  string
		want   []intel.ID
		reason string
	}{
		{name: "japanese bigram", query: "満足度", want: []intel.ID{"ja-2", "ja-1"},
			reason: "ja-2 has 満足度 in its title (counted twice) and body"},
		{name: "japanese word inside a sentence", query: "値下げ", want: []intel.ID{"ja-1"}},
		{name: "japanese no false match", query: "値上げ", want: nil},
		{name: "one kanji inside a word", query: "艦", want: []intel.ID{"ja-1"}},
		{name: "one kanji, ranked by frequency", query: "度", want: []intel.ID{"ja-2", "ja-1"}},
		{name: "one kanji and a word", query: "艦 値下げ", want: []intel.ID{"ja-1"}},
		{name: "one kana, no match", query: "ぬ", want: nil},
		{name: "full-width finds ASCII", query: "ＡＣＭＥ", want: []intel.ID{"en-1", "en-2"}},
		{name: "ASCII finds full-width", query: "abc", want: []intel.ID{"en-1"}},
		{name: "full-width katakana finds half-width", query: "カタカナ", want: []intel.ID{"ja-3"}},
		{name: "half-width katakana finds full-width", query: "ｻﾌﾟﾗｲﾔｰ", want: []intel.ID{"ja-3"}},
		{name: "latin ranking", query: "acme prices", want: []intel.ID{"en-1", "en-2"},
			reason: "en-1 has both words in the title and body"},
		{name: "all terms must match", query: "running delays", want: []intel.ID{"en-3"}},
		{name: "case folded", query: "SUPPLIER", want: []intel.ID{"en-3"}},
		{name: "kind filter", query: "満足度 kind:customer", want: []intel.ID{"ja-2"}},
		{name: "category filter", query: "running category:supplier_behaviour", want: []intel.ID{"en-3"}},
		{name: "source filter", query: "source:survey", want: []intel.ID{"ja-2"}},
		{name: "tag filter folds case", query: "tag:pricing", want: []intel.ID{"en-1", "ja-1"},
			reason: "no text: newest first"},
		{name: "two tags", query: "tag:pricing tag:ランニング", want: []intel.ID{"ja-1"}},
		{name: "competitor filter, full-width", query: "competitor:A社", want: []intel.ID{"ja-1"}},
		{name: "competitor alternatives", query: "competitor:A社 competitor:acme", want: []intel.ID{"en-1", "ja-1"}},
		{name: "customer filter", query: "customer:C-1", want: []intel.ID{"ja-2"}},
		{name: "unknown customer", query: "customer:C-404", want: nil},
		{name: "time range", query: "running from:2026-03-03 to:2026-03-04", want: []intel.ID{"en-2"}},
		{name: "unknown category", query: "category:nothing", want: nil},
		{name: "no filter no text: all, newest first", query: "", want: []intel.ID{"en-1", "en-2", "en-3", "ja-1", "ja-2", "ja-3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := intel.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			res, err := h.Search(t.Context(), alice, q)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, hitIDs(res)); d != "" {
				t.Errorf("Search(%q) (-want +got):\n%s\n%s", tc.query, d, tc.reason)
			}
			if res.Total != len(tc.want) {
				t.Errorf("Total = %d, want %d", res.Total, len(tc.want))
			}
			// List agrees with Search on the set.
			var listed []intel.ID
			for it, err := range h.List(t.Context(), alice, q) {
				if err != nil {
					t.Fatal(err)
				}
				listed = append(listed, it.ID)
			}
			if d := cmp.Diff(sorted(tc.want), listed); d != "" {
				t.Errorf("List(%q) disagrees with Search (-want +got):\n%s", tc.query, d)
			}
		})
	}
}

func sorted(ids []intel.ID) []intel.ID {
	out := append([]intel.ID(nil), ids...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func TestSearchRankingBM25(t *testing.T) {
	// Same length documents; "rare" occurs once in the corpus, "common"
	// everywhere: the rare term must dominate the score.
	items := []*intel.Item{
		item("a", "x", "common common common filler filler"),
		item("b", "x", "common rare filler filler filler"),
		item("c", "x", "common filler filler filler filler"),
		item("d", "x", "common filler filler filler filler"),
	}
	h := newHub(t, intel.Config{}, items...)
	res, err := h.Search(t.Context(), alice, intel.Query{Text: "common rare"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]intel.ID{"b"}, hitIDs(res)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	res, err = h.Search(t.Context(), alice, intel.Query{Text: "common"})
	if err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(res)[0]; got != "a" {
		t.Errorf("highest term frequency should rank first; got %q first", got)
	}
	for i := 1; i < len(res.Hits); i++ {
		if res.Hits[i].Score > res.Hits[i-1].Score {
			t.Errorf("hits not sorted by score: %v then %v", res.Hits[i-1].Score, res.Hits[i].Score)
		}
	}
	// A shorter document with the same term frequency scores higher.
	h2 := newHub(t, intel.Config{}, item("short", "x", "shoe"), item("long", "x", "shoe and many other words that pad it"))
	res, err = h2.Search(t.Context(), alice, intel.Query{Text: "shoe"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]intel.ID{"short", "long"}, hitIDs(res)); d != "" {
		t.Errorf("length normalisation (-want +got):\n%s", d)
	}
}

func TestSearchLimitAndUpdates(t *testing.T) {
	var items []*intel.Item
	for i := range 30 {
		it := item(intel.ID(rune('a'+i%26))+intel.ID(strings.Repeat("x", i/26)), "shoe", "")
		it.CapturedAt = t0.Add(time.Duration(i) * time.Minute)
		items = append(items, it)
	}
	h := newHub(t, intel.Config{}, items...)
	res, err := h.Search(t.Context(), alice, intel.Query{Text: "shoe", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 5 || res.Total != 30 {
		t.Fatalf("got %d hits, total %d; want 5 of 30", len(res.Hits), res.Total)
	}
	// Update one item: it leaves the "shoe" results and joins "boot".
	it, err := h.Get(t.Context(), alice, "a")
	if err != nil {
		t.Fatal(err)
	}
	it.Title = "boot"
	if err := h.Update(t.Context(), alice, it); err != nil {
		t.Fatal(err)
	}
	res, _ = h.Search(t.Context(), alice, intel.Query{Text: "shoe", Limit: 100})
	if res.Total != 29 {
		t.Errorf("after update, shoe total = %d, want 29", res.Total)
	}
	res, _ = h.Search(t.Context(), alice, intel.Query{Text: "boot"})
	if d := cmp.Diff([]intel.ID{"a"}, hitIDs(res)); d != "" {
		t.Errorf("boot (-want +got):\n%s", d)
	}
	if err := h.Delete(t.Context(), alice, "a"); err != nil {
		t.Fatal(err)
	}
	res, _ = h.Search(t.Context(), alice, intel.Query{Text: "boot"})
	if len(res.Hits) != 0 || res.Total != 0 {
		t.Errorf("deleted item still found: %v", hitIDs(res))
	}
	// Load rebuilds the same answers from the repository.
	if err := h.Load(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	res, _ = h.Search(t.Context(), alice, intel.Query{Text: "shoe", Limit: 100})
	if res.Total != 29 {
		t.Errorf("after Load, shoe total = %d, want 29", res.Total)
	}
}

func TestSnippet(t *testing.T) {
	body := strings.Repeat("前置きの文章です。", 20) + "競合が価格を改定した。" + strings.Repeat("後書き。", 30)
	h := newHub(t, intel.Config{SnippetRunes: 40}, item("s", "Price change at ＡＣＭＥ", body))
	res, err := h.Search(t.Context(), alice, intel.Query{Text: "価格 acme"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits = %d", len(res.Hits))
	}
	hit := res.Hits[0]
	if got, want := hit.Title.Mark("[", "]"), "Price change at [ACME]"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	got := hit.Snippet.Mark("[", "]")
	if !strings.Contains(got, "[価格]") || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("snippet = %q: want 価格 highlighted and both ends cut", got)
	}
	res, err = h.Search(t.Context(), alice, intel.Query{Text: "改"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("one-character search: %v, %v", res, err)
	}
	if got := res.Hits[0].Snippet.Mark("[", "]"); !strings.Contains(got, "価格を[改]定") {
		t.Errorf("one-character highlight: %q", got)
	}
	if n := len([]rune(hit.Snippet.Text)); n > 40 {
		t.Errorf("snippet has %d runes, want <= 40", n)
	}
}

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want intel.Query
	}{
		{"", intel.Query{}},
		{`acme "price war"  値上げ`, intel.Query{Text: "acme price war 値上げ"}},
		{`kind:market category:new_competitor source:conference tag:"price war" tag:x`,
			intel.Query{Kinds: []intel.Kind{"market"}, Categories: []intel.Category{"new_competitor"},
				Sources: []intel.Source{"conference"}, Tags: []string{"price war", "x"}}},
		{`customer:C-1 account:A-2 competitor:"Acme Inc." from:2026-01-02 to:2026-02-01T09:00:00+09:00`,
			intel.Query{Customers: []customer.ID{"C-1"}, Accounts: []customer.ID{"A-2"}, Competitors: []string{"Acme Inc."},
				From: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}},
		{`"say \"hi\" \\ there"`, intel.Query{Text: `say "hi" \ there`}},
	} {
		got, err := intel.ParseQuery(tc.in)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", tc.in, err)
			continue
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("ParseQuery(%q) (-want +got):\n%s", tc.in, d)
		}
	}
	for _, tc := range []struct {
		in  string
		pos int
	}{
		{`color:red`, 0},
		{`acme tag:`, 5},
		{`"unterminated`, 0},
		{`from:yesterday`, 0},
		{`"bad \x escape"`, 5},
	} {
		_, err := intel.ParseQuery(tc.in)
		var qe *intel.QueryError
		if !errors.Is(err, intel.ErrQuery) || !errors.As(err, &qe) {
			t.Errorf("ParseQuery(%q) = %v, want a *QueryError wrapping ErrQuery", tc.in, err)
			continue
		}
		if qe.Pos != tc.pos {
			t.Errorf("ParseQuery(%q): error at %d, want %d (%v)", tc.in, qe.Pos, tc.pos, err)
		}
	}
}

// FuzzParseQuery checks that the parser never panics and that formatting a
// parsed query and parsing it again gives the same query:
// parse∘format∘parse = parse.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "acme", `"a b" tag:x`, `kind:market from:2026-01-01`, `competitor:"A \"B\""`,
		"値上げ category:new_competitor", `tag:"" x`, "customer:\xff", "\"\\", "from:2026-01-01T00:00:00.5+09:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := intel.ParseQuery(s)
		if err != nil {
			if !errors.Is(err, intel.ErrQuery) {
				t.Fatalf("error does not wrap ErrQuery: %v", err)
			}
			return
		}
		again, err := intel.ParseQuery(q.String())
		if err != nil {
			t.Fatalf("ParseQuery(%q.String() = %q): %v", s, q.String(), err)
		}
		if d := cmp.Diff(q, again); d != "" {
			t.Fatalf("round trip of %q via %q (-first +second):\n%s", s, q.String(), d)
		}
	})
}
