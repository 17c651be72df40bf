package match

import (
	"cmp"
	"fmt"
	"html"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// WriteHTML writes a report of the result for a data steward: one
// self-contained page (inline SVG, no script, no external asset, well-formed
// XHTML) with the figures of the run — the candidate pairs each blocking
// rule produced, the learnt m and u of every field and level, the
// distribution of match weights, the precision and recall the model expects
// at each threshold (from the weights alone, no labels needed), a waterfall
// of the contributions of sampled pairs (with the reason a pair was held
// or kept apart), and the cluster sizes with the largest clusters listed.
// In link mode there are no clusters and that section is left out.
func (r *Result) WriteHTML(w io.Writer) error {
	return reportTemplate.Execute(w, r.reportData())
}

// reportData is what the report shows.
type reportData struct {
	Stats             Stats
	Threshold, Review float64
	Lambda            float64
	Rules             []ruleRow
	RulesSVG          template.HTML
	Fields            []fieldRow
	WeightsSVG        template.HTML
	Curve             []curveRow
	CurveSVG          template.HTML
	Waterfalls        []waterfall
	Sizes             []sizeRow
	SizesSVG          template.HTML
	Largest           []clusterRow
	Clustered         bool
	Deterministic     bool
}

type ruleRow struct {
	Name  string
	Pairs int
}

type fieldRow struct {
	Name, Kind string
	Levels     []levelRow
	SVG        template.HTML
}

type levelRow struct {
	Name         string
	M, U, Weight float64
}

type curveRow struct {
	Bits                     int
	Probability              float64
	Pairs                    int
	Precision, Recall, Share float64
}

type waterfall struct {
	A, B        string
	Weight      float64
	Probability float64
	Limit       string
	Joined      bool
	SVG         template.HTML
}

type sizeRow struct{ Size, Clusters int }

type clusterRow struct {
	Size int
	IDs  string
}

func (r *Result) reportData() reportData {
	rd := reportData{Stats: r.Stats, Clustered: r.ClusterOf != nil}
	if r.m != nil {
		rd.Threshold, rd.Review = r.m.o.threshold, r.m.o.review
		rd.Deterministic = len(r.m.rules) > 0
	}
	for name, n := range r.Stats.RulePairs {
		rd.Rules = append(rd.Rules, ruleRow{name, n})
	}
	slices.SortFunc(rd.Rules, func(a, b ruleRow) int {
		if a.Pairs != b.Pairs {
			return b.Pairs - a.Pairs
		}
		return strings.Compare(a.Name, b.Name)
	})
	var bars []bar
	for _, ru := range rd.Rules {
		bars = append(bars, bar{ru.Name, float64(ru.Pairs), strconv.Itoa(ru.Pairs)})
	}
	rd.RulesSVG = hbars(bars, "#4a7ab5")
	if r.Model != nil {
		rd.Lambda = r.Model.Lambda
		for f, p := range r.Model.Fields {
			if p.Kind == KindIgnore {
				continue
			}
			fr := fieldRow{Name: p.Name, Kind: p.Kind.String()}
			var bs []bar
			for l := 1; l < len(p.M); l++ {
				wt := r.Model.Weight(f, l)
				fr.Levels = append(fr.Levels, levelRow{p.Levels[l], p.M[l], p.U[l], wt})
				bs = append(bs, bar{p.Levels[l], wt, fmt.Sprintf("%+.2f bits", wt)})
			}
			fr.SVG = signedBars(bs)
			rd.Fields = append(rd.Fields, fr)
		}
	}
	rd.WeightsSVG = histogram(r.Stats.Weights, r.Model)
	rd.Curve = curve(r.Stats.Weights)
	rd.CurveSVG = curveSVG(rd.Curve)
	rd.Waterfalls = r.sampleWaterfalls(12)
	if rd.Clustered {
		rd.Sizes, rd.Largest = r.clusterFigures(10)
		var bs []bar
		for _, s := range rd.Sizes {
			bs = append(bs, bar{fmt.Sprintf("%d records", s.Size), float64(s.Clusters), strconv.Itoa(s.Clusters)})
		}
		rd.SizesSVG = hbars(bs, "#5a9a5a")
	}
	return rd
}

// curve gives, at each whole-bit threshold of the weight distribution, the
// pairs at or above it and the precision and recall the model expects
// there: the expected matches above the threshold over the pairs above it,
// and over all expected matches.
func curve(bins []WeightBin) []curveRow {
	total := 0.0
	for _, b := range bins {
		total += b.Matches
	}
	var out []curveRow
	pairs, matches := 0, 0.0
	for i := len(bins) - 1; i >= 0; i-- {
		pairs += bins[i].Pairs
		matches += bins[i].Matches
		row := curveRow{Bits: bins[i].Bits, Probability: probability(float64(bins[i].Bits)), Pairs: pairs}
		if pairs > 0 {
			row.Precision = matches / float64(pairs)
		}
		if total > 0 {
			row.Recall = matches / total
		}
		out = append(out, row)
	}
	slices.Reverse(out)
	return out
}

// sampleWaterfalls explains up to n pairs of Result.Pairs spread over
// their probabilities, and the first pairs a chaining guard kept apart.
func (r *Result) sampleWaterfalls(n int) []waterfall {
	if r.d == nil || r.m == nil {
		return nil
	}
	var picks [][2]int
	seen := map[uint64]bool{}
	add := func(a, b int) {
		k := pack(uint32(a), uint32(b))
		if !seen[k] {
			seen[k] = true
			picks = append(picks, [2]int{a, b})
		}
	}
	refused := make([]uint64, 0, len(r.refused))
	for k := range r.refused {
		refused = append(refused, k)
	}
	slices.Sort(refused)
	for _, k := range refused[:min(len(refused), 3)] {
		add(int(k>>32), int(k&0xFFFFFFFF))
	}
	if m := len(r.Pairs); m > 0 {
		k := max(n-len(picks), 1)
		for i := range k {
			p := r.Pairs[(m-1)*i/max(k-1, 1)]
			add(p.A, p.B)
		}
	}
	var out []waterfall
	for _, pk := range picks {
		ex, ok := r.Explain(pk[0], pk[1])
		if !ok {
			continue
		}
		wf := waterfall{A: ex.A, B: ex.B, Weight: ex.Weight, Probability: ex.Probability, Limit: ex.Limit}
		if r.ClusterOf != nil {
			wf.Joined = r.ClusterOf[pk[0]] == r.ClusterOf[pk[1]]
		}
		wf.SVG = waterfallSVG(ex)
		out = append(out, wf)
	}
	return out
}

// clusterFigures returns how many clusters there are of each size and the
// n largest clusters with their record IDs.
func (r *Result) clusterFigures(n int) ([]sizeRow, []clusterRow) {
	cl := r.Clusters()
	bySize := map[int]int{}
	for _, c := range cl {
		bySize[len(c)]++
	}
	var sizes []sizeRow
	for s, c := range bySize {
		sizes = append(sizes, sizeRow{s, c})
	}
	slices.SortFunc(sizes, func(a, b sizeRow) int { return a.Size - b.Size })
	order := make([]int, len(cl))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(cl[b]), len(cl[a])) })
	var largest []clusterRow
	for _, c := range order[:min(n, len(order))] {
		if len(cl[c]) < 2 {
			break
		}
		var ids []string
		for _, i := range cl[c][:min(len(cl[c]), 20)] {
			ids = append(ids, r.d.ids[i])
		}
		s := strings.Join(ids, ", ")
		if len(cl[c]) > 20 {
			s += fmt.Sprintf(" … (%d more)", len(cl[c])-20)
		}
		largest = append(largest, clusterRow{len(cl[c]), s})
	}
	return sizes, largest
}

// bar is one labelled value of a bar chart.
type bar struct {
	Label string
	Value float64
	Text  string
}

const chartWidth = 640

// hbars draws horizontal bars of non-negative values, scaled to the
// largest.
func hbars(bs []bar, colour string) template.HTML {
	if len(bs) == 0 {
		return ""
	}
	const row, labelW = 22, 260
	top := 0.0
	for _, b := range bs {
		top = math.Max(top, b.Value)
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img">`, chartWidth, row*len(bs)+4)
	for i, b := range bs {
		y := i * row
		wd := 0.0
		if top > 0 {
			wd = b.Value / top * (chartWidth - labelW - 90)
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" class="l">%s</text>`, labelW-6, y+15, esc(b.Label))
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`, labelW, y+3, wd, row-6, colour)
		fmt.Fprintf(&s, `<text x="%.1f" y="%d" class="v">%s</text>`, float64(labelW)+wd+4, y+15, esc(b.Text))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// signedBars draws bars left (negative) and right (positive) of a zero
// line, scaled to the largest magnitude.
func signedBars(bs []bar) template.HTML {
	if len(bs) == 0 {
		return ""
	}
	const row, labelW, width = 20, 200, 520
	top := 1.0
	for _, b := range bs {
		top = math.Max(top, math.Abs(b.Value))
	}
	zero := float64(labelW) + float64(width-labelW)/2
	half := float64(width-labelW)/2 - 70
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img">`, width, row*len(bs)+4)
	for i, b := range bs {
		y := i * row
		wd := b.Value / top * half
		x, fill := zero, "#4a7ab5"
		if wd < 0 {
			x, fill, wd = zero+wd, "#c0504d", -wd
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" class="l">%s</text>`, labelW-6, y+14, esc(b.Label))
		fmt.Fprintf(&s, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>`, x, y+3, wd, row-6, fill)
		tx, anchor := zero+math.Abs(b.Value)/top*half+4, "start"
		if b.Value < 0 {
			tx, anchor = zero-math.Abs(b.Value)/top*half-4, "end"
		}
		fmt.Fprintf(&s, `<text x="%.1f" y="%d" text-anchor="%s" class="v">%s</text>`, tx, y+14, anchor, esc(b.Text))
	}
	fmt.Fprintf(&s, `<line x1="%.1f" y1="0" x2="%.1f" y2="%d" stroke="#333"/>`, zero, zero, row*len(bs)+4)
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// histogram draws the pairs per weight bin on a logarithmic scale, the
// expected matches of each bin shaded, with the threshold weight marked.
func histogram(bins []WeightBin, model *Model) template.HTML {
	if len(bins) == 0 {
		return ""
	}
	const height, base, left = 220, 190, 50
	bw := float64(chartWidth-left-10) / float64(len(bins))
	top := 0.0
	for _, b := range bins {
		top = math.Max(top, math.Log10(1+float64(b.Pairs)))
	}
	hOf := func(n float64) float64 {
		if top == 0 {
			return 0
		}
		return math.Log10(1+n) / top * (base - 10)
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img">`, chartWidth, height)
	for i, b := range bins {
		x := float64(left) + float64(i)*bw
		h := hOf(float64(b.Pairs))
		fmt.Fprintf(&s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#c9d6ea"><title>%d to %d bits: %d pairs, %.1f expected matches</title></rect>`,
			x, base-h, math.Max(bw-1, 0.5), h, b.Bits, b.Bits+1, b.Pairs, b.Matches)
		hm := hOf(b.Matches)
		fmt.Fprintf(&s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#4a7ab5"/>`, x, base-hm, math.Max(bw-1, 0.5), hm)
		if b.Bits%5 == 0 {
			fmt.Fprintf(&s, `<text x="%.1f" y="%d" text-anchor="middle" class="v">%d</text>`, x, base+16, b.Bits)
		}
	}
	fmt.Fprintf(&s, `<text x="%d" y="%d" class="v">bits</text>`, 4, base+16)
	fmt.Fprintf(&s, `<text x="%d" y="%d" class="v">pairs (log)</text>`, 4, 12)
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// curveSVG draws expected precision and recall against the threshold
// probability's weight.
func curveSVG(rows []curveRow) template.HTML {
	if len(rows) < 2 {
		return ""
	}
	const height, base, left = 220, 190, 50
	lo, hi := float64(rows[0].Bits), float64(rows[len(rows)-1].Bits)
	xOf := func(b int) float64 { return left + (float64(b)-lo)/math.Max(hi-lo, 1)*(chartWidth-left-20) }
	yOf := func(v float64) float64 { return base - v*(base-20) }
	line := func(get func(curveRow) float64, colour string) string {
		var pts []string
		for _, r := range rows {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", xOf(r.Bits), yOf(get(r))))
		}
		return fmt.Sprintf(`<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, colour, strings.Join(pts, " "))
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img">`, chartWidth, height)
	fmt.Fprintf(&s, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>`, left, base, chartWidth-20, base)
	fmt.Fprintf(&s, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>`, left, 20, left, base)
	s.WriteString(line(func(r curveRow) float64 { return r.Precision }, "#4a7ab5"))
	s.WriteString(line(func(r curveRow) float64 { return r.Recall }, "#c0504d"))
	for _, r := range rows {
		if r.Bits%5 == 0 {
			fmt.Fprintf(&s, `<text x="%.1f" y="%d" text-anchor="middle" class="v">%d</text>`, xOf(r.Bits), base+16, r.Bits)
		}
	}
	fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" class="v">1.0</text><text x="%d" y="%d" text-anchor="end" class="v">0.0</text>`, left-4, 24, left-4, base)
	fmt.Fprintf(&s, `<text x="%d" y="14" class="v" fill="#4a7ab5">precision</text><text x="%d" y="14" class="v" fill="#c0504d">recall</text>`, left+10, left+90)
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// waterfallSVG draws a pair's prior and field contributions as steps from
// zero to its total weight.
func waterfallSVG(ex Explanation) template.HTML {
	type step struct {
		label string
		w     float64
	}
	steps := []step{{"prior", ex.Prior}}
	for _, c := range ex.Fields {
		if c.Level != LevelMissing {
			steps = append(steps, step{c.Field + " (" + c.Level + ")", c.Weight})
		}
	}
	lo, hi, run := 0.0, 0.0, 0.0
	for _, st := range steps {
		run += st.w
		lo, hi = math.Min(lo, run), math.Max(hi, run)
	}
	lo, hi = math.Min(lo, ex.Weight), math.Max(hi, ex.Weight)
	const row, labelW, width = 20, 260, 640
	span := math.Max(hi-lo, 1)
	xOf := func(v float64) float64 { return labelW + (v-lo)/span*(width-labelW-70) }
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img">`, width, row*(len(steps)+1)+4)
	run = 0
	for i, st := range steps {
		y := i * row
		x0, x1 := xOf(run), xOf(run+st.w)
		fill := "#4a7ab5"
		if st.w < 0 {
			fill = "#c0504d"
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" class="l">%s</text>`, labelW-6, y+14, esc(st.label))
		fmt.Fprintf(&s, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>`, math.Min(x0, x1), y+3, math.Max(math.Abs(x1-x0), 0.5), row-6, fill)
		fmt.Fprintf(&s, `<text x="%.1f" y="%d" class="v">%+.2f</text>`, math.Max(x0, x1)+4, y+14, st.w)
		run += st.w
	}
	y := len(steps) * row
	fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" class="l">total</text>`, labelW-6, y+14)
	fmt.Fprintf(&s, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="#555"/>`, math.Min(xOf(0), xOf(ex.Weight)), y+3, math.Max(math.Abs(xOf(ex.Weight)-xOf(0)), 0.5), row-6)
	fmt.Fprintf(&s, `<text x="%.1f" y="%d" class="v">%.2f bits</text>`, math.Max(xOf(0), xOf(ex.Weight))+4, y+14, ex.Weight)
	fmt.Fprintf(&s, `<line x1="%.1f" y1="0" x2="%.1f" y2="%d" stroke="#333"/>`, xOf(0), xOf(0), row*(len(steps)+1)+4)
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

func esc(s string) string { return html.EscapeString(s) }

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"f4": func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) },
	"f2": func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) },
	"g":  func(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) },
}).Parse(`<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head>
<meta charset="utf-8"/>
<title>Identity resolution report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 60em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }
td.t, th.t { text-align: left; }
svg text.l { font-size: 12px; }
svg text.v { font-size: 11px; fill: #444; }
.note { color: #555; font-size: 0.9em; }
</style>
</head>
<body>
<h1>Identity resolution report</h1>
<table>
<tr><th class="t">records</th><td id="records">{{.Stats.Records}}</td></tr>
<tr><th class="t">candidate pairs</th><td id="candidate-pairs">{{.Stats.CandidatePairs}}</td></tr>
<tr><th class="t">matches (p ≥ {{f2 .Threshold}})</th><td id="matches">{{.Stats.Matches}}</td></tr>
<tr><th class="t">in review ({{f2 .Review}} ≤ p &lt; {{f2 .Threshold}})</th><td id="reviews">{{.Stats.Reviews}}</td></tr>
{{if .Clustered}}<tr><th class="t">clusters</th><td id="clusters">{{.Stats.Clusters}}</td></tr>
<tr><th class="t">largest cluster</th><td id="largest">{{.Stats.LargestCluster}}</td></tr>
<tr><th class="t">merges refused by a chaining guard</th><td id="guard-refusals">{{.Stats.GuardRefusals}}</td></tr>{{end}}
{{if not .Deterministic}}<tr><th class="t">prior match probability λ of two records</th><td id="lambda">{{g .Lambda}}</td></tr>
<tr><th class="t">EM iterations</th><td>{{.Stats.EMIterations}}{{if not .Stats.EMConverged}} (not converged){{end}}</td></tr>{{end}}
</table>

<h2 id="blocking">Blocking rules</h2>
<p class="note">Distinct candidate pairs each rule produced (a pair found by several rules counts for each), under the name of the version used: a rule too coarse for the data is refined (for example postal_code+initial to postal_code+name).</p>
{{.RulesSVG}}
<table><tr><th class="t">rule</th><th>pairs</th></tr>
{{range .Rules}}<tr class="rule"><td class="t">{{.Name}}</td><td>{{.Pairs}}</td></tr>
{{end}}</table>
{{with .Stats.Capped}}<p class="note">{{len .}} blocks were over the cap and paired by sorted neighbourhood only.</p>{{end}}

{{if .Fields}}<h2 id="model">Model: m and u per field and level</h2>
<p class="note">m is the share of true matches at the level, u the share of non-matches; the weight is log2(m/u) bits, and the missing level weighs 0.</p>
{{range .Fields}}<h3>{{.Name}} <span class="note">({{.Kind}})</span></h3>
{{.SVG}}
<table><tr><th class="t">level</th><th>m</th><th>u</th><th>weight (bits)</th></tr>
{{range .Levels}}<tr><td class="t">{{.Name}}</td><td>{{g .M}}</td><td>{{g .U}}</td><td>{{f2 .Weight}}</td></tr>
{{end}}</table>
{{end}}{{end}}

{{if .WeightsSVG}}<h2 id="weights">Match weights of the candidate pairs</h2>
<p class="note">Pairs per bin of one bit (light) and the matches the model expects among them (dark), on a logarithmic scale.</p>
{{.WeightsSVG}}{{end}}

{{if .Curve}}<h2 id="precision-recall">Precision and recall the model expects, by threshold</h2>
<p class="note">From the weights alone, without labels: at a threshold, the expected matches above it over the pairs above it (precision) and over all expected matches (recall). They are as good as the model: check them against labelled pairs when you have some.</p>
{{.CurveSVG}}
<table><tr><th>weight ≥ (bits)</th><th>probability ≥</th><th>pairs</th><th>precision</th><th>recall</th></tr>
{{range .Curve}}<tr class="curve"><td>{{.Bits}}</td><td>{{f4 .Probability}}</td><td>{{.Pairs}}</td><td>{{f4 .Precision}}</td><td>{{f4 .Recall}}</td></tr>
{{end}}</table>{{end}}

{{if .Waterfalls}}<h2 id="waterfalls">Sampled pairs: how each field contributed</h2>
{{range .Waterfalls}}<h3 class="pair">{{.A}} + {{.B}}</h3>
<p>weight {{f2 .Weight}} bits, probability {{f4 .Probability}}{{if .Limit}}, <strong>{{.Limit}}</strong>{{end}}{{if $.Clustered}}; {{if .Joined}}in one cluster{{else}}not in one cluster{{end}}{{end}}</p>
{{.SVG}}
{{end}}{{end}}

{{if .Clustered}}<h2 id="clusters-by-size">Cluster sizes</h2>
{{.SizesSVG}}
<table><tr><th>records</th><th>clusters</th></tr>
{{range .Sizes}}<tr class="size"><td>{{.Size}}</td><td>{{.Clusters}}</td></tr>
{{end}}</table>
{{if .Largest}}<h3>Largest clusters</h3>
<table><tr><th>records</th><th class="t">record IDs</th></tr>
{{range .Largest}}<tr class="largest"><td>{{.Size}}</td><td class="t">{{.IDs}}</td></tr>
{{end}}</table>{{end}}{{end}}
</body>
</html>
`))
