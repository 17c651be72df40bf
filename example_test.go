package c360_test

import (
	"context"
	"fmt"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
)

func record(sys, id, family, given, email, phone string) customer.SourceRecord {
	r := customer.SourceRecord{System: sys, RecordID: id}
	r.Kind = customer.KindPerson
	r.Name = customer.PersonName{Family: family, Given: given}
	if email != "" {
		r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactEmail, Value: email})
	}
	if phone != "" {
		r.ContactPoints = append(r.ContactPoints, customer.ContactPoint{Type: customer.ContactPhone, Value: phone})
	}
	return r
}

// Each source record goes to the engine as it arrives; the engine keeps one
// current profile per person. The third record bridges the first two, so
// their profiles merge and the absorbed ID redirects to the survivor.
func ExampleEngine_Upsert() {
	ctx := context.Background()
	clock := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	e, err := c360.Open(ctx, c360.Config{Now: func() time.Time { clock = clock.Add(time.Second); return clock }})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	var ids []customer.ID
	for _, r := range []customer.SourceRecord{
		record("sales", "S-1", "山田", "太郎", "taro@example.jp", ""),
		record("service", "T-9", "", "", "", "090-1111-2222"),
		record("webshop", "W-3", "山田", "太郎", "TARO@example.jp", "09011112222"),
	} {
		up, err := e.Upsert(ctx, r)
		if err != nil {
			fmt.Println(err)
			return
		}
		ids = append(ids, up.Profile)
		fmt.Printf("%s: %s, absorbed %d\n", r.Key(), up.Outcome, len(up.Absorbed))
	}
	p, redirected, err := e.Profile(ctx, ids[1])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("the service record's old ID redirects:", redirected, p.ID == ids[0], len(p.Sources), "records")
	// Output:
	// sales/S-1: created, absorbed 0
	// service/T-9: created, absorbed 0
	// webshop/W-3: merged, absorbed 1
	// the service record's old ID redirects: true true 3 records
}
