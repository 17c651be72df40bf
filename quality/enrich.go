package quality

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-multierror"

	"github.com/c360/c360/quality/normalize"
	"github.com/c360/c360/quality/normalize/jppostal"
)

// Sourced is a field value with its provenance: which source supplied it,
// when, and until when it may be relied on.
type Sourced struct {
	Value     string    `json:"value"`
	Source    string    `json:"source,omitempty"`    // system or provider; "" is the record's own data
	At        time.Time `json:"at,omitzero"`         // when it was obtained
	ExpiresAt time.Time `json:"expires_at,omitzero"` // zero: does not expire
}

// Expired reports whether s has expired at time at.
func (s Sourced) Expired(at time.Time) bool { return !s.ExpiresAt.IsZero() && !at.Before(s.ExpiresAt) }

// Enriched is a record whose fields carry provenance, as Enrichment fills
// it. It implements Record (one value per field), so an enriched record can
// be scored. It is not safe for concurrent modification.
type Enriched struct {
	ID     string
	Fields map[string]Sourced
}

// RecordID implements Record.
func (e *Enriched) RecordID() string { return e.ID }

// Values implements Record.
func (e *Enriched) Values(field string) []string {
	s, ok := e.Fields[field]
	if !ok || s.Value == "" {
		return nil
	}
	return []string{s.Value}
}

// Fill is one value an Enricher proposes for a field.
type Fill struct {
	Field string
	Value string
	// TTL is how long the value may be relied on; 0 means it does not
	// expire.
	TTL time.Duration
}

// Enricher is implemented by a data provider — a third-party firmographics
// or geo service, or an offline table — and called by Enrichment.Apply.
// Enrich reads the record and proposes values; it never writes them
// itself, so that Enrichment can apply the trust rules and provenance.
// Implementations must honour ctx and be safe for concurrent use if the
// Enrichment is used concurrently.
type Enricher interface {
	// Name identifies the provider; it becomes the Source of the values
	// it fills and is the key of Enrichment.Trust.
	Name() string
	// Enrich proposes values for fields of r; none is not an error.
	Enrich(ctx context.Context, r Record) ([]Fill, error)
}

// Action says what Enrichment.Apply did with one proposed value.
type Action string

// Actions.
const (
	ActionFill    Action = "fill"    // the field was missing
	ActionRefresh Action = "refresh" // the provider's own earlier value expired or changed: renewed with a new time and TTL
	ActionReplace Action = "replace" // a value from a less trusted source, or an expired one, was replaced
	ActionKeep    Action = "keep"    // the current value is from a source at least as trusted: not overwritten
	ActionSame    Action = "same"    // the field already holds this value, unexpired: nothing to do
)

// Change is one proposed value and what became of it.
type Change struct {
	Field    string
	Action   Action
	Old, New Sourced // New is the proposal (with its provenance) even when it was not applied
}

// Enrichment applies Enrichers to records under trust rules:
//
//   - a missing field (empty, or a Missing sentinel) is filled;
//   - a value the same provider supplied earlier is refreshed when it has
//     expired or the provider now says otherwise;
//   - a value from another source is replaced only when that value has
//     expired or the provider is strictly more trusted (Trust); otherwise it
//     is kept: enrichment never overwrites a value from a more (or equally)
//     trusted source.
//
// Every applied value records its provider, the time and its expiry. The
// zero Enrichment has no enrichers; it is safe for concurrent use if its
// Enrichers are and it is not modified.
type Enrichment struct {
	Enrichers []Enricher
	// Trust ranks sources by name, higher meaning more trusted; the
	// record's own data is the source "". Unlisted sources have trust 0, so
	// with a nil Trust providers fill gaps and refresh their own values
	// but never replace anything else.
	Trust map[string]int
	// Missing decides when a field counts as missing; nil means the
	// default sentinels.
	Missing *Missing
}

// Apply runs every enricher on rec (in order; later enrichers see earlier
// fills; an enricher whose fields are all fresh is skipped, see
// FieldLister) and applies their proposals at time at. It returns every change,
// applied or kept, in order. An enricher that fails is reported (all
// failures at once, each naming record and provider) and the others still
// run; a cancelled ctx stops Apply with ctx.Err().
func (en *Enrichment) Apply(ctx context.Context, rec *Enriched, at time.Time) ([]Change, error) {
	if rec.Fields == nil {
		rec.Fields = map[string]Sourced{}
	}
	var changes []Change
	var errs *multierror.Error
	for _, e := range en.Enrichers {
		if err := ctx.Err(); err != nil {
			return changes, err
		}
		if fl, ok := e.(FieldLister); ok && en.fresh(rec, e.Name(), fl.Fields(), at) {
			continue
		}
		fills, err := e.Enrich(ctx, rec)
		if err != nil {
			errs = multierror.Append(errs, recordError(0, rec.ID, "", fmt.Errorf("enricher %s: %w", e.Name(), err)))
			continue
		}
		for _, f := range fills {
			changes = append(changes, en.apply(rec, e.Name(), f, at))
		}
	}
	return changes, errs.ErrorOrNil()
}

// FieldLister is an optional interface of an Enricher: the fields it
// fills. Apply then skips the enricher (and its cost: a paid API call) when
// every one of those fields holds an unexpired value from it or from a
// source at least as trusted.
type FieldLister interface {
	Fields() []string
}

func (en *Enrichment) fresh(rec *Enriched, provider string, fields []string, at time.Time) bool {
	if len(fields) == 0 {
		return false
	}
	miss := en.Missing
	if miss == nil {
		miss = defaultMissing
	}
	for _, f := range fields {
		s, ok := rec.Fields[f]
		if !ok || miss.Is(s.Value) || s.Expired(at) {
			return false
		}
		if s.Source != provider && en.Trust[s.Source] < en.Trust[provider] {
			return false
		}
	}
	return true
}

func (en *Enrichment) apply(rec *Enriched, provider string, f Fill, at time.Time) Change {
	nw := Sourced{Value: f.Value, Source: provider, At: at}
	if f.TTL > 0 {
		nw.ExpiresAt = at.Add(f.TTL)
	}
	old, has := rec.Fields[f.Field]
	ch := Change{Field: f.Field, Old: old, New: nw}
	miss := en.Missing
	if miss == nil {
		miss = defaultMissing
	}
	switch {
	case !has || miss.Is(old.Value):
		ch.Action = ActionFill
	case old.Source == provider && old.Value == f.Value && !old.Expired(at):
		ch.Action = ActionSame
		return ch
	case old.Source == provider:
		ch.Action = ActionRefresh
	case old.Value == f.Value:
		ch.Action = ActionSame
		return ch
	case old.Expired(at) || en.Trust[provider] > en.Trust[old.Source]:
		ch.Action = ActionReplace
	default:
		ch.Action = ActionKeep
		return ch
	}
	rec.Fields[f.Field] = nw
	return ch
}

// PostalEnricher fills the prefecture, municipality and town of a Japanese
// postal code from Japan Post's table (jppostal), offline. A field is filled
// only when every place the code serves agrees on it. Its Name is
// "jppostal".
type PostalEnricher struct {
	Postal       string        // field holding the postal code; "" means "postal_code"
	Prefecture   string        // field to fill; "" means "prefecture"
	Municipality string        // field to fill; "" means "city"
	Town         string        // field to fill; "" means "town"
	TTL          time.Duration // of the filled values; 0: they do not expire
}

// Name implements Enricher.
func (PostalEnricher) Name() string { return "jppostal" }

// Enrich implements Enricher.
func (p PostalEnricher) Enrich(_ context.Context, r Record) ([]Fill, error) {
	vs := r.Values(or(p.Postal, "postal_code"))
	if len(vs) == 0 || trimSpace(vs[0]) == "" {
		return nil, nil
	}
	places := jppostal.Lookup(vs[0])
	if len(places) == 0 {
		return nil, nil
	}
	var out []Fill
	agree := func(get func(jppostal.Place) string) (string, bool) {
		v := get(places[0])
		for _, pl := range places[1:] {
			if get(pl) != v {
				return "", false
			}
		}
		return v, v != ""
	}
	if v, ok := agree(func(pl jppostal.Place) string { return pl.Prefecture }); ok {
		out = append(out, Fill{Field: or(p.Prefecture, "prefecture"), Value: v, TTL: p.TTL})
	}
	if v, ok := agree(func(pl jppostal.Place) string { return pl.Municipality }); ok {
		out = append(out, Fill{Field: or(p.Municipality, "city"), Value: v, TTL: p.TTL})
	}
	if v, ok := agree(townName); ok {
		out = append(out, Fill{Field: or(p.Town, "town"), Value: v, TTL: p.TTL})
	}
	return out, nil
}

// townName is the town of a place without Japan Post's qualifiers in
// brackets: 丸の内（次のビルを除く） gives 丸の内.
func townName(pl jppostal.Place) string {
	t := normalize.Text(pl.Town)
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = t[:i]
	}
	return strings.TrimSpace(t)
}

// PhoneEnricher derives from a phone number its E.164 form, its type
// (mobile, fixed, ip, toll_free, …) and, for a Japanese landline, its
// numbering area, offline (normalize.ParsePhone). Its Name is
// "numbering_plan". Fields filled: <phone>_e164, <phone>_type,
// <phone>_area.
type PhoneEnricher struct {
	Phone string        // field holding the number; "" means "phone"
	TTL   time.Duration // of the filled values; 0: they do not expire
}

// Name implements Enricher.
func (PhoneEnricher) Name() string { return "numbering_plan" }

// Enrich implements Enricher.
func (p PhoneEnricher) Enrich(_ context.Context, r Record) ([]Fill, error) {
	f := or(p.Phone, "phone")
	vs := r.Values(f)
	if len(vs) == 0 {
		return nil, nil
	}
	ph, err := normalize.ParsePhone(vs[0])
	if err != nil {
		return nil, nil
	}
	out := []Fill{{Field: f + "_e164", Value: ph.E164, TTL: p.TTL}, {Field: f + "_type", Value: ph.Type.String(), TTL: p.TTL}}
	if ph.AreaName != "" {
		out = append(out, Fill{Field: f + "_area", Value: ph.AreaName, TTL: p.TTL})
	}
	return out, nil
}

// CorporateNumberEnricher validates a corporate number (法人番号) offline by
// its check digit and fills <field>_valid with "true" or "false". Its Name
// is "corporate_number_check".
type CorporateNumberEnricher struct {
	Field string // field holding the number; "" means "corporate_number"
}

// Name implements Enricher.
func (CorporateNumberEnricher) Name() string { return "corporate_number_check" }

// Enrich implements Enricher.
func (c CorporateNumberEnricher) Enrich(_ context.Context, r Record) ([]Fill, error) {
	f := or(c.Field, "corporate_number")
	vs := r.Values(f)
	if len(vs) == 0 || trimSpace(vs[0]) == "" {
		return nil, nil
	}
	_, err := normalize.CorporateNumber(vs[0])
	return []Fill{{Field: f + "_valid", Value: strconv.FormatBool(err == nil)}}, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// SortedFields returns the field names of e in sorted order.
func (e *Enriched) SortedFields() []string {
	out := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}
