package intel

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// NPSResult is a Net Promoter Score with its confidence interval.
//
// Each answer is scored x = +1 (promoter, 9–10), 0 (passive, 7–8) or −1
// (detractor, 0–6); NPS = 100·mean(x) = %promoters − %detractors. With
// p and d the promoter and detractor shares, the variance of one answer is
// Var(x) = p + d − (p − d)², so the standard error of the score is
// SE = 100·√(Var(x)/n) and the interval is NPS ± z·SE (normal
// approximation, z for the requested two-sided level; 1.96 for 95 %),
// clipped to [−100, 100]. The approximation is poor for n below about 30 or
// when nearly everyone gives the same answer (SE near 0): read the interval
// as a guide, not a guarantee.
type NPSResult struct {
	N          int
	Promoters  int
	Passives   int
	Detractors int
	Score      float64 // −100 … 100
	StdErr     float64 // in score points
	Low, High  float64 // confidence interval
	Level      float64 // confidence level of [Low, High], e.g. 0.95
}

// CSATResult is a customer-satisfaction score: the share of answers of 4 or
// 5 on a 1–5 scale, in percent, with a Wilson score interval (which stays
// inside [0, 100] and behaves for small n and shares near 0 or 100 %).
type CSATResult struct {
	N         int
	Satisfied int
	Score     float64 // percent satisfied
	Mean      float64 // mean answer, 1–5
	Low, High float64 // confidence interval, percent
	Level     float64
}

// zFor returns the two-sided normal quantile for level (0 means 0.95).
func zFor(level float64) (float64, float64, error) {
	if level == 0 {
		level = 0.95
	}
	if math.IsNaN(level) || level <= 0 || level >= 1 {
		return 0, 0, fmt.Errorf("%w: confidence level %v is outside (0, 1)", ErrInvalid, level)
	}
	return math.Sqrt2 * math.Erfinv(level), level, nil
}

// NPS computes the NPS of answers 0–10 with a confidence interval at level
// (0 means 0.95). An answer outside 0–10 or a level outside (0, 1) gives an
// error wrapping ErrInvalid. No answers give a zero result.
func NPS(answers []int, level float64) (NPSResult, error) {
	z, level, err := zFor(level)
	if err != nil {
		return NPSResult{}, err
	}
	r := NPSResult{Level: level}
	for i, a := range answers {
		switch {
		case a < 0 || a > 10:
			return NPSResult{}, fmt.Errorf("%w: NPS answer %d at index %d is outside 0–10", ErrInvalid, a, i)
		case a >= 9:
			r.Promoters++
		case a >= 7:
			r.Passives++
		default:
			r.Detractors++
		}
	}
	r.N = len(answers)
	if r.N == 0 {
		return r, nil
	}
	n := float64(r.N)
	p, d := float64(r.Promoters)/n, float64(r.Detractors)/n
	r.Score = 100 * (p - d)
	v := max(p+d-(p-d)*(p-d), 0)
	r.StdErr = 100 * math.Sqrt(v/n)
	r.Low = max(r.Score-z*r.StdErr, -100)
	r.High = min(r.Score+z*r.StdErr, 100)
	return r, nil
}

// CSAT computes the CSAT of answers 1–5 with a Wilson interval at level
// (0 means 0.95). Errors as for [NPS].
func CSAT(answers []int, level float64) (CSATResult, error) {
	z, level, err := zFor(level)
	if err != nil {
		return CSATResult{}, err
	}
	r := CSATResult{Level: level}
	sum := 0
	for i, a := range answers {
		if a < 1 || a > 5 {
			return CSATResult{}, fmt.Errorf("%w: CSAT answer %d at index %d is outside 1–5", ErrInvalid, a, i)
		}
		if a >= 4 {
			r.Satisfied++
		}
		sum += a
	}
	r.N = len(answers)
	if r.N == 0 {
		return r, nil
	}
	n := float64(r.N)
	p := float64(r.Satisfied) / n
	r.Score = 100 * p
	r.Mean = float64(sum) / n
	z2 := z * z
	centre := (p + z2/(2*n)) / (1 + z2/n)
	half := z / (1 + z2/n) * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	r.Low = 100 * max(centre-half, 0)
	r.High = 100 * min(centre+half, 1)
	return r, nil
}

// Period buckets time for trends.
type Period uint8

// Periods. Buckets are computed in UTC.
const (
	PeriodAll   Period = iota // one bucket (zero time)
	PeriodWeek                // Monday 00:00 UTC
	PeriodMonth               // the 1st, 00:00 UTC
)

func (p Period) bucket(t time.Time) time.Time {
	t = t.UTC()
	switch p {
	case PeriodWeek:
		return WeekStart(t)
	case PeriodMonth:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Time{}
}

// SurveyQuery asks for NPS or CSAT over the survey answers (items with a
// Survey of Metric) that match Query and that the principal may see.
type SurveyQuery struct {
	Metric    Metric
	Query     Query
	BySegment bool    // group by SurveyAnswer.Segment
	Period    Period  // group by capture time
	Level     float64 // confidence level; 0 means 0.95
}

// SurveyGroup is one group of survey answers. A Suppressed group has fewer
// answers than the Hub's MinGroupSize (or was suppressed to protect such a
// group, see [Hub.Survey]); its N and results are left zero.
type SurveyGroup struct {
	Segment    string
	Period     time.Time
	Suppressed bool
	N          int
	NPS        NPSResult  // when Metric is MetricNPS
	CSAT       CSATResult // when Metric is MetricCSAT
}

// Survey computes NPS or CSAT by segment and/or period over the answers p
// may see, sorted by period, then segment.
//
// Small groups are suppressed so individuals cannot be singled out: a group
// with fewer than MinGroupSize answers reports nothing. When exactly one
// group of a period is suppressed, the smallest other group of that period
// is suppressed too (complementary suppression), so the hidden group cannot
// be recovered by subtracting the others from the ungrouped figure.
func (h *Hub) Survey(ctx context.Context, p Principal, sq SurveyQuery) ([]SurveyGroup, error) {
	h.once.Do(h.setup)
	if sq.Metric != MetricNPS && sq.Metric != MetricCSAT {
		return nil, fmt.Errorf("%w: survey metric %v", ErrInvalid, sq.Metric)
	}
	if _, _, err := zFor(sq.Level); err != nil {
		return nil, err
	}
	type key struct {
		seg    string
		period time.Time
	}
	answers := map[key][]int{}
	for it, err := range h.List(ctx, p, sq.Query) {
		if err != nil {
			return nil, err
		}
		if it.Survey == nil || it.Survey.Metric != sq.Metric {
			continue
		}
		k := key{period: sq.Period.bucket(it.CapturedAt)}
		if sq.BySegment {
			k.seg = it.Survey.Segment
		}
		answers[k] = append(answers[k], it.Survey.Score)
	}
	var out []SurveyGroup
	for k, a := range answers {
		g := SurveyGroup{Segment: k.seg, Period: k.period, N: len(a)}
		var err error
		if sq.Metric == MetricNPS {
			g.NPS, err = NPS(a, sq.Level)
		} else {
			g.CSAT, err = CSAT(a, sq.Level)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b SurveyGroup) int {
		if c := a.Period.Compare(b.Period); c != 0 {
			return c
		}
		return cmp.Compare(a.Segment, b.Segment)
	})
	h.suppress(len(out), func(i int) (time.Time, int) { return out[i].Period, out[i].N },
		func(i int) { out[i] = SurveyGroup{Segment: out[i].Segment, Period: out[i].Period, Suppressed: true} })
	return out, nil
}

// suppress applies the minimum group size to n groups (sorted so that the
// groups of one period are adjacent) with primary and complementary
// suppression.
func (h *Hub) suppress(n int, get func(int) (time.Time, int), hide func(int)) {
	minN := h.cfg.MinGroupSize
	for start := 0; start < n; {
		per, _ := get(start)
		end := start
		for end < n {
			pe, _ := get(end)
			if !pe.Equal(per) {
				break
			}
			end++
		}
		small, smallest := 0, -1
		for i := start; i < end; i++ {
			_, c := get(i)
			if c < minN {
				small++
			} else if smallest < 0 {
				smallest = i
			} else if _, s := get(smallest); c < s {
				smallest = i
			}
		}
		for i := start; i < end; i++ {
			if _, c := get(i); c < minN {
				hide(i)
			}
		}
		if small == 1 && smallest >= 0 && end-start > 1 {
			hide(smallest)
		}
		start = end
	}
}

// TrendPoint is the mean sentiment of one topic in one period. Suppressed
// points (fewer items than MinGroupSize) leave N and Mean zero.
type TrendPoint struct {
	Period     time.Time
	N          int
	Mean       float64
	Suppressed bool
}

// TopicTrend is the sentiment of one topic (a tag) over time.
type TopicTrend struct {
	Topic  string // the tag as first seen (items are grouped by its normalised key)
	Points []TrendPoint
}

// SentimentTrend returns, per topic (tag), the mean Sentiment per period of
// the items p may see that match q, topics sorted by key. Points below
// MinGroupSize are suppressed.
func (h *Hub) SentimentTrend(ctx context.Context, p Principal, q Query, period Period) ([]TopicTrend, error) {
	h.once.Do(h.setup)
	type acc struct {
		n   int
		sum float64
	}
	names := map[string]string{}
	data := map[string]map[time.Time]*acc{}
	for it, err := range h.List(ctx, p, q) {
		if err != nil {
			return nil, err
		}
		b := period.bucket(it.CapturedAt)
		for _, tag := range it.Tags {
			k := tagKey(tag)
			if _, ok := names[k]; !ok {
				names[k] = tag
				data[k] = map[time.Time]*acc{}
			}
			a := data[k][b]
			if a == nil {
				a = &acc{}
				data[k][b] = a
			}
			a.n++
			a.sum += it.Sentiment
		}
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]TopicTrend, 0, len(keys))
	for _, k := range keys {
		tt := TopicTrend{Topic: names[k]}
		for b, a := range data[k] {
			pt := TrendPoint{Period: b, N: a.n, Mean: a.sum / float64(a.n)}
			if a.n < h.cfg.MinGroupSize {
				pt = TrendPoint{Period: b, Suppressed: true}
			}
			tt.Points = append(tt.Points, pt)
		}
		slices.SortFunc(tt.Points, func(a, b TrendPoint) int { return a.Period.Compare(b.Period) })
		out = append(out, tt)
	}
	return out, nil
}

// CompetitorSummary is what p may see about one competitor in a window.
type CompetitorSummary struct {
	Name          string // as first seen
	Items         int
	ByCategory    map[Category]int
	MeanSentiment float64
	FirstSeen     time.Time // earliest CapturedAt of any visible item (not only the window's)
	LastSeen      time.Time
	Latest        []ID // up to three newest items in the window
}

// Competitors summarises competitor activity in [from, to) over the items p
// may see, most active first (then by name).
func (h *Hub) Competitors(ctx context.Context, p Principal, from, to time.Time) ([]CompetitorSummary, error) {
	h.once.Do(h.setup)
	all, err := h.competitorItems(ctx, p)
	if err != nil {
		return nil, err
	}
	var out []CompetitorSummary
	for _, ci := range all {
		s := CompetitorSummary{Name: ci.name, ByCategory: map[Category]int{}, FirstSeen: ci.items[0].CapturedAt}
		var sum float64
		for _, it := range ci.items {
			if it.CapturedAt.Before(from) || !it.CapturedAt.Before(to) {
				continue
			}
			s.Items++
			s.ByCategory[it.Category]++
			sum += it.Sentiment
			if it.CapturedAt.After(s.LastSeen) {
				s.LastSeen = it.CapturedAt
			}
		}
		if s.Items == 0 {
			continue
		}
		s.MeanSentiment = sum / float64(s.Items)
		for i := len(ci.items) - 1; i >= 0 && len(s.Latest) < 3; i-- {
			it := ci.items[i]
			if !it.CapturedAt.Before(from) && it.CapturedAt.Before(to) {
				s.Latest = append(s.Latest, it.ID)
			}
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b CompetitorSummary) int {
		if a.Items != b.Items {
			return b.Items - a.Items
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out, nil
}

type competitorItems struct {
	name  string
	items []*Item // sorted by CapturedAt
}

func (h *Hub) competitorItems(ctx context.Context, p Principal) ([]competitorItems, error) {
	by := map[string]*competitorItems{}
	var keys []string
	for it, err := range h.List(ctx, p, Query{}) {
		if err != nil {
			return nil, err
		}
		for _, c := range it.Links.Competitors {
			k := competitorKey(c)
			ci := by[k]
			if ci == nil {
				ci = &competitorItems{name: c}
				by[k] = ci
				keys = append(keys, k)
			}
			ci.items = append(ci.items, it)
		}
	}
	slices.Sort(keys)
	out := make([]competitorItems, len(keys))
	for i, k := range keys {
		ci := by[k]
		slices.SortStableFunc(ci.items, func(a, b *Item) int { return a.CapturedAt.Compare(b.CapturedAt) })
		out[i] = *ci
	}
	return out, nil
}

// AlertKind says what an alert is about.
type AlertKind uint8

// Alert kinds.
const (
	// AlertNewCompetitor: a competitor first appears (its earliest visible
	// item falls in the window), or an item of CategoryNewCompetitor arrives.
	AlertNewCompetitor AlertKind = iota + 1
	// AlertMarketChange: a market-intelligence category has at least
	// MinAlertCount items in the window and at least twice its baseline (the
	// mean count of the four windows of equal length before it).
	AlertMarketChange
)

// String returns "new_competitor" or "market_change".
func (k AlertKind) String() string {
	switch k {
	case AlertNewCompetitor:
		return "new_competitor"
	case AlertMarketChange:
		return "market_change"
	}
	return fmt.Sprintf("AlertKind(%d)", uint8(k))
}

// MinAlertCount is the least number of items in a window for a market-change
// alert.
const MinAlertCount = 3

// Alert surfaces a market change computed from the items p may see.
type Alert struct {
	Kind       AlertKind
	Competitor string   // AlertNewCompetitor (empty for an unnamed new entrant)
	Category   Category // AlertMarketChange
	Count      int      // items in the window
	Baseline   float64  // AlertMarketChange: mean count of the earlier windows
	Items      []ID
	Message    string
}

// Alerts returns the alerts for window [from, to) over the items p may see:
// new competitors first (by name), then market changes (by category).
func (h *Hub) Alerts(ctx context.Context, p Principal, from, to time.Time) ([]Alert, error) {
	h.once.Do(h.setup)
	if !from.Before(to) {
		return nil, fmt.Errorf("%w: alert window [%v, %v) is empty", ErrInvalid, from, to)
	}
	comps, err := h.competitorItems(ctx, p)
	if err != nil {
		return nil, err
	}
	var out []Alert
	named := map[ID]bool{}
	for _, ci := range comps {
		first := ci.items[0].CapturedAt
		newEntry := !first.Before(from) && first.Before(to)
		var ids []ID
		for _, it := range ci.items {
			in := !it.CapturedAt.Before(from) && it.CapturedAt.Before(to)
			if in && (newEntry || it.Category == CategoryNewCompetitor) {
				ids = append(ids, it.ID)
				named[it.ID] = true
			}
		}
		if len(ids) > 0 {
			out = append(out, Alert{Kind: AlertNewCompetitor, Competitor: ci.name, Count: len(ids), Items: ids,
				Message: fmt.Sprintf("new competitor %s: %d item(s)", ci.name, len(ids))})
		}
	}
	span := to.Sub(from)
	base := from.Add(-4 * span)
	counts := map[Category]int{}
	before := map[Category]int{}
	items := map[Category][]ID{}
	var unnamed []ID
	for it, err := range h.List(ctx, p, Query{Kinds: []Kind{KindMarket}, From: base, To: to}) {
		if err != nil {
			return nil, err
		}
		if it.CapturedAt.Before(from) {
			before[it.Category]++
			continue
		}
		counts[it.Category]++
		items[it.Category] = append(items[it.Category], it.ID)
		if it.Category == CategoryNewCompetitor && !named[it.ID] && len(it.Links.Competitors) == 0 {
			unnamed = append(unnamed, it.ID)
		}
	}
	if len(unnamed) > 0 {
		out = append(out, Alert{Kind: AlertNewCompetitor, Count: len(unnamed), Items: unnamed,
			Message: fmt.Sprintf("new competitor entry reported: %d item(s)", len(unnamed))})
	}
	cats := make([]Category, 0, len(counts))
	for c := range counts {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	for _, c := range cats {
		n := counts[c]
		b := float64(before[c]) / 4
		if n >= MinAlertCount && float64(n) >= 2*b {
			out = append(out, Alert{Kind: AlertMarketChange, Category: c, Count: n, Baseline: b, Items: items[c],
				Message: fmt.Sprintf("%s: %d item(s), baseline %.2f", h.cfg.Taxonomy.Label(string(c)), n, b)})
		}
	}
	return out, nil
}
