package c360_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
)

// A customer asks to be erased. Erase removes her everywhere the engine
// keeps her and leaves an audit entry and the salted hashes of her
// identifiers: the source system that still holds her record cannot bring
// her back, even with her address written otherwise, until the suppression
// is lifted.
func ExampleEngine_Erase() {
	ctx := context.Background()
	clock := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	e, err := c360.Open(ctx, c360.Config{Now: func() time.Time { clock = clock.Add(time.Second); return clock }})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	hanako := record("webshop", "W-7", "佐藤", "花子", "hanako@example.jp", "080-1234-5678")
	up, err := e.Upsert(ctx, hanako)
	if err != nil {
		fmt.Println(err)
		return
	}
	x, err := e.Erase(ctx, up.Profile, customer.Decision{Actor: "privacy desk", Reason: "ticket 12"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("erased by %s (%s): %d record, %d profile; %d identifier hashes kept\n",
		x.Actor, x.Reason, x.Removed["records"], x.Removed["profiles"], x.Suppressed)

	again := record("crm", "C-1", "佐藤", "花子", "ＨＡＮＡＫＯ@example.jp", "")
	_, err = e.Upsert(ctx, again)
	fmt.Println("re-import refused:", errors.Is(err, c360.ErrSuppressed))

	if _, err := e.LiftSuppression(ctx, x.ID, customer.Decision{Actor: "privacy desk", Reason: "signed up again"}); err != nil {
		fmt.Println(err)
		return
	}
	up, err = e.Upsert(ctx, again)
	fmt.Println("after lifting:", up.Outcome, err)
	// Output:
	// erased by privacy desk (ticket 12): 1 record, 1 profile; 4 identifier hashes kept
	// re-import refused: true
	// after lifting: created <nil>
}
