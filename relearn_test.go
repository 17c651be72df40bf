package c360_test

import (
	"cmp"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality/match"
)

// TestRelearnFromReviews: the pairs people decide in the review queue are
// the engine's labels (confirmed: match; rejected: not), and Relearn
// estimates the model from the stored records with them — the model
// `c360 dedupe --labels` would estimate from the same records and labels —
// keeps it in the store, and scores later upserts with it.
func TestRelearnFromReviews(t *testing.T) {
	store := c360.NewMemoryStore()
	// A wide review band, so that 3,000 records give a few pairs to decide.
	cfg := c360.Config{Store: store, Match: match.Config{ReviewThreshold: 0.05}}
	e := open(t, cfg)
	recs := synthRecords(t, 3000)
	if _, err := e.Load(t.Context(), c360.Records(recs)); err != nil {
		t.Fatal(err)
	}
	items, err := e.Reviews(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(items) < 4 {
		t.Fatalf("%d reviews: want a few to decide", len(items))
	}
	var want []match.Label
	label := func(a, b customer.RecordKey, same bool) match.Label {
		if b.String() < a.String() {
			a, b = b, a
		}
		return match.Label{A: a.String(), B: b.String(), Match: same}
	}
	// Decide the first four: confirm two, reject two. A confirmation can
	// merge profiles and so retire other reviews; decide those still there.
	decided := 0
	for _, it := range items {
		if decided == 4 {
			break
		}
		same := decided%2 == 0
		var err error
		if same {
			_, err = e.Confirm(t.Context(), it.ID)
		} else {
			err = e.Reject(t.Context(), it.ID)
		}
		if errors.Is(err, c360.ErrNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, label(it.Record, it.Candidate, same))
		decided++
	}
	slices.SortFunc(want, func(x, y match.Label) int { return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B)) })
	got, err := e.Labels(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Fatalf("Labels (-decided +got):\n%s", diff)
	}

	before := e.Model()
	rl, err := e.Relearn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rl.Records != len(recs) || rl.Confirmed != 2 || rl.Rejected != 2 {
		t.Errorf("Relearn learnt from %d records, %d confirmed, %d rejected; want %d, 2, 2", rl.Records, rl.Confirmed, rl.Rejected, len(recs))
	}
	if diff := gocmp.Diff(before, rl.Previous); diff != "" {
		t.Errorf("Previous is not the model before (-before +previous):\n%s", diff)
	}
	// The same estimate as the batch matcher with the labels.
	fields := match.SourceFields()
	m, err := match.New(match.Config{Fields: fields, TermFrequency: new(false), Labels: got, ReviewThreshold: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	var stored []customer.SourceRecord
	for p, err := range e.Profiles(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, p.Sources...)
	}
	res, err := m.Dedupe(t.Context(), match.SourceRecords(stored))
	if err != nil {
		t.Fatal(err)
	}
	approx := cmpopts.EquateApprox(0, 1e-12)
	if diff := gocmp.Diff(res.Model, rl.Model, approx); diff != "" {
		t.Errorf("Relearn's model differs from Dedupe with the labels (-dedupe +relearn):\n%s", diff)
	}
	if diff := gocmp.Diff(rl.Model, e.Model()); diff != "" {
		t.Errorf("the engine does not score with the relearnt model:\n%s", diff)
	}
	// Kept in the store: an engine opened again scores with it.
	e.Close()
	again := open(t, cfg)
	if diff := gocmp.Diff(rl.Model, again.Model()); diff != "" {
		t.Errorf("reopened engine's model (-relearnt +reopened):\n%s", diff)
	}
}

// TestRelearnRefusals: a model fixed by the configuration, and an engine
// with too few records, are refused.
func TestRelearnRefusals(t *testing.T) {
	seed := open(t, c360.Config{})
	if _, err := seed.Load(t.Context(), c360.Records(synthRecords(t, 500))); err != nil {
		t.Fatal(err)
	}
	fixed := open(t, c360.Config{Match: match.Config{Model: seed.Model()}})
	upsert(t, fixed, person("sales", "S-1", "山田", "太郎", "taro@example.jp", ""))
	upsert(t, fixed, person("sales", "S-2", "山田", "花子", "hanako@example.jp", ""))
	if _, err := fixed.Relearn(t.Context()); !errors.Is(err, c360.ErrInvalid) {
		t.Errorf("fixed model: %v, want ErrInvalid", err)
	}
	empty := open(t, c360.Config{})
	if _, err := empty.Relearn(t.Context()); !errors.Is(err, c360.ErrInvalid) {
		t.Errorf("empty engine: %v, want ErrInvalid", err)
	}
}
