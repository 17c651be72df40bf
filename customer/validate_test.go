package customer_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/customer/customertest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/go-multierror"
)

// fieldsOf returns "record|field" of every FieldError in err.
func fieldsOf(t testing.TB, err error) []string {
	t.Helper()
	var out []string
	var me *multierror.Error
	errs := []error{err}
	if errors.As(err, &me) {
		errs = me.Errors
	}
	for _, e := range errs {
		var fe *customer.FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("error %v is not a *customer.FieldError", e)
		}
		out = append(out, fe.Record+"|"+fe.Field)
	}
	return out
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(p *customer.Profile)
		want   []string // record|field of every problem; nil: valid
	}{
		{"fixture is valid", func(p *customer.Profile) {}, nil},
		{"empty ID", func(p *customer.Profile) { p.ID = "" }, []string{"|id"}},
		{"unknown kind", func(p *customer.Profile) { p.Kind = customer.KindUnknown }, []string{"profile p1|kind"}},
		{"invalid UTF-8 in name and source", func(p *customer.Profile) {
			p.Name.Family = "山\xff田"
			p.Sources[0].Name.GivenKana = "\xc3"
		}, []string{"profile p1|name.family", "profile p1|sources[0].name.given_kana"}},
		{"impossible birth date", func(p *customer.Profile) { p.BirthDate = customer.Date{Year: 2023, Month: 2, Day: 29} },
			[]string{"profile p1|birth_date"}},
		{"every problem at once", func(p *customer.Profile) {
			p.ContactPoints[1].Value = ""
			p.ContactPoints[2].Type = customer.ContactType(99)
			p.Consent.Entries[0].Channel = "fax"
			p.Consent.Entries[1].CapturedAt = time.Time{}
			p.Identifiers[0].Scheme = ""
			p.Links[0].Profile = ""
			p.Attributes["score"] = customer.FloatValue(mathNaN())
			p.Sources[1].RecordID = ""
			p.CorporateNumber = "12-34"
		}, []string{
			"profile p1|corporate_number",
			"profile p1|contact_points[1].value",
			"profile p1|contact_points[2].type",
			"profile p1|links[0].profile",
			"profile p1|identifiers[0].scheme",
			"profile p1|consent.entries[0].channel",
			"profile p1|consent.entries[1].captured_at",
			"profile p1|attributes[score]",
			"profile p1|sources[1].record_id",
		}},
		{"duplicate source record", func(p *customer.Profile) { p.Sources[1] = p.Sources[0] },
			[]string{"profile p1|sources[1].record_id"}},
		{"updated before created", func(p *customer.Profile) { p.UpdatedAt = p.CreatedAt.Add(-time.Second) },
			[]string{"profile p1|updated_at"}},
		{"consent expires before capture", func(p *customer.Profile) {
			p.Consent.Entries[0].ExpiresAt = p.Consent.Entries[0].CapturedAt.Add(-time.Hour)
		}, []string{"profile p1|consent.entries[0].expires_at"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := customertest.Profile("p1", 1)
			tt.modify(p)
			err := customer.Validate(p)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, customer.ErrInvalid) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
			}
			if diff := cmp.Diff(tt.want, fieldsOf(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateRecord(t *testing.T) {
	r := &customer.SourceRecord{System: "sales", RecordID: "S-1", Facts: customer.Facts{
		BirthDate: customer.Date{Year: 1990, Month: 13, Day: 1},
	}}
	err := customer.ValidateRecord(r)
	if diff := cmp.Diff([]string{"source sales/S-1|birth_date"}, fieldsOf(t, err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), "source sales/S-1") || !strings.Contains(err.Error(), "birth_date") {
		t.Errorf("message %q does not name record and field", err)
	}
}

func TestDecodeProfileErrors(t *testing.T) {
	tests := []struct {
		name      string
		json      string
		wantField []string
		wantValue bool // the cause is a *ValueError
	}{
		{"unknown kind", `{"id":"p1","kind":"robot"}`, []string{"profile p1|kind"}, true},
		{"unknown consent status", `{"id":"p1","kind":"person","consent":{"entries":[
			{"channel":"email","purpose":"marketing","status":"opt_in","captured_at":"2025-01-01T00:00:00Z"},
			{"channel":"email","purpose":"marketing","status":"maybe","captured_at":"2025-01-01T00:00:00Z"}]}}`,
			[]string{"profile p1|consent.entries[1].status"}, true},
		{"unknown channel", `{"id":"p1","kind":"person","consent":{"entries":[{"channel":"fax","purpose":"marketing","status":"opt_in"}]}}`,
			[]string{"profile p1|consent.entries[0].channel"}, true},
		{"unknown validity", `{"id":"p1","kind":"person","contact_points":[{"type":"email","value":"a@b.jp","validity":"shiny"}]}`,
			[]string{"profile p1|contact_points[0].validity"}, true},
		{"impossible date", `{"id":"p1","kind":"person","birth_date":"2023-02-30"}`, []string{"profile p1|birth_date"}, true},
		{"attribute of wrong type", `{"id":"p1","kind":"person","attributes":{"n":{"type":"int","value":"x"}}}`,
			[]string{"profile p1|attributes.n.value"}, true},
		{"wrong JSON type", `{"id":"p1","kind":"person","version":"one"}`, []string{"profile p1|version"}, false},
		{"not JSON", `{"id":`, []string{"|(document)"}, false},
		{"empty id, every problem", `{"kind":"person","contact_points":[{"type":"email","value":""}]}`,
			[]string{"|id", "|contact_points[0].value"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := customer.DecodeProfile([]byte(tt.json))
			if err == nil {
				t.Fatalf("DecodeProfile = %+v, want error", p)
			}
			if !errors.Is(err, customer.ErrInvalid) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
			}
			if diff := cmp.Diff(tt.wantField, fieldsOf(t, err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s\nerror: %v", diff, err)
			}
			var ve *customer.ValueError
			if got := errors.As(err, &ve); got != tt.wantValue {
				t.Errorf("errors.As(*ValueError) = %v, want %v (%v)", got, tt.wantValue, err)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	want := customertest.Profile("p1", 2)
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"kind":"person"`, `"validity":"undeliverable"`, `"status":"opt_in"`, `"role":"buyer"`,
		`"birth_date":"1982-02-28"`, `"family_kana":"ヤマダ"`, `"points":{"type":"int","value":200}`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("JSON lacks %s:\n%s", s, b)
		}
	}
	got, err := customer.DecodeProfile(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestMarshalRejectsBadEnums(t *testing.T) {
	p := customertest.Profile("p1", 1)
	p.ContactPoints[0].Validity = customer.Validity(42)
	if _, err := json.Marshal(p); !errors.Is(err, customer.ErrInvalid) {
		t.Errorf("Marshal with validity 42: err = %v, want ErrInvalid", err)
	}
}

func TestDate(t *testing.T) {
	tests := []struct {
		in    string
		want  customer.Date
		valid bool
	}{
		{"2024-02-29", customer.Date{Year: 2024, Month: 2, Day: 29}, true},
		{"2023-02-29", customer.Date{}, false},
		{"1990-13-01", customer.Date{}, false},
		{"1990-1-1", customer.Date{}, false},
		{"0000-01-01", customer.Date{}, false},
	}
	for _, tt := range tests {
		got, err := customer.ParseDate(tt.in)
		if (err == nil) != tt.valid || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, valid %v", tt.in, got, err, tt.want, tt.valid)
		}
	}
	d := customer.Date{Year: 1990, Month: 4, Day: 2}
	at := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	if got := d.Age(at); got != 34 {
		t.Errorf("Age = %d, want 34", got)
	}
}

// FuzzDecodeProfile: DecodeProfile never panics, and a profile it accepts
// encodes, decodes again, and comes back equal.
func FuzzDecodeProfile(f *testing.F) {
	seed, _ := json.Marshal(customertest.Profile("p1", 1))
	f.Add(seed)
	f.Add([]byte(`{"id":"p","kind":"account","legal_name":"株式会社ABC","corporate_number":"1234567890123"}`))
	f.Add([]byte(`{"id":"p","kind":"person","attributes":{"x":{"type":"list","value":[]}}}`))
	f.Add([]byte(`{"id":"p","kind":"person","birth_date":"2023-02-30"}`))
	f.Add([]byte(`{"id":"p","kind":"robot"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := customer.DecodeProfile(data)
		if err != nil {
			if !errors.Is(err, customer.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("accepted profile does not encode: %v", err)
		}
		q, err := customer.DecodeProfile(b)
		if err != nil {
			t.Fatalf("re-decode: %v\n%s", err, b)
		}
		if diff := cmp.Diff(p, q, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("decode∘encode∘decode (-first +second):\n%s", diff)
		}
	})
}

func TestDecodeRecord(t *testing.T) {
	r, err := customer.DecodeRecord([]byte(`{"system":"webshop","record_id":"W1","kind":"person","name":{"family":"山田"}}`))
	if err != nil || r.Name.Family != "山田" || r.Key().String() != "webshop/W1" {
		t.Fatalf("DecodeRecord = %+v, %v", r, err)
	}
	_, err = customer.DecodeRecord([]byte(`{"system":"webshop","record_id":"W1","contact_points":[{"type":"fax","value":"1"}]}`))
	if diff := cmp.Diff([]string{"source webshop/W1|contact_points[0].type"}, fieldsOf(t, err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestStaleContactPoints(t *testing.T) {
	p := customertest.Profile("p1", 1)
	at := p.ContactPoints[0].VerifiedAt.Add(24 * time.Hour)
	var got []string
	for _, c := range p.StaleContactPoints(at, 30*24*time.Hour) {
		got = append(got, c.Value)
	}
	// The e-mail was verified a day ago; the phone never; the social handle is undeliverable.
	if diff := cmp.Diff([]string{"090-1234-5678", "@taro"}, got); diff != "" {
		t.Errorf("stale (-want +got):\n%s", diff)
	}
}
