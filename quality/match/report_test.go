package match

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c360/c360/quality/match/synth"
)

// textOf returns the text of every element with class cls of the XHTML
// document doc, one string per element (its text nodes joined by "|"), and
// fails if doc is not well-formed.
func textOf(t *testing.T, doc []byte, cls string) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	var out []string
	depth := 0 // > 0 inside a matching element
	var cur []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the report is not well-formed XHTML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if depth > 0 {
				depth++
				continue
			}
			for _, a := range x.Attr {
				if a.Name.Local == "class" && a.Value == cls {
					depth = 1
					cur = nil
				}
			}
		case xml.EndElement:
			if depth > 0 {
				depth--
				if depth == 0 {
					out = append(out, strings.Join(cur, "|"))
				}
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(x)); depth > 0 && s != "" {
				cur = append(cur, s)
			}
		}
	}
	return out
}

// The report is self-contained, well-formed XHTML holding the figures of
// the result: candidate pairs per blocking rule, m and u per field and
// level, precision and recall computed from the weight distribution,
// sampled pairs as the Explanation gives them (a pair a guard kept apart
// says so), and the cluster sizes.
func TestWriteHTML(t *testing.T) {
	fields, recs, _ := synthSet(t, 3000, 7, synth.English)
	m, err := New(Config{Fields: fields, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := res.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	doc := buf.Bytes()
	for _, bad := range []string{"<script", "http://", "https://", "<link", "@import", "url("} {
		// The only URIs allowed are the XML namespaces.
		s := strings.ReplaceAll(strings.ReplaceAll(string(doc), "http://www.w3.org/2000/svg", ""), "http://www.w3.org/1999/xhtml", "")
		if strings.Contains(s, bad) {
			t.Errorf("report contains %q: not self-contained", bad)
		}
	}
	if n := strings.Count(string(doc), "<svg "); n < 5 {
		t.Errorf("%d inline SVG charts, want at least 5", n)
	}
	// Blocking rules with their pairs.
	var rules []string
	for name, n := range res.Stats.RulePairs {
		rules = append(rules, fmt.Sprintf("%s|%d", name, n))
	}
	got := textOf(t, doc, "rule")
	if diff := cmp.Diff(rules, got, cmp.Transformer("sort", func(s []string) []string {
		c := append([]string(nil), s...)
		slices.Sort(c)
		return c
	})); diff != "" {
		t.Errorf("blocking rules (-want +got):\n%s", diff)
	}
	// m and u of every field and level appear as the model has them.
	for f, p := range res.Model.Fields {
		for l := 1; l < len(p.M); l++ {
			row := fmt.Sprintf("<tr><td class=\"t\">%s</td><td>%s</td><td>%s</td><td>%.2f</td></tr>",
				html.EscapeString(p.Levels[l]), fmtG(p.M[l]), fmtG(p.U[l]), res.Model.Weight(f, l))
			if !strings.Contains(string(doc), row) {
				t.Errorf("field %s level %s: row %s not in the report", p.Name, p.Levels[l], row)
			}
		}
	}
	// Precision and recall: recomputed here from Stats.Weights.
	total, pairs, matches := 0.0, 0, 0.0
	for _, b := range res.Stats.Weights {
		total += b.Matches
		pairs += b.Pairs
	}
	if pairs != res.Stats.CandidatePairs {
		t.Errorf("weight bins hold %d pairs, want the %d candidate pairs", pairs, res.Stats.CandidatePairs)
	}
	curve := textOf(t, doc, "curve")
	if len(curve) != len(res.Stats.Weights) {
		t.Fatalf("%d rows of precision and recall, want one per weight bin (%d)", len(curve), len(res.Stats.Weights))
	}
	n := 0
	for i := len(res.Stats.Weights) - 1; i >= 0; i-- {
		b := res.Stats.Weights[i]
		n += b.Pairs
		matches += b.Matches
		want := fmt.Sprintf("%d|%.4f|%d|%.4f|%.4f", b.Bits, 1/(1+math.Exp2(-float64(b.Bits))), n, matches/float64(n), matches/total)
		if curve[i] != want {
			t.Errorf("precision/recall row %d = %q, want %q", i, curve[i], want)
		}
	}
	// Every sampled pair's heading names a pair whose explanation is
	// printed; a guard's refusals are among the samples when there are any.
	if len(textOf(t, doc, "pair")) == 0 {
		t.Error("no sampled pair")
	}
	if res.Stats.GuardRefusals > 0 && !strings.Contains(string(doc), LimitGuard) {
		t.Errorf("%d guard refusals, none shown", res.Stats.GuardRefusals)
	}
	// Cluster sizes add up to the clusters and records.
	sizes := textOf(t, doc, "size")
	clusters, records := 0, 0
	for _, s := range sizes {
		var size, count int
		if _, err := fmt.Sscanf(s, "%d|%d", &size, &count); err != nil {
			t.Fatalf("size row %q: %v", s, err)
		}
		clusters += count
		records += size * count
	}
	if clusters != res.Stats.Clusters || records != len(recs) {
		t.Errorf("cluster sizes add up to %d clusters of %d records, want %d of %d", clusters, records, res.Stats.Clusters, len(recs))
	}
	largest := textOf(t, doc, "largest")
	if len(largest) == 0 || !strings.HasPrefix(largest[0], fmt.Sprint(res.Stats.LargestCluster, "|")) {
		t.Errorf("largest clusters %q, want the first of %d records", largest, res.Stats.LargestCluster)
	}
}

// A pair a chaining guard kept apart is reported so in the report's
// sampled pairs, as Result.Explain says.
func TestWriteHTMLGuard(t *testing.T) {
	fields, recs := chainData() // r1 and r3: one company, two valid 法人番号
	m, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Dedupe(t.Context(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.GuardRefusals == 0 {
		t.Fatal("no guard refusal in the chain data")
	}
	var buf bytes.Buffer
	if err := res.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	textOf(t, buf.Bytes(), "none")
	if !strings.Contains(buf.String(), "<strong>"+LimitGuard+"</strong>; not in one cluster") {
		t.Errorf("the refused pair is not reported as %q and apart", LimitGuard)
	}
}

func fmtG(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
