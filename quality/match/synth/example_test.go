package synth_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/c360/c360/quality/match/synth"
)

// Generate streams records with their true entity; the same Config always
// gives the same records. Record.Noise names what was done to each record.
func Example() {
	cfg := synth.Config{N: 5, Seed: 2026, Locale: synth.English}
	fmt.Println(strings.Join(synth.Header(cfg.Locale), ","))
	err := synth.Generate(context.Background(), cfg, func(r synth.Record) error {
		fmt.Printf("%s  entity=%s noise=%s\n", strings.Join(r.Values, ","), r.EntityID, r.Noise)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// record_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,phone,email
	// R00000001,daniel,parel,126,burwod parade,,chermside,4032,qld,19450722,04 4021 7193,dpatel@iinet.net.au  entity=E0000002 noise=typo
	// R00000002,daniel,patel,126,burwood parade,,chermside,4032,qld,19450722,04 4021 7193,dpatel@iinet.net.au  entity=E0000002 noise=
	// R00000003,gary,wagner,334,sydney street,the pines,mandurah,6210,wa,19921128,08 1720 6216,gwagner@optusnet.com.au  entity=E0000001 noise=
	// R00000004,sean,king,48,park circuit,level 28,ryde,2112,nsw,19571208,02 4000 2222,  entity=E0000004 noise=missing_email
	// R00000005,paul,webb,172,alexander street,,maitland,2320,nsw,19890609,04 8107 9903,pwebb@icloud.com  entity=E0000003 noise=
}

// A record's values follow Header; Get reads one column by name. Here
// duplicates and noise are switched off.
func ExampleRecord_Get() {
	cfg := synth.Config{N: 3, Seed: 1, DupRate: -1, Noise: -1}
	_ = synth.Generate(context.Background(), cfg, func(r synth.Record) error {
		fmt.Println(r.ID, r.EntityID, r.Get("prefecture") != "" || r.Noise.Has(synth.NoisePrefectureOmitted))
		return nil
	})
	// Output:
	// R00000001 E0000002 true
	// R00000002 E0000003 true
	// R00000003 E0000001 true
}
