package segment

import (
	"testing"
	"time"

	"github.com/c360/c360/segment/analysis"
	"github.com/google/go-cmp/cmp"
)

func TestRFMFromTouchpoints(t *testing.T) {
	by := map[string][]Touchpoint{"c1": subject().Touchpoints}
	got := RFMFromTouchpoints(by, nil, now, 365*24*time.Hour)
	// Purchases strictly within 365 days: online 90d, store 30d, online 10d.
	want := []analysis.RFMInput{{CustomerID: "c1", Last: now.Add(-days(10)), Frequency: 3, Monetary: 25000}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RFMFromTouchpoints (-want +got):\n%s", diff)
	}
}
