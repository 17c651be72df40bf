package recommend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/table"
	"github.com/c360/c360/journey"
	"github.com/hashicorp/go-multierror"
)

// Kind is what a customer did with an item.
type Kind uint8

// Interaction kinds. A return (or a cancellation) takes back an earlier
// purchase; see Interaction.
const (
	KindPurchase Kind = iota // the zero Kind: bought
	KindCart                 // put in the cart
	KindView                 // looked at the product page
	KindReturn               // returned or cancelled
)

var kindNames = [...]string{"purchase", "cart", "view", "return"}

// String returns "purchase", "cart", "view" or "return".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText returns the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind as ParseKind does.
func (k *Kind) UnmarshalText(b []byte) error {
	x, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = x
	return nil
}

// ParseKind reads a kind name, case-insensitively. Besides the names of
// String it reads the common spellings of exports: "" and "order",
// "buy", "sale", "online_purchase", "store_purchase" are purchases;
// "add_to_cart", "addtocart" are cart events; "pageview", "detail",
// "web_visit" are views; "refund", "cancel", "cancellation",
// "store_return" are returns.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "purchase", "order", "buy", "sale", "transaction", "online_purchase", "store_purchase":
		return KindPurchase, nil
	case "cart", "add_to_cart", "addtocart", "basket":
		return KindCart, nil
	case "view", "pageview", "page_view", "detail", "click", "web_visit":
		return KindView, nil
	case "return", "refund", "cancel", "cancellation", "cancelled", "canceled", "store_return":
		return KindReturn, nil
	}
	return 0, fmt.Errorf("unknown interaction kind %q (want purchase, cart, view or return)", s)
}

// Interaction is one thing a customer did with an item: the unit the
// models learn from.
//
// A purchase with a negative Quantity, or an interaction of KindReturn, is
// a return: it takes back up to that many earlier purchases of the item by
// the customer (Quantity 0 means 1). A customer whose returns cancel every
// purchase of an item is treated as not having bought it; returns are
// never learned as interest.
type Interaction struct {
	Customer customer.ID
	Item     string
	Time     time.Time
	Kind     Kind
	// Quantity of items; 0 means 1. Negative on a purchase means a return.
	Quantity float64
	// Value is the money of the interaction (informational).
	Value float64
	// Segment is the customer's segment at the time, if known; a
	// customer's latest non-empty segment is the one the model keeps.
	Segment string
}

// ErrInvalidInput is wrapped by every error about a malformed input row.
var ErrInvalidInput = errors.New("recommend: invalid input")

// Columns names the columns of an interactions CSV. Customer, Item and
// Time are required; the others are optional ("" = absent).
type Columns struct {
	Customer string `json:"customer"`
	Item     string `json:"item"`
	Time     string `json:"time"`
	// Kind holds the interaction kind (see ParseKind); absent: purchases.
	Kind string `json:"kind,omitempty"`
	// Quantity holds a decimal quantity; negative means a return.
	Quantity string `json:"quantity,omitempty"`
	Value    string `json:"value,omitempty"`
	Segment  string `json:"segment,omitempty"`
	// TimeLayout is a Go time layout for the Time column; "" reads RFC
	// 3339, "2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05",
	// "02-01-2006" (day first, as in dd-mm-yyyy), "02.01.2006",
	// "2006/01/02" and Unix seconds; dates a/b/yyyy (with an optional
	// time h:mm or h:mm:ss) are read day-first or month-first as the
	// file's first date with a part above 12 shows, and are an error when
	// no date of the file tells.
	TimeLayout string `json:"time_layout,omitempty"`
	// SkipInvalid reads on past any number of bad rows (the first 100
	// are listed in the error, with the total); by default reading stops
	// after 100 bad rows.
	SkipInvalid bool `json:"skip_invalid,omitempty"`
}

var autoLayouts = []string{time.RFC3339Nano, "2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05",
	"02-01-2006", "02.01.2006", "2006/01/02", "02-01-2006 15:04:05", "2006/01/02 15:04:05"}

// ParseTime reads a time as Columns.TimeLayout says; times without a zone
// are UTC.
func ParseTime(s, layout string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if layout != "" {
		return time.Parse(layout, s)
	}
	for _, l := range autoLayouts {
		if len(s) < 8 {
			break
		}
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 && n < 1e11 {
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("unreadable time %q (want RFC 3339, yyyy-mm-dd, dd-mm-yyyy or Unix seconds, or give a layout)", s)
}

// maxReportedErrors bounds how many row errors ReadCSV collects before it
// stops reading.
const maxReportedErrors = 100

// ReadCSV reads interactions from a CSV file with a header line, in file
// order (except rows with slashed dates read before the file showed
// whether they are day-first, which come when it does; see Columns). Every malformed row is reported, each as a *table.LineError that
// names its line and column and wraps ErrInvalidInput, combined with
// go-multierror; after 100 bad rows reading stops. The interactions of the
// good rows are returned with the error, so a caller may choose to go on.
func ReadCSV(ctx context.Context, r io.Reader, c Columns) ([]Interaction, error) {
	var out []Interaction
	err := ScanCSV(ctx, r, c, func(in Interaction) error {
		out = append(out, in)
		return nil
	})
	return out, err
}

// ScanCSV is ReadCSV calling fn for each good row instead of keeping them
// (Builder.Add fits), so that a large file streams into a Builder. An
// error of fn stops the reading and is returned.
func ScanCSV(ctx context.Context, r io.Reader, c Columns, fn func(Interaction) error) error {
	rd, err := table.NewReader(r)
	if err != nil {
		return err
	}
	need := func(flag, name string) (int, error) {
		if name == "" {
			return -1, fmt.Errorf("%w: the %s column is not named", ErrInvalidInput, flag)
		}
		return rd.Column(name)
	}
	opt := func(name string) (int, error) {
		if name == "" {
			return -1, nil
		}
		return rd.Column(name)
	}
	var cols [7]int
	var errs *multierror.Error
	for i, f := range []func() (int, error){
		func() (int, error) { return need("customer", c.Customer) },
		func() (int, error) { return need("item", c.Item) },
		func() (int, error) { return need("time", c.Time) },
		func() (int, error) { return opt(c.Kind) },
		func() (int, error) { return opt(c.Quantity) },
		func() (int, error) { return opt(c.Value) },
		func() (int, error) { return opt(c.Segment) },
	} {
		if cols[i], err = f(); err != nil {
			errs = multierror.Append(errs, err)
		}
	}
	if err := errs.ErrorOrNil(); err != nil {
		return err
	}
	header := rd.Header()
	bad := 0
	var sd slashDates
	for n := 0; ; n++ {
		if n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		row, line, err := rd.Read()
		if err == io.EOF {
			break
		}
		report := func(col int, e error) {
			name := ""
			if col >= 0 {
				name = header[col]
			}
			bad++
			if bad <= maxReportedErrors {
				errs = multierror.Append(errs, &table.LineError{Line: line, Column: name, Err: fmt.Errorf("%w: %v", ErrInvalidInput, e)})
			}
		}
		reportAt := func(line int, col string, e error) {
			bad++
			if bad <= maxReportedErrors {
				errs = multierror.Append(errs, &table.LineError{Line: line, Column: col, Err: fmt.Errorf("%w: %v", ErrInvalidInput, e)})
			}
		}
		if err != nil {
			var le *table.LineError
			if !errors.As(err, &le) {
				errs = multierror.Append(errs, err)
				break // the CSV reader cannot go on after a syntax error
			}
			bad++
			if bad <= maxReportedErrors {
				errs = multierror.Append(errs, err)
			}
		} else if in, col, e := parseRow(row, cols, c.TimeLayout); e != nil {
			if se, ok := e.(slashedError); ok && c.TimeLayout == "" {
				// a/b/yyyy: wait until a row tells day-first from
				// month-first.
				if err := sd.add(se.s, line, header[cols[2]], in, fn, reportAt); err != nil {
					return err
				}
			} else {
				report(col, e)
			}
		} else if err := fn(in); err != nil {
			return err
		}
		if bad >= maxReportedErrors && !c.SkipInvalid {
			errs = multierror.Append(errs, fmt.Errorf("%w: stopped after %d bad rows", ErrInvalidInput, bad))
			break
		}
	}
	if c.SkipInvalid && bad > maxReportedErrors {
		errs = multierror.Append(errs, fmt.Errorf("%w: %d bad rows in all, the first %d listed", ErrInvalidInput, bad, maxReportedErrors))
	}
	if len(sd.pending) > 0 {
		p := sd.pending[0]
		errs = multierror.Append(errs, &table.LineError{Line: p.line, Column: p.col, Err: fmt.Errorf(
			"%w: %d dates such as %q may be day-first or month-first, and no date of the file tells: give the layout (--time-layout 02/01/2006 or 01/02/2006)",
			ErrInvalidInput, len(sd.pending), p.raw)})
	}
	return errs.ErrorOrNil()
}

// slashedError is parseRow's error for a date a/b/yyyy whose order is not
// known yet.
type slashedError struct{ s string }

func (e slashedError) Error() string { return fmt.Sprintf("ambiguous date %q", e.s) }

// slashDates decides, for one file, whether its dates a/b/yyyy are
// day-first or month-first: the first date with a part above 12 tells.
// Rows before it wait (in memory) and are delivered once it is known, so
// they come after the rows read meanwhile.
type slashDates struct {
	dayFirst, known bool
	pending         []pendingRow
}

type pendingRow struct {
	in   Interaction
	raw  string
	line int
	col  string
}

// maxPending bounds the rows kept while the order of a file's dates is
// undecided.
const maxPending = 1 << 20

// split reads "a/b/yyyy[ time]".
func splitSlashed(s string) (a, b int, clock string, ok bool) {
	date, clock, _ := strings.Cut(s, " ")
	parts := strings.Split(date, "/")
	if len(parts) != 3 || len(parts[2]) != 4 {
		return 0, 0, "", false
	}
	a, err1 := strconv.Atoi(parts[0])
	b, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || a < 1 || b < 1 || a > 31 || b > 31 || len(parts[0]) > 2 || len(parts[1]) > 2 {
		return 0, 0, "", false
	}
	return a, b, strings.TrimSpace(clock), true
}

func (sd *slashDates) parse(s string) (time.Time, error) {
	_, _, clock, _ := splitSlashed(s)
	layout := "1/2/2006"
	if sd.dayFirst {
		layout = "2/1/2006"
	}
	switch strings.Count(clock, ":") {
	case 1:
		layout += " 15:04"
	case 2:
		layout += " 15:04:05"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		first := "month-first"
		if sd.dayFirst {
			first = "day-first"
		}
		return t, fmt.Errorf("unreadable time %q (the file's dates are %s)", s, first)
	}
	return t, nil
}

// add handles a row whose time is a slashed date: it is delivered now
// when the order is known (or told by this date), else kept.
func (sd *slashDates) add(raw string, line int, col string, in Interaction, fn func(Interaction) error, report func(int, string, error)) error {
	if !sd.known {
		a, b, _, _ := splitSlashed(raw)
		switch {
		case a > 12 && b <= 12:
			sd.dayFirst, sd.known = true, true
		case b > 12 && a <= 12:
			sd.dayFirst, sd.known = false, true
		case a > 12 && b > 12:
			report(line, col, fmt.Errorf("unreadable date %q", raw))
			return nil
		default:
			if len(sd.pending) >= maxPending {
				return fmt.Errorf("%w: line %d: %d dates in a row such as %q may be day-first or month-first: give the layout", ErrInvalidInput, line, maxPending, raw)
			}
			sd.pending = append(sd.pending, pendingRow{in, raw, line, col})
			return nil
		}
		for _, p := range sd.pending {
			t, err := sd.parse(p.raw)
			if err != nil {
				report(p.line, p.col, err)
				continue
			}
			p.in.Time = t
			if err := fn(p.in); err != nil {
				return err
			}
		}
		sd.pending = nil
	}
	t, err := sd.parse(raw)
	if err != nil {
		report(line, col, err)
		return nil
	}
	in.Time = t
	return fn(in)
}

func parseRow(row []string, cols [7]int, layout string) (Interaction, int, error) {
	in := Interaction{Customer: customer.ID(row[cols[0]]), Item: row[cols[1]]}
	if in.Customer == "" {
		return in, cols[0], errors.New("empty customer ID")
	}
	if in.Item == "" {
		return in, cols[1], errors.New("empty item")
	}
	t, err := ParseTime(row[cols[2]], layout)
	var later error
	if err != nil {
		if _, _, _, ok := splitSlashed(strings.TrimSpace(row[cols[2]])); ok && layout == "" {
			later = slashedError{strings.TrimSpace(row[cols[2]])}
		} else {
			return in, cols[2], err
		}
	}
	in.Time = t
	if cols[3] >= 0 {
		if in.Kind, err = ParseKind(row[cols[3]]); err != nil {
			return in, cols[3], err
		}
	}
	num := func(c int) (float64, error) {
		if c < 0 || row[c] == "" {
			return 0, nil
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(row[c], ",", ""), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("expected a number, got %q", row[c])
		}
		return v, nil
	}
	if in.Quantity, err = num(cols[4]); err != nil {
		return in, cols[4], err
	}
	if in.Value, err = num(cols[5]); err != nil {
		return in, cols[5], err
	}
	if cols[6] >= 0 {
		in.Segment = row[cols[6]]
	}
	if later != nil {
		return in, cols[2], later
	}
	return in, -1, nil
}

// EventMapping says how touchpoint events become interactions. The zero
// value reads online and store purchases as purchases and store returns
// as returns, the item from the "sku" attribute (or "item", or
// "product_id"), the quantity from "quantity" and the segment from
// "segment".
type EventMapping struct {
	// Kinds maps touchpoint types to kinds; nil means the default above.
	// Events of other types are skipped.
	Kinds map[journey.Type]Kind `json:"kinds,omitempty"`
	// ItemAttributes are the attributes tried, in order, for the item;
	// nil means sku, item, product_id. Events without one are skipped.
	ItemAttributes []string `json:"item_attributes,omitempty"`
	// QuantityAttribute names the quantity attribute; "" means "quantity".
	QuantityAttribute string `json:"quantity_attribute,omitempty"`
	// SegmentAttribute names the segment attribute; "" means "segment".
	SegmentAttribute string `json:"segment_attribute,omitempty"`
}

var defaultKinds = map[journey.Type]Kind{
	journey.TypeOnlinePurchase: KindPurchase,
	journey.TypeStorePurchase:  KindPurchase,
	journey.TypeStoreReturn:    KindReturn,
}

// Convert returns the interaction of e and whether e is one.
func (m *EventMapping) Convert(e *journey.Event) (Interaction, bool) {
	kinds := m.Kinds
	if kinds == nil {
		kinds = defaultKinds
	}
	k, ok := kinds[e.Type]
	if !ok || e.CustomerID == "" {
		return Interaction{}, false
	}
	attrs := m.ItemAttributes
	if attrs == nil {
		attrs = []string{"sku", "item", "product_id"}
	}
	in := Interaction{Customer: e.CustomerID, Time: e.Time, Kind: k, Value: float64(e.Value.Amount)}
	for _, a := range attrs {
		if v := e.Attributes[a]; v != "" {
			in.Item = v
			break
		}
	}
	if in.Item == "" {
		return Interaction{}, false
	}
	qa, sa := m.QuantityAttribute, m.SegmentAttribute
	if qa == "" {
		qa = "quantity"
	}
	if sa == "" {
		sa = "segment"
	}
	if q, err := strconv.ParseFloat(e.Attributes[qa], 64); err == nil && !math.IsNaN(q) && !math.IsInf(q, 0) {
		in.Quantity = q
	}
	in.Segment = e.Attributes[sa]
	return in, true
}

// FromEvents streams the interactions held in an event store: every
// customer's events from..to (zero: open), converted by m. The stream is
// single-use; an error is yielded once, last.
func FromEvents(ctx context.Context, s journey.EventStore, from, to time.Time, m EventMapping) iter.Seq2[Interaction, error] {
	return func(yield func(Interaction, error) bool) {
		for id, err := range s.Customers(ctx) {
			if err != nil {
				yield(Interaction{}, err)
				return
			}
			for e, err := range s.Events(ctx, id, from, to) {
				if err != nil {
					yield(Interaction{}, err)
					return
				}
				if in, ok := m.Convert(&e); ok && !yield(in, nil) {
					return
				}
			}
		}
	}
}
