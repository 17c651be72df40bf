package quality

import (
	"fmt"
	"html/template"
	"io"
	"sort"
)

// WriteHTML writes r as one self-contained HTML page a manager can open:
// the overall score, a bar per dimension, the worst fields, the score
// histogram, every rule with its status, and samples of failing values.
// Charts are inline SVG; the page loads nothing from elsewhere (no
// scripts, fonts or images). title names the dataset.
func (r *Report) WriteHTML(w io.Writer, title string) error {
	type bar struct {
		Status Status
		Label  string
		Value  float64
		Width  float64
		Y      int
		Colour string
	}
	type field struct {
		Name                                         string
		Y                                            int
		Missing, Invalid, Other, Total               int64
		MissingW, InvalidW, OtherW, InvalidX, OtherX float64
	}
	type sliceRow struct {
		Field, Value string
		Records      int64
		Score        float64
		Colour       string
	}
	type hbar struct {
		X, Y, W, H float64
		Label      string
		Count      int64
	}
	data := struct {
		Title      string
		R          *Report
		ScoreCol   string
		Dims       []bar
		DimsH      int
		Fields     []field
		FieldsH    int
		Hist       []hbar
		HistMax    int64
		FailedRule []RuleReport
		Slices     []sliceRow
	}{Title: title, R: r, ScoreCol: scoreColour(r.Score)}
	for _, d := range Dimensions() {
		s, ok := r.Dimensions[d.String()]
		if !ok {
			continue
		}
		data.Dims = append(data.Dims, bar{Status: r.Checks[d.String()].Status, Label: d.String(), Value: s, Width: 4 * s, Y: 8 + len(data.Dims)*30, Colour: scoreColour(s)})
	}
	data.DimsH = 16 + 30*len(data.Dims)
	var fs []field
	for name, c := range r.Fields {
		other := c.Duplicate + c.Inconsistent + c.Stale + c.Inaccurate
		fs = append(fs, field{Name: name, Missing: c.Missing, Invalid: c.Invalid, Other: other, Total: c.Missing + c.Invalid + other})
	}
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Total != fs[j].Total {
			return fs[i].Total > fs[j].Total
		}
		return fs[i].Name < fs[j].Name
	})
	if len(fs) > 10 {
		fs = fs[:10]
	}
	var maxT int64 = 1
	for _, f := range fs {
		maxT = max(maxT, f.Total)
	}
	for i := range fs {
		f := &fs[i]
		scale := 400 / float64(maxT)
		f.MissingW, f.InvalidW, f.OtherW = float64(f.Missing)*scale, float64(f.Invalid)*scale, float64(f.Other)*scale
		f.InvalidX = 180 + f.MissingW
		f.OtherX = f.InvalidX + f.InvalidW
		f.Y = 24 + 26*i
	}
	data.Fields = fs
	data.FieldsH = 32 + 26*len(fs)
	var hmax int64 = 1
	for _, b := range r.Histogram {
		hmax = max(hmax, b.Records)
	}
	data.HistMax = hmax
	for i, b := range r.Histogram {
		h := 160 * float64(b.Records) / float64(hmax)
		data.Hist = append(data.Hist, hbar{X: 40 + float64(i)*52, Y: 180 - h, W: 44, H: h, Label: fmt.Sprintf("%d–%d", b.From, b.To), Count: b.Records})
	}
	for _, rr := range r.Rules {
		if rr.Failed > 0 && len(rr.Samples) > 0 {
			data.FailedRule = append(data.FailedRule, rr)
		}
	}
	var sliceFields []string
	for f := range r.Slices {
		sliceFields = append(sliceFields, f)
	}
	sort.Strings(sliceFields)
	for _, f := range sliceFields {
		var vals []string
		for v := range r.Slices[f] {
			vals = append(vals, v)
		}
		sort.Strings(vals)
		for _, v := range vals {
			sr := r.Slices[f][v]
			data.Slices = append(data.Slices, sliceRow{Field: f, Value: v, Records: sr.Records, Score: sr.Score, Colour: scoreColour(sr.Score)})
		}
	}
	return htmlReport.Execute(w, data)
}

func scoreColour(s float64) string {
	switch {
	case s >= 90:
		return "#2e7d32"
	case s >= 75:
		return "#f9a825"
	}
	return "#c62828"
}

var htmlReport = template.Must(template.New("report").Funcs(template.FuncMap{
	"f2":  func(x float64) string { return fmt.Sprintf("%.2f", x) },
	"pct": func(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) },
	"statusColour": func(s Status) string {
		return map[Status]string{StatusPass: "#2e7d32", StatusWarn: "#f9a825", StatusFail: "#c62828", StatusNoData: "#757575"}[s]
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Data quality: {{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP",sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.big{font-size:56px;font-weight:700} .muted{color:#666;font-size:13px}
table{border-collapse:collapse;font-size:13px;width:100%} th,td{padding:4px 8px;border-bottom:1px solid #eee;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums} .st{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}
code{background:#f4f4f4;padding:0 3px}
</style></head><body>
<h1>Data quality: {{.Title}}</h1>
<div class="muted">{{.R.Records}} records · score = weighted mean of dimension scores per record (see package quality)</div>
{{if .R.Records}}<p><span class="big" style="color:{{.ScoreCol}}">{{f2 .R.Score}}</span> <span class="muted">/ 100 overall</span></p>{{else}}<p><span class="big" style="color:#757575">no data</span> <span class="muted">no record to assess: every rule is no_data, the score 0 is not a grade</span></p>{{end}}

<h2>Dimensions</h2>
<div class="muted">bar: mean dimension score of the records; badge: status of the dimension's pooled checks</div>
<svg width="640" height="{{.DimsH}}" role="img" aria-label="dimension scores">
{{range .Dims}}<text x="0" y="{{.Y}}" dy="15" font-size="13">{{.Label}}</text>
<rect x="120" y="{{.Y}}" width="400" height="20" fill="#eee"/><rect x="120" y="{{.Y}}" width="{{.Width}}" height="20" fill="{{.Colour}}"/>
<text x="528" y="{{.Y}}" dy="15" font-size="13">{{f2 .Value}}</text>
<rect x="580" y="{{.Y}}" width="40" height="20" rx="3" fill="{{statusColour .Status}}"/><text x="600" y="{{.Y}}" dy="15" font-size="12" fill="#fff" text-anchor="middle">{{.Status}}</text>
{{end}}</svg>

<h2>Worst fields</h2>
<svg width="700" height="{{.FieldsH}}" role="img" aria-label="failures per field">
<rect x="180" y="2" width="12" height="12" fill="#c62828"/><text x="196" y="13" font-size="12">missing</text>
<rect x="260" y="2" width="12" height="12" fill="#ef6c00"/><text x="276" y="13" font-size="12">invalid</text>
<rect x="340" y="2" width="12" height="12" fill="#7b1fa2"/><text x="356" y="13" font-size="12">duplicate / inconsistent / stale / inaccurate</text>
{{range .Fields}}<text x="0" y="{{.Y}}" dy="15" font-size="13">{{.Name}}</text>
<rect x="180" y="{{.Y}}" width="{{.MissingW}}" height="20" fill="#c62828"><title>missing: {{.Missing}}</title></rect>
<rect x="{{.InvalidX}}" y="{{.Y}}" width="{{.InvalidW}}" height="20" fill="#ef6c00"><title>invalid: {{.Invalid}}</title></rect>
<rect x="{{.OtherX}}" y="{{.Y}}" width="{{.OtherW}}" height="20" fill="#7b1fa2"><title>other: {{.Other}}</title></rect>
<text x="590" y="{{.Y}}" dy="15" font-size="12">{{.Total}}</text>
{{end}}</svg>

<h2>Score distribution</h2>
<svg width="600" height="210" role="img" aria-label="histogram of record scores">
<line x1="36" y1="180" x2="566" y2="180" stroke="#999"/>
{{range .Hist}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="#1565c0"><title>{{.Label}}: {{.Count}}</title></rect>
<text x="{{.X}}" y="196" font-size="10">{{.Label}}</text><text x="{{.X}}" y="{{.Y}}" dy="-3" font-size="10">{{.Count}}</text>
{{end}}</svg>

{{with .R.Identity}}<h2>Identity graph (likely duplicates)</h2>
<p>{{.Records}} records → {{.Entities}} customers: consolidation rate {{pct .ConsolidationRate}}; {{.Clusters}} clusters, the largest of {{.Largest}} records; {{.Oversized}} larger than {{.MaxSize}}.</p>
{{end}}{{if .Slices}}<h2>Slices</h2>
<table><tr><th>field</th><th>value</th><th class="n">records</th><th class="n">score</th></tr>
{{range .Slices}}<tr><td>{{.Field}}</td><td>{{.Value}}</td><td class="n">{{.Records}}</td><td class="n" style="color:{{.Colour}}">{{f2 .Score}}</td></tr>
{{end}}</table>
{{end}}
<h2>Rules</h2>
<table><tr><th>status</th><th>rule</th><th>dimension</th><th class="n">passed</th><th class="n">failed</th><th class="n">skipped</th><th class="n">pass rate</th><th>threshold (pass/warn)</th></tr>
{{range .R.Rules}}<tr><td><span class="st" style="background:{{statusColour .Status}}">{{.Status}}</span></td><td><code>{{.Name}}</code></td><td>{{.Dimension}}</td>
<td class="n">{{.Passed}}</td><td class="n">{{.Failed}}</td><td class="n">{{.Skipped}}</td><td class="n">{{pct .Ratio}}</td><td>{{.Threshold.Pass}} / {{.Threshold.Warn}}</td></tr>
{{end}}</table>

<h2>Failing samples</h2>
{{range .FailedRule}}<p><code>{{.Name}}</code> — {{.Failed}} failed</p>
<table><tr><th>record</th><th>value</th></tr>{{range .Samples}}<tr><td>{{.RecordID}}</td><td>{{.Value}}</td></tr>{{end}}</table>
{{end}}
</body></html>
`))
