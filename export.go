package c360

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
	"github.com/c360/c360/journey"
)

// ExportSchema names the version of the Export document's schema.
const ExportSchema = "c360.export/v1"

// Export is everything the engine holds about one person, as Engine.Export
// returns it: the answer to a request for disclosure (APPI art. 33) or
// access and portability (GDPR art. 15, 20). Marshalled with encoding/json
// it is the documented schema "c360.export/v1":
//
//	schema       "c360.export/v1"
//	exported_at  RFC 3339 time of the export
//	profile      the profile (customer.Profile's JSON): surviving facts, every
//	             source record ("sources") as received, the provenance of each
//	             surviving value, the consent ledger with every entry (the
//	             consent history: channel, purpose, status, when and where
//	             captured), the audit log and any restriction
//	absorbed     IDs that were merged into the profile and redirect to it
//	records      per source record: record, reason it is in the profile
//	             ("new", "match", "load", "confirmed", "unmerge"), since when
//	events       touchpoints in time order: id, anonymous_id, type, channel,
//	             time, value {amount in the currency's smallest unit, currency},, campaign, source, attributes
//	stage        lifecycle stage, since, and the transitions that led there
//	segments     live segments the person is a member of
//	sends        messages recorded as sent: channel, purpose, campaign, tags, time
//	reviews      open review items about their records (record, candidate,
//	             the match explanation)
//	intelligence the engine's intelligence items (Engine.Intel) linked to
//	             the profile or an absorbed ID (intel.Item's JSON), by ID;
//	             omitted when there are none
//	provisions   APPI provision records: data provided to or received from
//	             third parties (see Provision)
//
// WriteHTML renders the same document as one readable HTML page for a
// support desk to hand over.
type Export struct {
	Schema     string            `json:"schema"`
	ExportedAt time.Time         `json:"exported_at"`
	Profile    *customer.Profile `json:"profile"`
	Absorbed   []customer.ID     `json:"absorbed,omitempty"`
	Records    []ExportRecord    `json:"records"`
	Events     []ExportEvent     `json:"events"`
	Stage      ExportStage       `json:"stage"`
	Segments   []string          `json:"segments"`
	Sends      []ExportSend      `json:"sends"`
	Reviews    []Review          `json:"reviews"`
	Provisions []Provision       `json:"provisions"`
	// Intelligence is the engine's intelligence linked to the person.
	Intelligence []*intel.Item `json:"intelligence,omitempty"`
}

// ExportRecord says why a source record is in the profile.
type ExportRecord struct {
	Record customer.RecordKey `json:"record"`
	Reason string             `json:"reason"`
	Since  time.Time          `json:"since"`
}

// ExportEvent is one touchpoint in an Export.
type ExportEvent struct {
	ID          string            `json:"id"`
	AnonymousID string            `json:"anonymous_id,omitempty"`
	Type        journey.Type      `json:"type"`
	Channel     customer.Channel  `json:"channel"`
	Time        time.Time         `json:"time"`
	Value       *ExportMoney      `json:"value,omitempty"`
	Campaign    string            `json:"campaign,omitempty"`
	Source      string            `json:"source,omitempty"`
	Attributes  map[string]string `json:"attributes,omitempty"`
}

// ExportMoney is an event's value.
type ExportMoney struct {
	Amount   int64  `json:"amount"` // in the currency's smallest unit (yen, cents)
	Currency string `json:"currency"`
}

// ExportStage is the lifecycle stage in an Export.
type ExportStage struct {
	Stage       journey.Stage      `json:"stage,omitempty"`
	Since       time.Time          `json:"since,omitzero"`
	Transitions []ExportTransition `json:"transitions,omitempty"`
}

// ExportTransition is one stage change.
type ExportTransition struct {
	From  journey.Stage `json:"from,omitempty"`
	To    journey.Stage `json:"to"`
	At    time.Time     `json:"at"`
	Event string        `json:"event,omitempty"`
}

// ExportSend is one recorded send.
type ExportSend struct {
	Channel  customer.Channel `json:"channel"`
	Purpose  customer.Purpose `json:"purpose,omitempty"`
	Campaign string           `json:"campaign,omitempty"`
	Tags     []string         `json:"tags,omitempty"`
	Time     time.Time        `json:"time"`
}

// Export returns everything the engine holds about a person, read in one
// consistent snapshot (see the Export type for the schema). A restricted
// person can be exported. An unknown ID is ErrNotFound; an absorbed one an
// *AbsorbedError naming the survivor (the caller names the person
// explicitly).
func (e *Engine) Export(ctx context.Context, id customer.ID) (*Export, error) {
	var out *Export
	err := e.view(ctx, func(tx ReadTx) error {
		p, err := profileToAct(tx, id)
		if err != nil {
			return err
		}
		x := &Export{Schema: ExportSchema, ExportedAt: e.now().UTC(), Profile: p,
			Records: []ExportRecord{}, Events: []ExportEvent{}, Segments: []string{}, Sends: []ExportSend{},
			Reviews: []Review{}, Provisions: []Provision{}}
		isRec := map[customer.RecordKey]bool{}
		for _, s := range p.Sources {
			k := s.Key()
			isRec[k] = true
			l, err := tx.Link(k)
			if err != nil {
				return err
			}
			x.Records = append(x.Records, ExportRecord{Record: k, Reason: l.Reason, Since: l.At})
		}
		changes, err := allChanges(tx)
		if err != nil {
			return err
		}
		ids, err := mergedInto(tx, p.ID, changes)
		if err != nil {
			return err
		}
		x.Absorbed = ids[1:]
		slices.Sort(x.Absorbed)
		evs, err := eventsOf(tx, p, e.live.words)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			ee := ExportEvent{ID: ev.ID, AnonymousID: ev.AnonymousID, Type: ev.Type, Channel: ev.Channel, Time: ev.Time,
				Campaign: ev.Campaign, Source: ev.Source, Attributes: ev.Attributes}
			if ev.Value != (journey.Money{}) {
				ee.Value = &ExportMoney{Amount: ev.Value.Amount, Currency: ev.Value.Currency}
			}
			x.Events = append(x.Events, ee)
		}
		st, _, err := readState(tx, p.ID)
		if err != nil {
			return err
		}
		x.Stage = ExportStage{Stage: st.Stage.Stage, Since: st.Stage.Since}
		for _, tr := range st.Stage.History {
			x.Stage.Transitions = append(x.Stage.Transitions, ExportTransition{From: tr.From, To: tr.To, At: tr.At, Event: tr.EventID})
		}
		x.Segments = append(x.Segments, st.Segments...)
		sends, err := sendsOf(tx, p, time.Time{}, e.live.words)
		if err != nil {
			return err
		}
		for _, s := range sends {
			x.Sends = append(x.Sends, ExportSend{Channel: s.Channel, Purpose: s.Purpose, Campaign: s.Campaign, Tags: s.Tags, Time: s.Time})
		}
		for r, err := range tx.Reviews() {
			if err != nil {
				return err
			}
			if isRec[r.Record] || isRec[r.Candidate] {
				x.Reviews = append(x.Reviews, *r)
			}
		}
		linked, err := intelLinkedTo(tx, ids)
		if err != nil {
			return err
		}
		if len(linked) > 0 {
			x.Intelligence = linked
		}
		ps, err := provisionsOfAll(tx, ids)
		if err != nil {
			return err
		}
		x.Provisions = append(x.Provisions, ps...)
		out = x
		return nil
	})
	return out, err
}

// ExportTo is Export for a named third party (a data portability request
// that sends the data to another company, a partner that receives a
// customer file): the export is recorded in the APPI provision log with the
// sections it carries as data items.
func (e *Engine) ExportTo(ctx context.Context, id customer.ID, to Recipient) (*Export, error) {
	probe := Provision{Direction: Provided, Party: to.Party, Profile: id, Items: []string{"-"}, Basis: to.Basis, Retention: to.Retention}
	if err := e.completeProvision(&probe); err != nil {
		return nil, err
	}
	x, err := e.Export(ctx, id)
	if err != nil {
		return nil, err
	}
	items := []string{"profile", "records"}
	for _, s := range []struct {
		name string
		n    int
	}{{"events", len(x.Events)}, {"segments", len(x.Segments)}, {"sends", len(x.Sends)}, {"reviews", len(x.Reviews)}, {"intelligence", len(x.Intelligence)}, {"provisions", len(x.Provisions)}} {
		if s.n > 0 {
			items = append(items, s.name)
		}
	}
	p := Provision{Direction: Provided, At: x.ExportedAt, Party: to.Party, Profile: x.Profile.ID, Items: items,
		Basis: to.Basis, Purpose: to.Purpose, Ref: to.Ref, Retention: to.Retention}
	rec, err := e.RecordProvision(ctx, p)
	if err != nil {
		return nil, err
	}
	x.Provisions = append(x.Provisions, rec)
	return x, nil
}

// WriteJSON writes the export as indented JSON.
func (x *Export) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(x)
}

// WriteHTML writes the export as one self-contained HTML page: the person's
// data section by section, in the language of the data (no translation),
// for a support desk to hand over.
func (x *Export) WriteHTML(w io.Writer) error {
	return exportPage.Execute(w, x)
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 MST")
}

var exportPage = template.Must(template.New("export").Funcs(template.FuncMap{
	"time": fmtTime,
	"json": func(v any) string {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	},
	"name": func(p *customer.Profile) string { return p.DisplayName() },
}).Parse(`<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>Personal data held about {{.Profile.ID}}</title>
<style>
body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;margin:2em;max-width:60em}
table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f2f2f2}pre{background:#f8f8f8;padding:.5em;overflow:auto}
</style>
</head>
<body>
<h1>Personal data held about {{name .Profile}} ({{.Profile.ID}})</h1>
<p>Exported {{time .ExportedAt}} · schema {{.Schema}}</p>

<h2>Profile</h2>
<table>
<tr><th>Kind</th><td>{{.Profile.Kind}}</td></tr>
<tr><th>Name</th><td>{{name .Profile}}</td></tr>
{{with .Profile.BirthDate}}{{if not .IsZero}}<tr><th>Birth date</th><td>{{.}}</td></tr>{{end}}{{end}}
{{range .Profile.ContactPoints}}<tr><th>{{.Type}}</th><td>{{.Value}}{{if .Primary}} (primary){{end}} · {{.Validity}}</td></tr>
{{end}}{{range .Profile.Identifiers}}<tr><th>Identifier {{.Scheme}}</th><td>{{.Value}}</td></tr>
{{end}}{{range $k, $v := .Profile.Attributes}}<tr><th>{{$k}}</th><td>{{$v}}</td></tr>
{{end}}<tr><th>Created</th><td>{{time .Profile.CreatedAt}}</td></tr>
<tr><th>Updated</th><td>{{time .Profile.UpdatedAt}}</td></tr>
{{with .Profile.Restriction}}<tr><th>Restriction</th><td>since {{time .Since}}{{with .Reason}}: {{.}}{{end}}</td></tr>{{end}}
{{with .Absorbed}}<tr><th>Former IDs</th><td>{{range .}}{{.}} {{end}}</td></tr>{{end}}
</table>

<h2>Where each value came from</h2>
<table><tr><th>Field</th><th>Value</th><th>Rule</th><th>Source records</th></tr>
{{range .Profile.Provenance}}<tr><td>{{.Field}}</td><td>{{.Value}}</td><td>{{.Rule}}</td><td>{{range .From}}{{.}} {{end}}</td></tr>
{{end}}</table>

<h2>Consent history</h2>
<table><tr><th>Channel</th><th>Purpose</th><th>Status</th><th>Contact</th><th>Captured</th><th>Where</th></tr>
{{range .Profile.Consent.Entries}}<tr><td>{{.Channel}}</td><td>{{.Purpose}}</td><td>{{.Status}}</td><td>{{.Contact}}</td><td>{{time .CapturedAt}}</td><td>{{.Source}}{{with .Method}} · {{.}}{{end}}</td></tr>
{{end}}</table>

<h2>Source records</h2>
<table><tr><th>Record</th><th>Why in this profile</th><th>Since</th></tr>
{{range .Records}}<tr><td>{{.Record}}</td><td>{{.Reason}}</td><td>{{time .Since}}</td></tr>
{{end}}</table>
{{range .Profile.Sources}}<h3>{{.System}}/{{.RecordID}}</h3><pre>{{json .}}</pre>
{{end}}

<h2>Touchpoints ({{len .Events}})</h2>
<table><tr><th>Time</th><th>Type</th><th>Channel</th><th>Value</th><th>Campaign</th><th>Source</th><th>ID</th></tr>
{{range .Events}}<tr><td>{{time .Time}}</td><td>{{.Type}}</td><td>{{.Channel}}</td><td>{{with .Value}}{{.Amount}} {{.Currency}}{{end}}</td><td>{{.Campaign}}</td><td>{{.Source}}</td><td>{{.ID}}</td></tr>
{{end}}</table>

<h2>Lifecycle stage</h2>
<p>{{with .Stage.Stage}}{{.}}{{else}}none{{end}}{{if not .Stage.Since.IsZero}} since {{time .Stage.Since}}{{end}}</p>
{{with .Segments}}<h2>Segments</h2><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}

<h2>Messages sent ({{len .Sends}})</h2>
<table><tr><th>Time</th><th>Channel</th><th>Purpose</th><th>Campaign</th></tr>
{{range .Sends}}<tr><td>{{time .Time}}</td><td>{{.Channel}}</td><td>{{.Purpose}}</td><td>{{.Campaign}}</td></tr>
{{end}}</table>

{{with .Reviews}}<h2>Open review items</h2>
<table><tr><th>ID</th><th>Record</th><th>Resembles</th><th>Opened</th></tr>
{{range .}}<tr><td>{{.ID}}</td><td>{{.Record}}</td><td>{{.Candidate}}</td><td>{{time .CreatedAt}}</td></tr>
{{end}}</table>{{end}}

{{with .Intelligence}}<h2>Intelligence linked to the person</h2>
<table><tr><th>Captured</th><th>Category</th><th>Title</th><th>Text</th></tr>
{{range .}}<tr><td>{{time .CapturedAt}}</td><td>{{.Category}}</td><td>{{.Title}}</td><td>{{.Body}}</td></tr>
{{end}}</table>{{end}}

<h2>Provision to and from third parties (第三者提供記録)</h2>
<table><tr><th>Date</th><th>Direction</th><th>Party</th><th>Data items</th><th>Basis</th><th>Kept until</th></tr>
{{range .Provisions}}<tr><td>{{time .At}}</td><td>{{.Direction}}</td><td>{{.Party.Name}}{{with .Party.Address}}, {{.}}{{end}}{{with .Party.Representative}} ({{.}}){{end}}</td><td>{{range .Items}}{{.}} {{end}}</td><td>{{.Basis}}{{with .Obtained}}; obtained: {{.}}{{end}}</td><td>{{time .Expires}}</td></tr>
{{end}}</table>
</body>
</html>
`))
