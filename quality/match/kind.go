package match

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is what a field holds. It is the one field-kind vocabulary of the
// SDK: the matcher reads it (how a value is normalised into a comparison
// key, which blocking keys it yields, which comparison levels two values are
// graded into) and so does package quality (which rules a field gets by
// default). The zero value, KindIgnore, marks a field that takes no part.
//
// A few kinds refine another for quality rules and are compared by the
// matcher as the kind they refine: KindPrefecture as KindRegion,
// KindBirthDate as KindDate, KindCorporateNumber as KindID. KindCategory and
// KindTimestamp describe a record rather than identify it (a source system,
// an update time): the matcher does not compare them.
type Kind int

// The field kinds. Their String forms are the names the command line and
// JSON configurations use.
const (
	KindIgnore     Kind = iota // not used
	KindGivenName              // given (first) name
	KindFamilyName             // family name (surname)
	KindPersonName             // a whole person name, in either order
	KindNameKana               // the kana reading of a name (フリガナ)
	KindCompany                // a company or organisation name
	KindEmail                  // an e-mail address
	KindPhone                  // a telephone number
	KindPostalCode             // a postal code
	KindAddress                // a whole postal address
	KindStreet                 // a street line of an address
	KindLocality               // a city, suburb, town or municipality
	KindRegion                 // a state, prefecture or province
	KindDate                   // a date, e.g. a date of birth
	KindID                     // an identifier (a national, corporate or member number)
	KindNumber                 // a number, e.g. a street number
	KindText                   // free text
	KindExact                  // a category compared for equality only
	// Kinds that refine the ones above for quality rules.
	KindPrefecture      // one of Japan's 47 prefectures; matched as KindRegion
	KindBirthDate       // a date of birth, checked for plausibility; matched as KindDate
	KindCorporateNumber // a 法人番号 with its check digit; matched as KindID
	KindTimestamp       // a time an event happened (updated_at); not matched
	KindCategory        // a code or category (source system, status); not matched
	numKinds
)

var kindNames = [numKinds]string{
	KindIgnore:          "ignore",
	KindGivenName:       "given_name",
	KindFamilyName:      "family_name",
	KindPersonName:      "person_name",
	KindNameKana:        "name_kana",
	KindCompany:         "company",
	KindEmail:           "email",
	KindPhone:           "phone",
	KindPostalCode:      "postal_code",
	KindAddress:         "address",
	KindStreet:          "street",
	KindLocality:        "locality",
	KindRegion:          "region",
	KindDate:            "date",
	KindID:              "id",
	KindNumber:          "number",
	KindText:            "text",
	KindExact:           "exact",
	KindPrefecture:      "prefecture",
	KindBirthDate:       "birth_date",
	KindCorporateNumber: "corporate_number",
	KindTimestamp:       "timestamp",
	KindCategory:        "category",
}

// String returns the kind's name as the command line spells it, e.g.
// "family_name".
func (k Kind) String() string {
	if k >= 0 && k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// MarshalText encodes the kind as its name.
func (k Kind) MarshalText() ([]byte, error) {
	if k < 0 || k >= numKinds {
		return nil, fmt.Errorf("%w: kind %d", ErrUnknownKind, int(k))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText decodes a kind name as ParseKind does.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Kinds returns the 22 kinds a field may be declared as, in their
// documented order (KindIgnore is not among them).
func Kinds() []Kind {
	ks := make([]Kind, 0, numKinds-1)
	for k := KindGivenName; k < numKinds; k++ {
		ks = append(ks, k)
	}
	return ks
}

// compared reports whether the matcher compares fields of kind k (false for
// KindIgnore, KindTimestamp and KindCategory).
func (k Kind) compared() bool { return k.matchAs() != KindIgnore }

// matchAs returns the kind the matcher compares a field of kind k as.
func (k Kind) matchAs() Kind {
	switch k {
	case KindPrefecture:
		return KindRegion
	case KindBirthDate:
		return KindDate
	case KindCorporateNumber:
		return KindID
	case KindTimestamp, KindCategory:
		return KindIgnore
	}
	return k
}

// ParseKind returns the kind named s ("given_name", "email", …; case and
// surrounding spaces are ignored, "-" may stand for "_"). "ignore" is
// accepted too. An unknown name gives an error wrapping ErrUnknownKind that
// lists the valid names.
func ParseKind(s string) (Kind, error) {
	n := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	for k, name := range kindNames {
		if n == name {
			return Kind(k), nil
		}
	}
	names := make([]string, 0, numKinds-1)
	for _, k := range Kinds() {
		names = append(names, k.String())
	}
	return KindIgnore, fmt.Errorf("%w %q (valid: %s)", ErrUnknownKind, s, strings.Join(names, ", "))
}

// headerKinds maps folded header names (lower case, without spaces, "_",
// "-", "." and brackets) to kinds.
var headerKinds = map[string]Kind{}

func init() {
	add := func(k Kind, names ...string) {
		for _, n := range names {
			headerKinds[foldHeader(n)] = k
		}
	}
	add(KindGivenName, "given_name", "first_name", "firstname", "forename", "given", "first", "fname",
		"名", "下の名前", "名前（名）", "名（漢字）", "氏名（名）", "めい", "first name")
	add(KindFamilyName, "surname", "last_name", "lastname", "family_name", "familyname", "last", "lname",
		"姓", "苗字", "名字", "氏", "名前（姓）", "姓（漢字）", "氏名（姓）")
	add(KindPersonName, "name", "full_name", "fullname", "person_name", "person", "customer_name", "contact_name",
		"contact", "氏名", "名前", "お名前", "顧客名", "担当者", "担当者名", "代表者", "代表者名", "会員名", "氏名（漢字）")
	add(KindNameKana, "kana", "name_kana", "furigana", "reading", "kana_name", "フリガナ", "ふりがな", "カナ", "かな",
		"氏名カナ", "氏名（カナ）", "氏名フリガナ", "フリガナ（氏名）", "セイメイ", "お名前（フリガナ）", "読み", "よみ", "ヨミ",
		"姓カナ", "名カナ", "セイ", "メイ", "姓（カナ）", "名（カナ）", "姓フリガナ", "名フリガナ", "会社名カナ", "会社名フリガナ")
	add(KindCompany, "company", "company_name", "organization", "organisation", "org", "employer", "business",
		"account", "account_name", "corporation", "firm", "会社名", "会社", "法人名", "企業名", "勤務先", "社名", "取引先",
		"取引先名", "団体名", "事業者名", "屋号", "所属", "勤務先名")
	add(KindEmail, "email", "e_mail", "mail", "email_address", "mail_address", "emailaddress", "メール", "メールアドレス",
		"eメール", "電子メール", "e-mailアドレス", "pcメール", "携帯メール")
	add(KindPhone, "phone", "tel", "telephone", "phone_number", "mobile", "cell", "cellphone", "mobile_phone", "fax",
		"電話", "電話番号", "携帯", "携帯電話", "携帯番号", "携帯電話番号", "連絡先", "連絡先電話番号", "tel番号", "fax番号",
		"自宅電話", "勤務先電話", "代表電話")
	add(KindPostalCode, "postcode", "postal_code", "zip", "zipcode", "zip_code", "post_code", "postal",
		"郵便番号", "〒", "郵便")
	add(KindAddress, "address", "full_address", "postal_address", "mailing_address", "住所", "所在地", "住所1",
		"本店所在地", "自宅住所", "勤務先住所", "送付先住所", "現住所")
	add(KindStreet, "street", "street_address", "address_1", "address1", "address_line_1", "address_line1",
		"address_2", "address2", "address_line_2", "line1", "line2", "番地", "丁目番地", "町名番地", "住所2", "建物名",
		"建物", "マンション名", "住所3")
	add(KindLocality, "city", "suburb", "town", "locality", "municipality", "village", "市区町村", "市町村",
		"市区郡", "町域", "町名", "市区町村名")
	add(KindRegion, "state", "prefecture", "province", "region", "county", "都道府県", "県", "都道府県名")
	add(KindDate, "dob", "date_of_birth", "birth_date", "birthdate", "birthday", "date", "birth", "生年月日",
		"誕生日", "生日", "設立日", "設立年月日", "登録日", "入会日")
	add(KindID, "ssn", "soc_sec_id", "social_security", "national_id", "corporate_number", "corporate_no",
		"法人番号", "会員番号", "顧客番号", "顧客id", "会員id", "customer_id", "member_id", "account_number",
		"マイナンバー", "個人番号", "社員番号", "tax_id", "vat", "duns")
	add(KindNumber, "street_number", "house_number", "number", "age", "amount", "番号", "年齢", "house_no", "no")
	add(KindExact, "gender", "sex", "性別", "country", "国", "国名", "status", "category", "type", "segment", "区分", "種別")
	add(KindIgnore, "source", "source_system", "system", "ソース", "取得元", "データソース", "cluster", "cluster_id", "entity", "entity_id", "truth", "label", "match_id", "true_id", "group_id")
}

// foldHeader folds a header name for lookup: NFKC-like width folding of
// ASCII letters and digits, lower case, and no spaces or separators.
func foldHeader(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
			r -= 0xFEE0
		}
		switch {
		case unicode.IsSpace(r), r == '_', r == '-', r == '.', r == '・', r == '/', r == ':', r == '：':
			continue
		case r == '(':
			r = '（'
		case r == ')':
			r = '）'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

var (
	reEmail  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	rePostal = regexp.MustCompile(`^〒?\s*\d{3}[-ー−‐]?\d{4}$`)
	rePhone  = regexp.MustCompile(`^(\+\d{1,3}[\s-]?)?\(?0?\d{1,4}\)?[\s-]?\d{1,4}[\s-]?\d{3,4}$`)
	reDate   = regexp.MustCompile(`^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{8}|\d{1,2}/\d{1,2}/\d{4}|\d{4}年\d{1,2}月\d{1,2}日)`)
	reNumber = regexp.MustCompile(`^-?\d+([.,]\d+)?$`)
)

// InferKinds guesses the kind of each column from its header name (English
// and Japanese: "surname", "email", "氏名", "姓", "名", "フリガナ", "会社名",
// "電話", "郵便番号", "住所", "生年月日", …) and, when the name says nothing,
// from the values in sample (rows of the same width as header; shorter rows
// are tolerated). The result has one kind per header entry. Columns that are
// empty in the whole sample, and columns named like a truth label
// ("cluster", "entity_id", …), get KindIgnore; anything else unrecognised is
// KindText. InferKinds never fails; callers should show the result to the
// user, who may override it.
func InferKinds(header []string, sample [][]string) []Kind {
	kinds := make([]Kind, len(header))
	for c, h := range header {
		f := foldHeader(h)
		k, named := headerKinds[f]
		if !named {
			k, named = inferFromName(f)
		}
		var vals []string
		for _, row := range sample {
			if c < len(row) {
				if v := strings.TrimSpace(row[c]); v != "" {
					vals = append(vals, v)
				}
			}
		}
		if len(vals) == 0 {
			kinds[c] = KindIgnore
			continue
		}
		if named {
			// A name is trusted unless the values clearly say e-mail.
			if k != KindEmail && k != KindIgnore && share(vals, reEmail.MatchString) >= 0.8 {
				k = KindEmail
			}
			kinds[c] = k
			continue
		}
		kinds[c] = inferFromValues(vals)
	}
	return kinds
}

// inferFromName recognises header names by their parts when the whole name is
// not in the table ("home_phone", "contact_email", "顧客電話番号").
func inferFromName(f string) (Kind, bool) {
	type suffix struct {
		s string
		k Kind
	}
	for _, p := range []suffix{
		{"email", KindEmail}, {"メール", KindEmail}, {"mail", KindEmail},
		{"phone", KindPhone}, {"tel", KindPhone}, {"電話", KindPhone}, {"fax", KindPhone},
		{"郵便番号", KindPostalCode}, {"zip", KindPostalCode}, {"postcode", KindPostalCode},
		{"住所", KindAddress}, {"所在地", KindAddress}, {"address", KindAddress},
		{"フリガナ", KindNameKana}, {"カナ", KindNameKana}, {"kana", KindNameKana}, {"ふりがな", KindNameKana},
		{"会社名", KindCompany}, {"法人名", KindCompany}, {"company", KindCompany}, {"企業名", KindCompany},
		{"生年月日", KindDate}, {"日付", KindDate}, {"date", KindDate}, {"年月日", KindDate}, {"dob", KindDate},
		{"氏名", KindPersonName}, {"名前", KindPersonName}, {"name", KindPersonName},
		{"番号", KindID}, {"id", KindID}, {"code", KindID}, {"コード", KindID},
	} {
		if strings.Contains(f, p.s) {
			return p.k, true
		}
	}
	return KindIgnore, false
}

func inferFromValues(vals []string) Kind {
	const enough = 0.8
	switch {
	case share(vals, reEmail.MatchString) >= enough:
		return KindEmail
	case share(vals, rePostal.MatchString) >= enough && share(vals, func(v string) bool { return strings.ContainsAny(v, "-ー−‐〒") }) >= 0.5:
		return KindPostalCode
	case share(vals, reDate.MatchString) >= enough:
		return KindDate
	case share(vals, func(v string) bool { return rePhone.MatchString(v) && digits(v) >= 9 }) >= enough &&
		share(vals, func(v string) bool {
			return strings.HasPrefix(v, "0") || strings.HasPrefix(v, "+") || strings.HasPrefix(v, "(")
		}) >= enough:
		return KindPhone
	case share(vals, reNumber.MatchString) >= enough:
		return KindNumber
	case share(vals, isKana) >= enough:
		return KindNameKana
	case share(vals, isCompany) >= 0.5:
		return KindCompany
	case share(vals, isJPAddress) >= enough:
		return KindAddress
	}
	return KindText
}

func share(vals []string, pred func(string) bool) float64 {
	n := 0
	for _, v := range vals {
		if pred(v) {
			n++
		}
	}
	return float64(n) / float64(len(vals))
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= '０' && r <= '９' {
			n++
		}
	}
	return n
}

func isKana(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	n := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Katakana, unicode.Hiragana), r == 'ー', r == '・':
			n++
		case unicode.IsSpace(r):
		default:
			return false
		}
	}
	return n > 0
}

var companyMarks = []string{"株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "(株)", "（株）", "㈱", "(有)", "（有）", "㈲",
	"一般社団法人", "一般財団法人", "医療法人", "学校法人", "社会福祉法人", "特定非営利活動法人",
	" inc", " inc.", " ltd", " ltd.", " llc", " corp", " corp.", " co.", " gmbh", " plc", " limited", " corporation", " company"}

func isCompany(s string) bool {
	l := strings.ToLower(s)
	for _, m := range companyMarks {
		if strings.HasPrefix(m, " ") {
			if strings.HasSuffix(l, m) {
				return true
			}
			continue
		}
		if strings.Contains(l, m) {
			return true
		}
	}
	return false
}

func isJPAddress(s string) bool {
	return strings.ContainsAny(s, "都道府県") && strings.ContainsAny(s, "市区町村郡") && digits(s) > 0
}
