package pipeline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
)

// privacy: a customer asks what is held about her (the export), then to be
// erased; the audit entry is all that remains, and the source systems'
// next import of her records is refused.
func privacy(ctx context.Context, q *quickstart) error {
	q.heading("Privacy: a customer asks what is held about her, then to be erased")
	ident := customer.Identifier{Scheme: "email", Value: "hanako.sato@example.jp"}
	id, err := q.profileOf(ctx, ident)
	if err != nil {
		return err
	}
	x, err := q.engine.Export(ctx, id)
	if err != nil {
		return err
	}
	q.printf("Export of %s %s (%s, JSON and a readable HTML page): %d source records, %d consent entries, %d touchpoints, %d sends, %d provision records.\n",
		id, x.Profile.DisplayName(), c360.ExportSchema, len(x.Records), len(x.Profile.Consent.Entries), len(x.Events), len(x.Sends), len(x.Provisions))

	er, err := q.engine.Erase(ctx, id, customer.Decision{Actor: "privacy desk (鈴木)", Reason: "erasure request, ticket 2025-0412"})
	if err != nil {
		return err
	}
	q.printf("\nErased. The audit entry, which holds no personal value:\n")
	q.printf("  %s: profile %s, asked by %s, %s, %q\n", er.ID, er.Profile, er.Actor, er.At.In(jst).Format("2006-01-02 15:04"), er.Reason)
	var removed []string
	for _, k := range slices.Sorted(maps.Keys(er.Removed)) {
		if n := er.Removed[k]; n > 0 {
			removed = append(removed, fmt.Sprintf("%s %d", k, n))
		}
	}
	q.printf("  removed: %s\n", strings.Join(removed, ", "))
	q.printf("  kept: %d salted hashes of her identifiers, so that she is not re-created\n", er.Suppressed)

	// The source systems still hold her records: their next export sends
	// them again.
	q.printf("\nThe next import from the source systems still carries her records:\n")
	for _, sys := range systems {
		rs, err := loadRecords(q.data, sys)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if !slices.ContainsFunc(x.Records, func(e c360.ExportRecord) bool { return e.Record == r.Key() }) {
				continue
			}
			_, err := q.engine.Upsert(ctx, r)
			if !errors.Is(err, c360.ErrSuppressed) {
				return fmt.Errorf("re-import of %s after erasure: %v, want it refused", r.Key(), err)
			}
			q.printf("  %-18s refused: %v\n", r.Key(), err)
		}
	}
	ids, err := q.engine.Lookup(ctx, ident)
	if err != nil {
		return err
	}
	q.printf("Lookup of her e-mail address finds %d profile(s).\n", len(ids))
	return nil
}
