package synth

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Japanese noise rates (before Config.Noise scaling for errors and missing
// values). The package doc repeats them; tests measure them.
const (
	rateFullNameOneField = 0.05
	// Readings by source system: the legacy point-of-sale system stores
	// half-width katakana, web and app forms often hiragana, the others
	// katakana. Overall: hiragana 26%, half-width 12%.
	rateKanaHalfWidthPOS = 0.80
	rateKanaHiraganaWeb  = 0.60 // ec and app
	rateKanaHiraganaDesk = 0.10 // crm, support, event
	rateIPPhone          = 0.03 // of people's own numbers: 050
	rateVariantKanji     = 0.30 // of records whose name has a character with a variant
	rateIterationMark    = 0.25 // of records whose name has 々
	rateFullWidthEmail   = 0.02
	ratePrefOmitted      = 0.12
	ratePrefInAddress    = 0.08
	rateBuildingOmitted  = 0.20 // of records whose address has a building
	rateStraySpace       = 0.03
	rateLatinName        = 0.015
	rateTownVariant      = 0.40 // of records whose town has ケ/ヶ/が or の/ノ
	rateDashVariant      = 0.04 // per field: phone, postal code, address
	rateEmailCase        = 0.04

	rateKanaTypo      = 0.06
	rateNameIME       = 0.04 // of duplicates whose given name has other spellings
	rateNameChange    = 0.03 // of duplicates of adult women
	rateEmailTypo     = 0.04
	rateEmailChanged  = 0.08
	ratePhoneTypo     = 0.03
	ratePhoneChanged  = 0.05
	ratePhoneOther    = 0.10 // of duplicates whose entity has both a mobile and a landline
	rateMoved         = 0.05
	rateBirthDateTypo = 0.03
	ratePostalTypo    = 0.02

	rateHasCompany          = 0.5
	rateHasMobile           = 0.92
	rateHasLandline         = 0.5 // per household
	ratePreferLandlineOld   = 0.6 // born before 1965, with both numbers
	ratePreferLandlineYoung = 0.25
	rateHasBuilding         = 0.35
	rateSharedEmail         = 0.10 // of household members: share the first member's e-mail
	rateEmailWithDigits     = 0.55
	sourceSystemsJa         = "crm ec pos support app event"
	bloomBits               = 1 << 25
	minBirthYear            = 1935
	maxBirthYear            = 2007
	referenceYearForNames   = 2026
)

var sourceSystemWeightsJa = [...]float64{0.30, 0.25, 0.15, 0.12, 0.10, 0.08}

// Fields whose presence depends on the source system.
const (
	fBirthDate = iota
	fEmail
	fPhone
	fKana
	fPostal
	fAddress
	fCompany // of records whose entity has a company
	numMissingFields
)

// missingColumns is the column of each missing-value field (the readings:
// family_kana).
var missingColumns = [numMissingFields]int{5, 6, 7, 3, 8, 10, 11}

// sentinelValues are the placeholders systems and clerks type for an
// unknown value (read-only).
var sentinelValues = [numMissingFields][]string{
	{"1900-01-01", "1900/01/01", "0000-00-00", "不明"},
	{"なし", "-", "none@example.com", "noemail@example.jp"},
	{"000-0000-0000", "0000000000", "-", "不明"},
	{"フメイ", "ダミー", "ー"},
	{"000-0000", "0000000"},
	{"不明", "-", "住所不明"},
	{"なし", "-", "個人"},
}

// missingRates holds, per source system (in sourceSystemsJa order) and
// field, the rate of missing values before Config.Noise scaling: each system
// collects different fields (a till rarely asks for an e-mail address, a
// call centre for a birth date). When e-mail, phone and birth date would all
// be missing, the one the system most often has is kept.
var missingRates = [6][numMissingFields]float64{
	//  birth  email  phone  kana  postal addr  company
	{0.35, 0.10, 0.05, 0.10, 0.10, 0.08, 0.05}, // crm
	{0.30, 0.00, 0.05, 0.05, 0.02, 0.02, 0.60}, // ec
	{0.05, 0.45, 0.05, 0.02, 0.03, 0.03, 0.80}, // pos
	{0.60, 0.30, 0.00, 0.05, 0.30, 0.30, 0.30}, // support
	{0.05, 0.02, 0.30, 0.20, 0.40, 0.45, 0.70}, // app
	{0.60, 0.02, 0.40, 0.30, 0.50, 0.55, 0.10}, // event
}
var sourceSystemNamesJa = strings.Fields(sourceSystemsJa)

// jaHome is where a household lives.
type jaHome struct {
	place    int
	block    [3]int // 丁目, 番, 号 for towns with 丁目; else 番地, 枝番 (0 = none), unused
	building string // "" or a name
	room     int    // 0 = none
	landline string // 10 digits or ""
	areaLen  int
}

// jaPerson is the clean truth about one person.
type jaPerson struct {
	entityID           string
	female             bool
	family, familyKana string
	given              int // index into jaGiven
	spelling           int // index into jaGiven[given].spellings
	year, month, day   int
	email              string
	mobile             string // 11 digits or ""
	preferLandline     bool
	home               *jaHome
	movedTo            *jaHome // the new home of duplicates that moved, made once
	company            string  // full name with legal form, or ""
	romajiStyle        int
}

type jaMaker struct {
	g      *generator
	emails []uint64 // Bloom filter of e-mail addresses handed out
	mask   uint64   // bit count of the filter - 1
}

func newJaMaker(g *generator) *jaMaker {
	// About 32 bits per record (an entity has at most a few addresses), so
	// false positives stay rare; at most 4 MiB.
	bits := uint64(1 << 16)
	for bits < bloomBits && bits < uint64(g.cfg.N)*32 {
		bits <<= 1
	}
	return &jaMaker{g: g, emails: make([]uint64, bits/64), mask: bits - 1}
}

func (m *jaMaker) next(dst []Record, limit int) []Record {
	g := m.g
	p := m.newPerson(nil, false)
	dst = m.records(dst, p, limit)
	if len(dst) < limit && g.p(g.cfg.HouseholdRate) {
		q := m.newPerson(p, false)
		dst = m.records(dst, q, limit)
	}
	if len(dst) < limit && g.p(g.cfg.TwinRate) {
		q := m.newPerson(p, true)
		dst = m.records(dst, q, limit)
	}
	return dst
}

// newPerson makes a person; with a household head it makes a household
// member (or a twin) sharing family name, home and landline.
func (m *jaMaker) newPerson(head *jaPerson, twin bool) *jaPerson {
	g := m.g
	p := &jaPerson{entityID: g.newEntityID()}
	p.female = g.p(0.5)
	switch {
	case head != nil && twin:
		p.year, p.month, p.day = head.year, head.month, head.day
		if g.p(0.7) {
			p.female = head.female
		}
	case head != nil:
		// Spouse, parent or child.
		off := []int{0, 0, 28, -28}[g.intn(4)] + g.intn(9) - 4
		p.year = clamp(head.year+off, minBirthYear, maxBirthYear)
		p.month, p.day = 1+g.intn(12), 0
		p.day = 1 + g.intn(daysIn(p.year, p.month))
		if off > -5 && off < 5 {
			p.female = !head.female
		}
	default:
		p.year = minBirthYear + g.intn(maxBirthYear-minBirthYear+1)
		p.month = 1 + g.intn(12)
		p.day = 1 + g.intn(daysIn(p.year, p.month))
	}
	if head != nil {
		p.family, p.familyKana, p.home = head.family, head.familyKana, head.home
	} else {
		s := m.surname()
		p.family, p.familyKana = s.kanji, s.kana
		p.home = m.newHome(-1)
	}
	for {
		p.given = m.givenFor(p.year, p.female)
		if head == nil || jaGiven[p.given].kana != jaGiven[head.given].kana {
			break
		}
	}
	p.spelling = g.intn(len(jaGiven[p.given].spellings))
	p.romajiStyle = g.pick(0.5, 0.25, 0.1, 0.15)
	if head != nil && !twin && g.p(rateSharedEmail) && head.email != "" {
		p.email = head.email
	} else {
		p.email = m.newEmail(p)
	}
	if g.p(rateHasMobile) || p.home.landline == "" {
		p.mobile = m.mobile()
	}
	pref := ratePreferLandlineYoung
	if p.year < 1965 {
		pref = ratePreferLandlineOld
	}
	p.preferLandline = p.home.landline != "" && (p.mobile == "" || g.p(pref))
	if referenceYearForNames-p.year >= 20 && g.p(rateHasCompany) {
		p.company = m.company()
	}
	return p
}

func clamp(v, lo, hi int) int { return max(lo, min(hi, v)) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func (m *jaMaker) surname() surname {
	x := m.g.rng.Float64() * jaSurnameCum[len(jaSurnameCum)-1]
	lo, hi := 0, len(jaSurnameCum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if jaSurnameCum[mid] <= x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return jaSurnames[lo]
}

func (m *jaMaker) givenFor(year int, female bool) int {
	era := 1
	switch {
	case year < 1960:
		era = 0
	case year >= 1988:
		era = 2
	}
	sex := 0
	if female {
		sex = 1
	}
	list := jaGivenByEraSex[era][sex]
	return list[m.g.intn(len(list))]
}

// newHome makes a home in a prefecture drawn by population, or in pref if
// pref >= 0.
func (m *jaMaker) newHome(pref int) *jaHome {
	g := m.g
	if pref < 0 {
		w := prefWeight
		x := g.intn(int(totalPrefWeight))
		for i, v := range w {
			if x < int(v) {
				pref = i
				break
			}
			x -= int(v)
		}
	}
	r := prefPlaces[pref]
	h := &jaHome{place: int(r[0]) + g.intn(int(r[1]-r[0]))}
	pl := &places[h.place]
	if pl.chome {
		h.block = [3]int{1 + min(g.intn(6), g.intn(9)), 1 + g.intn(30), 1 + g.intn(25)}
	} else {
		h.block[0] = 1 + min(g.intn(3000), g.intn(3000))
		if g.p(0.6) {
			h.block[1] = 1 + g.intn(20)
		}
	}
	if g.p(rateHasBuilding) {
		h.building = buildingPrefixes[g.intn(len(buildingPrefixes))] + buildingSuffixes[g.intn(len(buildingSuffixes))]
		if g.p(0.1) {
			h.building += []string{"Ⅱ", "Ⅲ", "2", "II"}[g.intn(4)]
		}
		h.room = (1+g.intn(12))*100 + 1 + g.intn(10)
	}
	if g.p(rateHasLandline) {
		h.landline, h.areaLen = m.landline(pl)
	}
	return h
}

var totalPrefWeight = func() uint32 {
	t := uint32(0)
	for _, v := range prefWeight {
		t += v
	}
	return t
}()

var (
	buildingPrefixes = []string{"サン", "グリーン", "ロイヤル", "パーク", "アーバン", "ベル", "エクセル", "グラン", "リバー", "メゾン", "コーポ", "シャトー", "フォレスト", "桜", "若葉", "平和", "第一"}
	buildingSuffixes = []string{"ハイツ", "コーポ", "マンション", "レジデンス", "ヒルズ", "コート", "パレス", "ハウス", "荘", "ビル"}
	companyPrefixes  = []string{"東和", "日本", "大和", "中央", "第一", "光", "富士", "三和", "昭和", "旭", "新星", "北斗", "アオバ", "ミドリ", "サンライズ", "グローバル", "丸高", "山一", "協和", "太平洋", "関東", "関西", "九州", "北海", "桜", "ひかり", "エース", "テクノ", "ネクスト", "ユニオン"}
	companyBusiness  = []string{"商事", "物産", "電機", "建設", "工業", "運輸", "不動産", "食品", "製薬", "システム", "ソフト", "印刷", "設計", "産業", "興業", "化学", "精機", "保険サービス", "コンサルティング", "メディカル"}
	emailDomains     = []string{"gmail.com", "yahoo.co.jp", "docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp", "icloud.com", "outlook.jp", "hotmail.co.jp", "nifty.com", "biglobe.ne.jp", "ocn.ne.jp"}
	emailDomainW     = []float64{30, 20, 8, 4, 3, 4, 3, 10, 3, 3, 2, 2, 2}
)

// landline draws a 10-digit landline number of the place's numbering area.
func (m *jaMaker) landline(pl *place) (string, int) {
	g := m.g
	lo, hi := int(pl.phoneLo), int(pl.phoneHi)
	if hi <= lo {
		lo, hi = int(prefLandlines[pl.pref][0]), int(prefLandlines[pl.pref][1])
	}
	ll := landlines[lo+g.intn(hi-lo)]
	var b [10]byte
	n := copy(b[:], ll.digits)
	for i := n; i < 10; i++ {
		d := byte('0' + g.intn(10))
		if i == int(ll.areaLen) && d < '2' { // a local exchange code starts with 2–9
			d = byte('2' + g.intn(8))
		}
		b[i] = d
	}
	return string(b[:]), int(ll.areaLen)
}

func (m *jaMaker) mobile() string {
	g := m.g
	var b [11]byte
	copy(b[:], []string{"090", "080", "070", "050"}[g.pick(5*(1-rateIPPhone), 4*(1-rateIPPhone), 1-rateIPPhone, 10*rateIPPhone)])
	b[3] = byte('1' + g.intn(9))
	for i := 4; i < 11; i++ {
		b[i] = byte('0' + g.intn(10))
	}
	return string(b[:])
}

func (m *jaMaker) company() string {
	g := m.g
	core := companyPrefixes[g.intn(len(companyPrefixes))] + companyBusiness[g.intn(len(companyBusiness))]
	switch g.pick(0.5, 0.2, 0.12, 0.06, 0.12) {
	case 0:
		return "株式会社" + core
	case 1:
		return core + "株式会社"
	case 2:
		return "有限会社" + core
	case 3:
		return "合同会社" + core
	}
	return core
}

// newEmail makes an address nobody else has been given (up to the Bloom
// filter's rare false positives, which only add digits).
func (m *jaMaker) newEmail(p *jaPerson) string {
	g := m.g
	gr := romaji(jaGiven[p.given].kana, p.romajiStyle)
	fr := romaji(p.familyKana, p.romajiStyle)
	for attempt := 0; ; attempt++ {
		var local string
		switch g.intn(8) {
		case 0:
			local = gr + "." + fr
		case 1:
			local = fr + "." + gr
		case 2:
			local = gr + fr
		case 3:
			local = gr + "_" + fr
		case 4:
			local = gr[:1] + "." + fr
		case 5:
			local = fr + gr[:1]
		case 6:
			local = gr + "-" + fr[:1]
		default:
			local = gr
		}
		if attempt > 0 || g.p(rateEmailWithDigits) {
			switch g.intn(3) {
			case 0:
				local += strconv.Itoa(p.year % 100)
			case 1:
				local += strconv.Itoa(p.month*100 + p.day)
			default:
				local += strconv.Itoa(g.intn(1000))
			}
			if attempt > 1 {
				local += strconv.Itoa(g.intn(10000))
			}
		}
		addr := local + "@" + emailDomains[g.pick(emailDomainW...)]
		if !m.seen(addr) {
			return addr
		}
	}
}

// seen reports whether the Bloom filter holds s, and adds it.
func (m *jaMaker) seen(s string) bool {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h1, h2 := h&m.mask, (h>>32^h*0x9e3779b97f4a7c15)&m.mask
	in := m.emails[h1/64]&(1<<(h1%64)) != 0 && m.emails[h2/64]&(1<<(h2%64)) != 0
	m.emails[h1/64] |= 1 << (h1 % 64)
	m.emails[h2/64] |= 1 << (h2 % 64)
	return in
}

// records appends the records of p: one original and the duplicates.
func (m *jaMaker) records(dst []Record, p *jaPerson, limit int) []Record {
	n := m.g.clusterSize()
	for i := 0; i < n && len(dst) < limit; i++ {
		dst = append(dst, m.render(p, i > 0))
	}
	return dst
}

// render writes one record of p; dup enables errors.
func (m *jaMaker) render(p *jaPerson, dup bool) Record {
	g := m.g
	var noise Noise
	err := func(rate float64, k Noise) bool {
		if dup && g.e(rate) {
			noise |= k
			return true
		}
		return false
	}
	vals := make([]string, len(jaHeader))
	sys := g.pick(sourceSystemWeightsJa[:]...)
	vals[12] = sourceSystemNamesJa[sys]
	var miss [numMissingFields]bool
	for f, rate := range missingRates[sys] {
		miss[f] = g.e(rate)
	}
	if miss[fBirthDate] && miss[fEmail] && miss[fPhone] {
		keep := fBirthDate
		for _, f := range []int{fEmail, fPhone} {
			if missingRates[sys][f] < missingRates[sys][keep] {
				keep = f
			}
		}
		miss[keep] = false
	}
	missing := func(f int, k Noise) bool {
		if miss[f] {
			noise |= k
		}
		return miss[f]
	}

	// Names.
	latin := g.p(rateLatinName)
	family, familyKana := p.family, p.familyKana
	gn := &jaGiven[p.given]
	spelling := p.spelling
	if len(gn.spellings) > 1 && err(rateNameIME, NoiseNameIME) {
		spelling = (spelling + 1 + g.intn(len(gn.spellings)-1)) % len(gn.spellings)
	}
	given, givenKana := gn.spellings[spelling], gn.kana
	if p.female && referenceYearForNames-p.year >= 22 && err(rateNameChange, NoiseNameChange) {
		for {
			s := m.surname()
			if s.kana != familyKana {
				family, familyKana = s.kanji, s.kana
				break
			}
		}
	}
	if !latin && strings.Contains(family+given, "々") && g.p(rateIterationMark) {
		family, given = expandIteration(family), expandIteration(given)
		noise |= NoiseIterationMark
	}
	if v, ok := m.variant(family + "\x00" + given); ok && !latin && g.p(rateVariantKanji) {
		family, given, _ = strings.Cut(v, "\x00")
		noise |= NoiseVariantKanji
	}
	if dup && g.e(rateKanaTypo) {
		noise |= NoiseKanaTypo
		if g.p(0.5) {
			familyKana = m.kanaTypo(familyKana)
		} else {
			givenKana = m.kanaTypo(givenKana)
		}
	}
	hira, half := rateKanaHiraganaDesk, 0.0
	switch vals[12] {
	case "pos":
		hira, half = 0, rateKanaHalfWidthPOS
	case "ec", "app":
		hira = rateKanaHiraganaWeb
	}
	switch g.pick(1-hira-half, hira, half) {
	case 1:
		familyKana, givenKana = toHiragana(familyKana), toHiragana(givenKana)
		noise |= NoiseKanaHiragana
	case 2:
		familyKana, givenKana = toHalfWidthKana(familyKana), toHalfWidthKana(givenKana)
		noise |= NoiseKanaHalfWidth
	}
	if missing(fKana, NoiseMissingKana) {
		familyKana, givenKana = "", ""
	}
	if latin {
		noise |= NoiseLatinName
		style := p.romajiStyle
		if style == romajiKunrei {
			style = romajiPlain
		}
		family, given = capitalize(romaji(p.familyKana, style)), capitalize(romaji(gn.kana, style))
		if g.p(0.3) {
			family, given = strings.ToUpper(family), strings.ToUpper(given)
		}
	}
	if g.p(rateFullNameOneField) {
		noise |= NoiseFullNameOneField
		if latin {
			family, given = given+" "+family, ""
		}
		sep := []string{"　", " ", ""}[g.pick(0.5, 0.3, 0.2)]
		if !latin {
			family, given = family+sep+given, ""
		}
		if familyKana != "" {
			if noise.Has(NoiseKanaHalfWidth) && sep == "　" {
				sep = " "
			}
			familyKana, givenKana = familyKana+sep+givenKana, ""
		}
	}
	vals[1], vals[2], vals[3], vals[4] = family, given, familyKana, givenKana

	// Birth date.
	y, mo, d := p.year, p.month, p.day
	if err(rateBirthDateTypo, NoiseBirthDateTypo) {
		switch g.intn(3) {
		case 0:
			if d <= 12 && d != mo {
				mo, d = d, mo
				break
			}
			fallthrough
		case 1:
			d = d/10*10 + (d%10+1+g.intn(8))%10
			if d == 0 || d > daysIn(y, mo) {
				d = 1 + (p.day+g.intn(5))%daysIn(y, mo)
			}
		default:
			y += []int{-1, 1}[g.intn(2)]
			d = min(d, daysIn(y, mo))
		}
	}
	if !missing(fBirthDate, NoiseMissingBirthDate) {
		vals[5] = formatDateJa(g, y, mo, d)
	}

	// E-mail.
	email := p.email
	if err(rateEmailChanged, NoiseEmailChanged) {
		email = m.newEmail(p)
	}
	if err(rateEmailTypo, NoiseEmailTypo) {
		email = m.emailTypo(p, email)
	}
	if missing(fEmail, NoiseMissingEmail) {
		email = ""
	}
	if email != "" && g.p(rateEmailCase) {
		noise |= NoiseEmailCase
		if g.p(0.5) {
			email = strings.ToUpper(email[:1]) + email[1:]
		} else {
			email = strings.ToUpper(email)
		}
	}
	if email != "" && g.p(rateFullWidthEmail) {
		noise |= NoiseFullWidth
		email = fullWidthASCII(email)
	}
	vals[6] = email

	// Address.
	home := p.home
	if err(rateMoved, NoiseMoved) {
		if p.movedTo == nil {
			pref := -1
			if g.p(0.5) {
				pref = int(places[home.place].pref)
			}
			p.movedTo = m.newHome(pref)
			switch {
			case p.home.landline == "":
				p.movedTo.landline = ""
			case p.movedTo.landline == "":
				p.movedTo.landline, p.movedTo.areaLen = m.landline(&places[p.movedTo.place])
			}
		}
		home = p.movedTo
	}
	pl := &places[home.place]
	postal := pl.code
	if err(ratePostalTypo, NoisePostalTypo) {
		i := g.intn(7)
		b := []byte(postal)
		b[i] = byte('0' + (int(b[i]-'0')+1+g.intn(9))%10)
		postal = string(b)
	}
	if !missing(fPostal, NoiseMissingPostal) {
		vals[8] = m.dashVariant(formatPostal(g, postal, &noise), &noise)
	}
	pref := prefectures[pl.pref]
	if g.p(ratePrefOmitted) {
		noise |= NoisePrefectureOmitted
	} else {
		vals[9] = pref
	}
	if !missing(fAddress, NoiseMissingAddress) {
		vals[10] = m.dashVariant(m.formatAddress(home, pref, &noise), &noise)
	}

	// Phone.
	phone, areaLen := p.mobile, 3
	if p.preferLandline {
		phone, areaLen = home.landline, home.areaLen
	}
	if home.landline != "" && p.mobile != "" && err(ratePhoneOther, NoisePhoneOther) {
		if p.preferLandline {
			phone, areaLen = p.mobile, 3
		} else {
			phone, areaLen = home.landline, home.areaLen
		}
	}
	if err(ratePhoneChanged, NoisePhoneChanged) {
		phone, areaLen = m.mobile(), 3
	}
	if err(ratePhoneTypo, NoisePhoneTypo) {
		b := []byte(phone)
		i := 3 + g.intn(len(b)-3)
		if g.p(0.5) && i+1 < len(b) && b[i] != b[i+1] {
			b[i], b[i+1] = b[i+1], b[i]
		} else {
			b[i] = byte('0' + (int(b[i]-'0')+1+g.intn(9))%10)
		}
		phone = string(b)
	}
	if !missing(fPhone, NoiseMissingPhone) && phone != "" {
		vals[7] = m.dashVariant(formatPhone(g, phone, areaLen, &noise), &noise)
	}

	// Company.
	if p.company != "" && !missing(fCompany, NoiseMissingCompany) {
		vals[11] = companyNotation(g, p.company)
	}

	// Placeholders typed where a value was required but unknown.
	for f, c := range missingColumns {
		if miss[f] && (f != fCompany || p.company != "") && g.p(g.cfg.PlaceholderRate) {
			vs := sentinelValues[f]
			vals[c] = vs[g.intn(len(vs))]
			noise |= NoiseSentinel
		}
	}

	if g.p(rateStraySpace) {
		noise |= NoiseStraySpace
		for _, i := range []int{1, 2, 6, 10, 11} {
			if vals[i] != "" {
				if g.p(0.5) {
					vals[i] = " " + vals[i]
				} else {
					vals[i] += []string{" ", "　"}[g.intn(2)]
				}
				break
			}
		}
	}
	return Record{EntityID: p.entityID, Values: vals, Dup: dup, Noise: noise}
}

// dashVariant types the hyphens of s as another dash-like character, with
// probability rateDashVariant (scaled by nothing: a notation).
func (m *jaMaker) dashVariant(s string, noise *Noise) string {
	if !strings.Contains(s, "-") || !m.g.p(rateDashVariant) {
		return s
	}
	*noise |= NoiseDashVariant
	return strings.ReplaceAll(s, "-", []string{"ー", "−", "‐", "―"}[m.g.pick(0.5, 0.25, 0.15, 0.1)])
}

// townVariant swaps ケ/ヶ/が and の/ノ in town names the way people write them.
func (m *jaMaker) townVariant(town string, noise *Noise) string {
	if !strings.ContainsAny(town, "ケヶがのノ") || !m.g.p(rateTownVariant) {
		return town
	}
	var b strings.Builder
	changed := false
	for _, r := range town {
		switch r {
		case 'ケ', 'ヶ', 'が':
			alts := []rune{'ケ', 'ヶ', 'が'}
			n := alts[m.g.intn(3)]
			if n == r {
				n = alts[(int(n-'が')+1)%3] // any other
				if n == r || n < 'が' {
					n = 'ヶ'
				}
				if n == r {
					n = 'ケ'
				}
			}
			r, changed = n, true
		case 'の':
			r, changed = 'ノ', true
		case 'ノ':
			r, changed = 'の', true
		}
		b.WriteRune(r)
	}
	if changed {
		*noise |= NoiseTownVariant
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// variant replaces one character of s that has variant forms.
func (m *jaMaker) variant(s string) (string, bool) {
	var cands [8]int
	n := 0
	for i, r := range s {
		if kanjiVariants(r) != nil && n < len(cands) {
			cands[n] = i
			n++
		}
	}
	if n == 0 {
		return s, false
	}
	i := cands[m.g.intn(n)]
	r, size := utf8.DecodeRuneInString(s[i:])
	vs := kanjiVariants(r)
	return s[:i] + vs[m.g.intn(len(vs))] + s[i+size:], true
}

func expandIteration(s string) string {
	var b strings.Builder
	var prev rune
	for _, r := range s {
		if r == '々' && prev != 0 {
			r = prev
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// kanaTypo changes one katakana reading the way readings are mistyped or
// misheard: voicing (サキ/ザキ), long vowels (ユウコ/ユーコ), small kana, a
// dropped or a neighbouring character.
func (m *jaMaker) kanaTypo(s string) string {
	g := m.g
	rs := []rune(s)
	if len(rs) == 0 {
		return s
	}
	for try := 0; try < 4; try++ {
		i := g.intn(len(rs))
		r := rs[i]
		switch g.intn(4) {
		case 0: // voicing
			if v, ok := voicing(r); ok {
				rs[i] = v
				return string(rs)
			}
		case 1: // long vowel
			if (r == 'ウ' || r == 'イ' || r == 'オ') && i > 0 {
				rs[i] = 'ー'
				return string(rs)
			}
			if r == 'ー' {
				rs[i] = 'ウ'
				return string(rs)
			}
		case 2: // drop
			if len(rs) > 2 {
				return string(append(rs[:i:i], rs[i+1:]...))
			}
		default: // neighbouring kana in the same column of the table
			if r >= 'ア' && r <= 'ン' && r != 'ー' {
				c := r + rune(1+g.intn(2))*2
				if c <= 'ン' {
					rs[i] = c
					return string(rs)
				}
			}
		}
	}
	rs[len(rs)-1] = 'ン'
	if string(rs) == s {
		rs[len(rs)-1] = 'ト'
	}
	return string(rs)
}

// voicing toggles the dakuten of a katakana: カ<->ガ, ハ<->バ, ツ<->ッ, ヨ<->ョ.
func voicing(r rune) (rune, bool) {
	switch {
	case r >= 'カ' && r <= 'ド' && r != 'ッ':
		if (r >= 'カ' && r <= 'チ' && (r-'カ')%2 == 0) || (r >= 'ツ' && r <= 'ト' && (r-'ツ')%2 == 0) {
			return r + 1, true
		}
		return r - 1, true
	case r >= 'ハ' && r <= 'ポ':
		switch (r - 'ハ') % 3 {
		case 0:
			return r + 1, true
		default:
			return r - (r-'ハ')%3, true
		}
	case r == 'ツ':
		return 'ッ', true
	case r == 'ッ':
		return 'ツ', true
	case r == 'ヤ' || r == 'ユ' || r == 'ヨ':
		return r - 1, true
	}
	return r, false
}

// emailTypo writes the address with another romanisation of the same name
// or with a keyboard slip in the local part.
func (m *jaMaker) emailTypo(p *jaPerson, email string) string {
	g := m.g
	local, domain, _ := strings.Cut(email, "@")
	if g.p(0.5) {
		gr, fr := romaji(jaGiven[p.given].kana, p.romajiStyle), romaji(p.familyKana, p.romajiStyle)
		style := (p.romajiStyle + 1 + g.intn(numRomajiStyles-1)) % numRomajiStyles
		gr2, fr2 := romaji(jaGiven[p.given].kana, style), romaji(p.familyKana, style)
		if l := strings.Replace(local, fr, fr2, 1); l != local {
			return strings.Replace(l, gr, gr2, 1) + "@" + domain
		}
		if l := strings.Replace(local, gr, gr2, 1); l != local {
			return l + "@" + domain
		}
	}
	if g.p(0.15) {
		if d, ok := domainTypo(domain, g.intn(3)); ok {
			return local + "@" + d
		}
	}
	b := []byte(local)
	i := g.intn(len(b))
	switch g.intn(3) {
	case 0:
		if len(b) > 3 {
			b = append(b[:i], b[i+1:]...)
			break
		}
		fallthrough
	case 1:
		if i+1 < len(b) && b[i] != b[i+1] {
			b[i], b[i+1] = b[i+1], b[i]
			break
		}
		fallthrough
	default:
		c := byte('a' + g.intn(26))
		if c == b[i] {
			c = 'x'
			if b[i] == 'x' {
				c = 'z'
			}
		}
		b[i] = c
	}
	return string(b) + "@" + domain
}

// domainTypo misspells a well-known e-mail domain (gmial.com, gmail.con,
// yahoo.co.jo).
func domainTypo(d string, k int) (string, bool) {
	name, tld, ok := strings.Cut(d, ".")
	if !ok || len(name) < 3 {
		return d, false
	}
	switch k {
	case 0: // swap two letters of the name
		b := []byte(name)
		i := len(b) - 3
		b[i], b[i+1] = b[i+1], b[i]
		if string(b) != name {
			return string(b) + "." + tld, true
		}
		fallthrough
	case 1: // last letter of the top-level domain
		switch {
		case strings.HasSuffix(tld, "com"):
			return name + "." + strings.TrimSuffix(tld, "m") + "n", true
		case strings.HasSuffix(tld, "jp"):
			return name + "." + strings.TrimSuffix(tld, "p") + "o", true
		}
		fallthrough
	default: // a dropped letter
		return name[:len(name)-1] + "." + tld, true
	}
}

// Date notations used by Japanese systems.
func formatDateJa(g *generator, y, m, d int) string {
	var buf [32]byte
	b := buf[:0]
	// num appends v with at least width digits.
	num := func(v, width int) {
		if width == 4 && v < 1000 {
			b = append(b, '0')
		}
		if width == 2 && v < 10 {
			b = append(b, '0')
		}
		b = strconv.AppendInt(b, int64(v), 10)
	}
	ymd := func(w4, w2 int, sep1, sep2, end string) {
		num(y, w4)
		b = append(b, sep1...)
		num(m, w2)
		b = append(b, sep2...)
		num(d, w2)
		b = append(b, end...)
	}
	switch g.pick(0.55, 0.2, 0.1, 0.05, 0.05, 0.05) {
	case 0:
		ymd(4, 2, "-", "-", "")
	case 1:
		ymd(4, 2, "/", "/", "")
	case 2:
		ymd(0, 0, "/", "/", "")
	case 3:
		ymd(4, 2, "", "", "")
	case 4:
		ymd(0, 0, "年", "月", "日")
	default:
		era, ey := wareki(y, m, d)
		b = append(b, era...)
		if ey == 1 {
			b = append(b, "元"...)
		} else {
			num(ey, 0)
		}
		b = append(b, "年"...)
		num(m, 0)
		b = append(b, "月"...)
		num(d, 0)
		b = append(b, "日"...)
	}
	return string(b)
}

// wareki converts a Gregorian date to a Japanese era and year.
func wareki(y, m, d int) (string, int) {
	v := y*10000 + m*100 + d
	switch {
	case v >= 20190501:
		return "令和", y - 2018
	case v >= 19890108:
		return "平成", y - 1988
	case v >= 19261225:
		return "昭和", y - 1925
	}
	return "大正", y - 1911
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func pad4(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}

func formatPostal(g *generator, code string, noise *Noise) string {
	dashed := code[:3] + "-" + code[3:]
	switch g.pick(0.55, 0.2, 0.12, 0.05, 0.08) {
	case 0:
		return dashed
	case 1:
		return code
	case 2:
		return "〒" + dashed
	case 3:
		return "〒" + code
	}
	*noise |= NoiseFullWidth
	return fullWidthASCII(dashed)
}

// formatPhone writes a national number (digits) in one of the notations of
// Japanese exports; areaLen is the length of the area code (3 for mobiles).
func formatPhone(g *generator, digits string, areaLen int, noise *Noise) string {
	a, mid, last := digits[:areaLen], digits[areaLen:len(digits)-4], digits[len(digits)-4:]
	switch g.pick(0.2, 0.45, 0.1, 0.08, 0.1, 0.07) {
	case 0:
		return digits
	case 1:
		return a + "-" + mid + "-" + last
	case 2:
		if g.p(0.5) {
			return "(" + a + ")" + mid + "-" + last
		}
		return a + "(" + mid + ")" + last
	case 3:
		return "+81 " + a[1:] + "-" + mid + "-" + last
	case 4:
		*noise |= NoiseFullWidth
		return fullWidthASCII(a + "-" + mid + "-" + last)
	}
	return a + " " + mid + " " + last
}

func companyNotation(g *generator, c string) string {
	for _, form := range []struct{ long, short string }{{"株式会社", "株"}, {"有限会社", "有"}, {"合同会社", "同"}} {
		if rest, ok := strings.CutPrefix(c, form.long); ok {
			switch g.pick(0.65, 0.1, 0.08, 0.07, 0.05, 0.05) {
			case 1:
				return "(" + form.short + ")" + rest
			case 2:
				return "（" + form.short + "）" + rest
			case 3:
				if form.short == "株" {
					return "㈱" + rest
				}
				return "(" + form.short + ")" + rest
			case 4:
				return form.long + " " + rest
			case 5:
				return rest
			}
			return c
		}
		if rest, ok := strings.CutSuffix(c, form.long); ok {
			switch g.pick(0.7, 0.12, 0.08, 0.05, 0.05) {
			case 1:
				return rest + "(" + form.short + ")"
			case 2:
				return rest + "（" + form.short + "）"
			case 3:
				return rest + " " + form.long
			case 4:
				return rest
			}
			return c
		}
	}
	return c
}

// formatAddress writes municipality, town, block and building in one of the
// notations of Japanese exports.
func (m *jaMaker) formatAddress(h *jaHome, pref string, noise *Noise) string {
	g := m.g
	pl := &places[h.place]
	var b strings.Builder
	b.Grow(96)
	if g.p(ratePrefInAddress) {
		b.WriteString(pref)
		*noise |= NoisePrefectureInAddress
	}
	b.WriteString(pl.city)
	b.WriteString(m.townVariant(pl.town, noise))
	switch g.pick(0.8, 0.15, 0.05) {
	case 1:
		b.WriteByte(' ')
	case 2:
		b.WriteString("　")
	}
	n := func(v int) string { return strconv.Itoa(v) }
	var block string
	if pl.chome {
		c, ban, gou := h.block[0], h.block[1], h.block[2]
		switch g.pick(0.35, 0.40, 0.05, 0.12, 0.05, 0.03) {
		case 0:
			block = n(c) + "丁目" + n(ban) + "番" + n(gou) + "号"
		case 1:
			block = n(c) + "-" + n(ban) + "-" + n(gou)
		case 2:
			block = kanjiNumber(c) + "丁目" + kanjiNumber(ban) + "番" + kanjiNumber(gou) + "号"
			*noise |= NoiseKanjiNumerals
		case 3:
			block = n(c) + "丁目" + n(ban) + "-" + n(gou)
		case 4:
			block = fullWidthASCII(n(c) + "-" + n(ban) + "-" + n(gou))
			*noise |= NoiseFullWidth
		default:
			block = kanjiNumber(c) + "丁目" + n(ban) + "-" + n(gou)
			*noise |= NoiseKanjiNumerals
		}
	} else {
		ban, eda := h.block[0], h.block[1]
		k := g.pick(0.35, 0.45, 0.05, 0.1, 0.05)
		switch {
		case k == 2:
			block = kanjiNumber(ban) + "番地"
			if eda > 0 {
				block += kanjiNumber(eda)
			}
			*noise |= NoiseKanjiNumerals
		case k == 3:
			block = n(ban)
			if eda > 0 {
				block += "-" + n(eda)
			}
			block = fullWidthASCII(block)
			*noise |= NoiseFullWidth
		case k == 1 || (k == 4 && eda == 0):
			block = n(ban)
			if eda > 0 {
				block += "-" + n(eda)
			}
		case k == 4:
			block = n(ban) + "番" + n(eda)
		default:
			block = n(ban) + "番地"
			if eda > 0 {
				block += n(eda)
			}
		}
	}
	b.WriteString(block)
	if h.building != "" {
		if g.p(rateBuildingOmitted) {
			*noise |= NoiseBuildingOmitted
		} else {
			switch g.pick(0.5, 0.3, 0.1, 0.1) {
			case 0:
				b.WriteString(" " + h.building + strconv.Itoa(h.room))
			case 1:
				b.WriteString(" " + h.building + " " + strconv.Itoa(h.room) + "号室")
			case 2:
				b.WriteString("　" + h.building + strconv.Itoa(h.room) + "号")
			default:
				b.WriteString("-" + strconv.Itoa(h.room))
			}
		}
	}
	return b.String()
}

// kanjiNumber writes 1–9999 in kanji numerals: 23 -> 二十三, 105 -> 百五.
func kanjiNumber(v int) string {
	const digits = "〇一二三四五六七八九"
	d := func(i int) string { return digits[i*3 : i*3+3] }
	if v <= 0 {
		return d(0)
	}
	var b strings.Builder
	for _, u := range []struct {
		n int
		s string
	}{{1000, "千"}, {100, "百"}, {10, "十"}} {
		if q := v / u.n; q > 0 {
			if q > 1 {
				b.WriteString(d(q))
			}
			b.WriteString(u.s)
			v %= u.n
		}
	}
	if v > 0 {
		b.WriteString(d(v))
	}
	return b.String()
}
