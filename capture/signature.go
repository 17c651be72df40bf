package capture

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality"
	"github.com/c360/c360/quality/normalize"
)

// SignatureSource is the source name of the values read from signatures:
// the Enricher name under which quality.Enrichment ranks them (its Trust).
const SignatureSource = "email_signature"

// Fields of the values a signature offers.
const (
	FieldPhone   = quality.FieldPhone // a landline or unlabelled number, in E.164
	FieldMobile  = "mobile"           // a mobile number, in E.164
	FieldTitle   = "title"            // a job title, as written
	FieldCompany = "company"          // a company name with its legal form, as written
)

// Offer is one value read from a customer's e-mail signature, offered as
// enrichment of the customer's profile with its provenance: the message it
// was read from and that message's date.
type Offer struct {
	Profile   customer.ID `json:"profile"`
	Field     string      `json:"field"` // FieldPhone, FieldMobile, FieldTitle, FieldCompany
	Value     string      `json:"value"`
	MessageID string      `json:"message_id"`
	Date      time.Time   `json:"date"`
}

type offerKey struct {
	profile customer.ID
	field   string
}

// splitText splits the text of a message into the author's own text
// (without the quoted message it answers and without the signature) and
// the signature's lines.
func splitText(text string) (own string, sig []string) {
	if strings.TrimSpace(text) == "" {
		return "", nil
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	end := len(lines)
	for i, l := range lines {
		if quoteIntro(l, lines[i+1:]) {
			end = i
			break
		}
	}
	lines = lines[:end]
	// Drop quoted lines of inline replies.
	kept := lines[:0:0]
	for _, l := range lines {
		if t := strings.TrimLeft(l, " \t"); strings.HasPrefix(t, ">") || strings.HasPrefix(t, "＞") {
			continue
		}
		kept = append(kept, l)
	}
	lines = kept
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	start := signatureStart(lines)
	if start < 0 {
		return strings.Join(lines, "\n"), nil
	}
	for _, l := range lines[start:] {
		if t := strings.TrimSpace(l); t != "" && !isRule(t) && t != "--" {
			sig = append(sig, t)
		}
	}
	return strings.Join(lines[:start], "\n"), sig
}

var (
	wroteRE    = regexp.MustCompile(`(?i)^\s*(on\s.+\swrote|.+(書きました|のメッセージ|wrote))\s*[:：]\s*$`)
	dateIntro  = regexp.MustCompile(`^\s*\d{4}[年/-]\s*\d{1,2}[月/-]\s*\d{1,2}.*[<＜].+@.+[>＞].*[:：]\s*$`)
	origHeader = regexp.MustCompile(`(?i)^\s*-{2,}\s*(original message|元のメッセージ|転送されたメッセージ|forwarded message|オリジナルメッセージ)\s*-{2,}\s*$`)
	headerLine = regexp.MustCompile(`(?i)^\s*(from|差出人|送信者)\s*[:：]`)
)

// quoteIntro reports whether line introduces the quoted message a reply
// carries ("On … wrote:", "-----Original Message-----", Outlook's rule
// followed by From:).
func quoteIntro(line string, rest []string) bool {
	t := strings.TrimSpace(line)
	if t == "" {
		return false
	}
	// The regular expressions are costly: try them only on lines that can
	// match (an intro ends with a colon, a header rule starts with "-").
	if (strings.HasSuffix(t, ":") || strings.HasSuffix(t, "：")) && (wroteRE.MatchString(t) || dateIntro.MatchString(t)) {
		return true
	}
	if strings.HasPrefix(t, "--") && origHeader.MatchString(t) {
		return true
	}
	if strings.Trim(t, "_") == "" && len(t) >= 10 {
		for _, r := range rest {
			if strings.TrimSpace(r) == "" {
				continue
			}
			return headerLine.MatchString(r)
		}
	}
	return false
}

// isRule reports whether a line is a decorative separator: five or more of
// the rule characters, alone or spaced.
func isRule(t string) bool {
	n := 0
	for _, r := range t {
		switch {
		case unicode.IsSpace(r):
		case strings.ContainsRune("-=_*~#+・─━═－＝＿＊〜～◆◇■□●○☆★◎※┏┓┗┛┃│…", r):
			n++
		default:
			return false
		}
	}
	return n >= 5
}

// signatureStart returns the index of the first line of the signature, or
// -1: the "-- " delimiter, else a rule among the last 15 lines with a
// signature-like block after it, else a last paragraph of at most 8 lines
// that holds a phone number or a company name.
func signatureStart(lines []string) int {
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimRight(lines[i], " \t"); l == "--" && (strings.HasSuffix(lines[i], " ") || i > 0) {
			return i
		}
	}
	lo := max(0, len(lines)-15)
	for i := lo; i < len(lines); i++ {
		if isRule(strings.TrimSpace(lines[i])) && looksLikeSignature(lines[i+1:]) {
			return i
		}
	}
	last := -1
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) == "" {
			last = i + 1
			break
		}
	}
	if last > 0 && len(lines)-last <= 8 && looksLikeSignature(lines[last:]) {
		return last
	}
	return -1
}

func looksLikeSignature(lines []string) bool {
	for _, l := range lines {
		t := normalize.Text(l)
		if phoneRE.MatchString(t) || companyLine(t) != "" {
			return true
		}
	}
	return false
}

var phoneRE = regexp.MustCompile(`(?i)(tel|phone|fax|mobile|cell|電話|直通|代表|携帯|ファックス|ファクス|内線|\bm\b|\bt\b|\bp\b|\bf\b)\s*(番号)?\s*(\([^)]*\))?\s*[.:：]?\s*(\+?[0-9(][0-9()\- .]{7,20}[0-9])`)

// ReadSignature reads the lines of a signature and returns what it offers:
// phone numbers (labelled TEL, 電話, 直通, 代表, Phone …; mobile ones,
// labelled 携帯, Mobile, Cell or in a mobile range, as FieldMobile; fax
// numbers left out) in E.164; the company (a line with a legal form, such
// as 株式会社 or Co., Ltd.); and the job title (a line with a title word,
// such as 部長, 課長, マネージャー, Manager, Director; such a line is a title
// even when it names the company too). The first value of each field
// is kept. Profile, MessageID
// and Date are left for the caller.
func ReadSignature(lines []string) []Offer {
	var out []Offer
	seen := map[string]bool{}
	add := func(field, value string) {
		if value == "" || seen[field] {
			return
		}
		seen[field] = true
		out = append(out, Offer{Field: field, Value: value})
	}
	for _, l := range lines {
		t := normalize.Text(l)
		for _, m := range phoneRE.FindAllStringSubmatch(t, -1) {
			label := strings.ToLower(m[1])
			if label == "fax" || label == "f" || label == "ファックス" || label == "ファクス" || label == "内線" {
				continue
			}
			ph, err := normalize.ParsePhone(m[4])
			if err != nil {
				continue
			}
			field := FieldPhone
			if label == "携帯" || label == "mobile" || label == "cell" || label == "m" || ph.Type == normalize.PhoneMobile {
				field = FieldMobile
			}
			add(field, ph.E164)
		}
		// A line with a title word is a title, even when it names the
		// company too ("VP Sales, Globex Corporation").
		if ti := titleLine(t); ti != "" {
			add(FieldTitle, ti)
			continue
		}
		if c := companyLine(t); c != "" {
			add(FieldCompany, c)
		}
	}
	slices.SortFunc(out, func(a, b Offer) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// companyLine returns the company name a signature line holds: a short
// line with a legal form, not an address or a contact line.
func companyLine(t string) string {
	if t == "" || utf8.RuneCountInString(t) > 40 || strings.ContainsAny(t, "@〒:：") || phoneRE.MatchString(t) || digits(t) > 4 {
		return ""
	}
	c, err := normalize.ParseCompany(t)
	if err != nil || c.Form == "" {
		return ""
	}
	// Keep the name with its form, without a department after it.
	return t
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

var (
	jaTitles = []string{"代表取締役", "取締役", "社長", "副社長", "会長", "専務", "常務", "執行役員", "監査役", "本部長",
		"事業部長", "部長", "次長", "課長", "係長", "主任", "主査", "室長", "所長", "支店長", "店長", "工場長", "グループ長",
		"チームリーダー", "リーダー", "マネージャー", "マネジャー", "ディレクター", "エンジニア", "コンサルタント", "顧問",
		"理事", "参事", "チーフ", "プロデューサー", "スペシャリスト"}
	enTitle    = regexp.MustCompile(`(?i)\b(manager|director|president|vice president|vp|ceo|cto|cfo|coo|cio|cmo|head of|engineer|consultant|specialist|representative|officer|executive|chief|partner|analyst|administrator|coordinator|account executive|founder)\b`)
	titleLabel = regexp.MustCompile(`(?i)^(役職|肩書|title|position)\s*[:：]\s*`)
)

// titleLine returns the job title a signature line holds, or "".
func titleLine(t string) string {
	t = titleLabel.ReplaceAllString(t, "")
	if t == "" || utf8.RuneCountInString(t) > 40 || strings.ContainsAny(t, "@〒") || digits(t) > 2 {
		return ""
	}
	for _, w := range jaTitles {
		if strings.Contains(t, w) {
			return t
		}
	}
	if enTitle.MatchString(t) {
		return t
	}
	return ""
}

// SignatureEnricher proposes offers to quality.Enrichment: its Name is
// SignatureSource, and a record (a quality.Record whose RecordID is the
// profile's ID, such as quality.ProfileRecord or a quality.Enriched keyed
// by profile ID) gets the offers of its profile. Enrichment's trust rules
// decide: a value from a more (or equally) trusted source is never
// overwritten. Use ApplyOffers to stamp each value with its message's date.
type SignatureEnricher struct {
	byProfile map[string][]Offer
}

// NewSignatureEnricher returns an Enricher for offers.
func NewSignatureEnricher(offers []Offer) *SignatureEnricher {
	e := &SignatureEnricher{byProfile: map[string][]Offer{}}
	for _, o := range offers {
		e.byProfile[string(o.Profile)] = append(e.byProfile[string(o.Profile)], o)
	}
	return e
}

// Name implements quality.Enricher.
func (*SignatureEnricher) Name() string { return SignatureSource }

// Enrich implements quality.Enricher.
func (e *SignatureEnricher) Enrich(ctx context.Context, r quality.Record) ([]quality.Fill, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []quality.Fill
	for _, o := range e.byProfile[r.RecordID()] {
		out = append(out, quality.Fill{Field: o.Field, Value: o.Value})
	}
	return out, nil
}

// OfferChange is what enrichment did with one offer.
type OfferChange struct {
	Offer  Offer
	Change quality.Change
}

// ApplyOffers applies the offers of rec's profile (rec.ID) to rec under
// the trust rules of en (its Enrichers are not used), oldest message first,
// each at its message's date: the provenance of an applied value is
// SignatureSource and that date, and the returned changes name the
// message. A later signature refreshes an earlier one; a value of a more
// (or equally) trusted source is kept.
func ApplyOffers(ctx context.Context, en *quality.Enrichment, rec *quality.Enriched, offers []Offer) ([]OfferChange, error) {
	var mine []Offer
	for _, o := range offers {
		if string(o.Profile) == rec.ID {
			mine = append(mine, o)
		}
	}
	slices.SortStableFunc(mine, func(a, b Offer) int { return a.Date.Compare(b.Date) })
	var out []OfferChange
	for _, o := range mine {
		one := *en
		one.Enrichers = []quality.Enricher{NewSignatureEnricher([]Offer{o})}
		ch, err := one.Apply(ctx, rec, o.Date)
		if err != nil {
			return out, err
		}
		for _, c := range ch {
			out = append(out, OfferChange{Offer: o, Change: c})
		}
	}
	return out, nil
}
