package recommend

import (
	"os"
	"testing"
	"time"

	"github.com/c360/c360/internal/shareddata"
)

// The groceries log carries little personal signal: the goal on it is
// honesty. No model may lose to popularity beyond noise (the bootstrap
// interval of the difference must reach 0 or above), and the models must
// cover far more of the catalogue than popularity's ten items.
func TestGroceriesTimeSplit(t *testing.T) {
	f, err := os.Open(shareddata.Path(t, "groceries/Groceries_dataset.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ins, err := ReadCSV(t.Context(), f, Columns{Customer: "Member_number", Item: "itemDescription", Time: "Date"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 38765 {
		t.Fatalf("read %d rows, the README says 38,765", len(ins))
	}
	res, err := Evaluate(t.Context(), ins, EvalConfig{Split: time.Date(2015, 7, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	pop := res[0]
	if pop.Recall < 0.30 || pop.Recall > 0.42 {
		t.Errorf("popularity recall@10 = %.3f; the issue measured about 0.36", pop.Recall)
	}
	for _, m := range res {
		t.Logf("%-13s HR %.3f recall %.3f [%.3f, %.3f] gain [%+.3f, %+.3f] NDCG %.3f MAP %.3f coverage %.3f",
			m.Model, m.HR, m.Recall, m.RecallLow, m.RecallHigh, m.DiffLow, m.DiffHigh, m.NDCG, m.MAP, m.Coverage)
		if m.DiffHigh < 0 {
			t.Errorf("%s loses to popularity beyond noise: gain interval [%.3f, %.3f]", m.Model, m.DiffLow, m.DiffHigh)
		}
		if m.Model != "popularity" && m.Coverage < 2*pop.Coverage {
			t.Errorf("%s covers %.3f of the catalogue, popularity %.3f: want at least twice", m.Model, m.Coverage, pop.Coverage)
		}
	}
}
