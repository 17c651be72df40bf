package synth

import (
	"strconv"
	"strings"
)

// English (FEBRL-like) noise rates. Each duplicate gets a first modification
// with probability enModChain[0] × Config.Noise, and after the k-th a further
// one with probability enModChain[k] × Noise (so 1–4 modifications, mean 2.2
// at the default Noise); each modification is drawn by the weights below.
var enModChain = [...]float64{1, 0.7, 0.5, 0.4}

const (
	enModTypo      = 30
	enModOCR       = 8
	enModPhonetic  = 10
	enModMissing   = 14
	enModSwapNames = 4
	enModNickname  = 6
	enModDate      = 8
	enModDigits    = 12
	enModEmail     = 8

	// Missing values on any record.
	enRateMissingGiven  = 0.02
	enRateMissingDOB    = 0.03
	enRateMissingPhone  = 0.05
	enRateMissingEmail  = 0.10
	enRateMissingStreet = 0.03
	enRateAddress2      = 0.25 // share of people with an address_2
	enRateMobile        = 0.35
)

type enName struct {
	name      string
	nicknames []string
}

type enSuburb struct{ name, postcode, state string }

var (
	enMale    = parseEnNames(enMaleList)
	enFemale  = parseEnNames(enFemaleList)
	enSurname = strings.Fields(enSurnameList)
	enStreets = strings.Fields(enStreetList)
	enSuburbs = parseEnSuburbs(enSuburbList)
)

func parseEnNames(s string) []enName {
	var out []enName
	for _, f := range strings.Fields(s) {
		n, nick, _ := strings.Cut(f, "/")
		var nicks []string
		if nick != "" {
			nicks = strings.Split(nick, "|")
		}
		out = append(out, enName{n, nicks})
	}
	return out
}

func parseEnSuburbs(s string) []enSuburb {
	var out []enSuburb
	for _, f := range strings.Fields(s) {
		p := strings.Split(f, ":")
		out = append(out, enSuburb{strings.ReplaceAll(p[0], "_", " "), p[1], p[2]})
	}
	return out
}

type enPerson struct {
	entityID     string
	given        *enName
	surname      string
	streetNumber string
	address1     string
	address2     string
	suburb       *enSuburb
	dob          [3]int
	phone        string // digits
	email        string
}

type enMaker struct{ g *generator }

func newEnMaker(g *generator) entityMaker { return &enMaker{g} }

func (m *enMaker) next(dst []Record, limit int) []Record {
	g := m.g
	p := m.newPerson()
	n := g.clusterSize()
	for i := 0; i < n && len(dst) < limit; i++ {
		dst = append(dst, m.render(p, i > 0))
	}
	return dst
}

func (m *enMaker) newPerson() *enPerson {
	g := m.g
	p := &enPerson{entityID: g.newEntityID()}
	if g.p(0.5) {
		p.given = &enFemale[g.intn(len(enFemale))]
	} else {
		p.given = &enMale[g.intn(len(enMale))]
	}
	// Surnames: a heavy-tailed choice by rank, like the Japanese ones.
	r := int(float64(len(enSurname)) * g.rng.Float64() * g.rng.Float64())
	p.surname = enSurname[r]
	p.streetNumber = strconv.Itoa(1 + min(g.intn(400), g.intn(400)))
	p.address1 = enStreets[g.intn(len(enStreets))] + " " + enStreetTypes[g.pick(enStreetTypeW...)]
	if g.p(enRateAddress2) {
		if g.p(0.6) {
			p.address2 = enAddress2[g.intn(len(enAddress2))] + " " + strconv.Itoa(1+g.intn(40))
		} else {
			p.address2 = enBuildings[g.intn(len(enBuildings))]
		}
	}
	p.suburb = &enSuburbs[g.intn(len(enSuburbs))]
	y := 1930 + g.intn(76)
	mo := 1 + g.intn(12)
	p.dob = [3]int{y, mo, 1 + g.intn(daysIn(y, mo))}
	var b [10]byte
	if g.p(enRateMobile) {
		copy(b[:], "04")
	} else {
		copy(b[:], auAreaCode(p.suburb.state))
	}
	b[2] = byte('1' + g.intn(9))
	for i := 3; i < 10; i++ {
		b[i] = byte('0' + g.intn(10))
	}
	p.phone = string(b[:])
	p.email = m.email(p)
	return p
}

func (m *enMaker) email(p *enPerson) string {
	g := m.g
	gn, sn := p.given.name, strings.ReplaceAll(p.surname, "'", "")
	var local string
	switch g.intn(5) {
	case 0:
		local = gn + "." + sn
	case 1:
		local = gn[:1] + sn
	case 2:
		local = gn + sn + strconv.Itoa(p.dob[0]%100)
	case 3:
		local = sn + "." + gn + strconv.Itoa(g.intn(100))
	default:
		local = gn + "_" + sn + strconv.Itoa(g.intn(1000))
	}
	return local + "@" + enEmailDomains[g.pick(enEmailDomainW...)]
}

func (m *enMaker) render(p *enPerson, dup bool) Record {
	g := m.g
	var noise Noise
	v := make([]string, len(enHeader))
	v[1], v[2], v[3], v[4], v[5] = p.given.name, p.surname, p.streetNumber, p.address1, p.address2
	v[6], v[7], v[8] = p.suburb.name, p.suburb.postcode, p.suburb.state
	dob := p.dob
	v[10], v[11] = p.phone, p.email
	miss := func(rate float64, i int, k Noise) {
		if v[i] != "" && g.e(rate) {
			v[i] = ""
			noise |= k
		}
	}
	if dup {
		for _, rate := range enModChain {
			if !g.e(rate) {
				break
			}
			switch g.pick(enModTypo, enModOCR, enModPhonetic, enModMissing, enModSwapNames, enModNickname, enModDate, enModDigits, enModEmail) {
			case 0:
				f := []int{1, 2, 2, 4, 6}[g.intn(5)]
				if v[f] != "" {
					v[f] = m.typo(v[f])
					noise |= NoiseTypo
				}
			case 1:
				f := []int{1, 2, 4, 6}[g.intn(4)]
				if s, ok := m.ocr(v[f]); ok {
					v[f] = s
					noise |= NoiseOCR
				}
			case 2:
				f := []int{1, 2, 2, 6}[g.intn(4)]
				if s, ok := m.phonetic(v[f]); ok {
					v[f] = s
					noise |= NoisePhonetic
				}
			case 3:
				switch f := []int{1, 2, 3, 4, 5, 6, 7, 9, 10, 11}[g.intn(10)]; {
				case f == 1 || f == 2:
					if v[f] != "" {
						v[f] = ""
						noise |= NoiseMissingName
					}
				case f == 9:
					if dob[0] != 0 {
						dob = [3]int{}
						noise |= NoiseMissingBirthDate
					}
				case f == 10:
					if v[f] != "" {
						v[f] = ""
						noise |= NoiseMissingPhone
					}
				case f == 11:
					if v[f] != "" {
						v[f] = ""
						noise |= NoiseMissingEmail
					}
				case f == 7:
					if v[f] != "" {
						v[f] = ""
						noise |= NoiseMissingPostal
					}
				default:
					if v[f] != "" {
						v[f] = ""
						noise |= NoiseMissingAddress
					}
				}
			case 4:
				v[1], v[2] = v[2], v[1]
				noise |= NoiseSwapNames
			case 5:
				if len(p.given.nicknames) > 0 && v[1] == p.given.name {
					v[1] = p.given.nicknames[g.intn(len(p.given.nicknames))]
					noise |= NoiseNickname
				}
			case 6:
				if dob[0] == 0 {
					break
				}
				if dob[2] <= 12 && dob[2] != dob[1] && g.p(0.6) {
					dob[1], dob[2] = dob[2], dob[1]
					noise |= NoiseSwapDayMonth
				} else {
					dob[2] = 1 + (dob[2]+g.intn(5))%daysIn(dob[0], dob[1])
					noise |= NoiseBirthDateTypo
				}
			case 7:
				switch g.intn(3) {
				case 0:
					if v[7] != "" {
						v[7] = digitTypo(g, v[7])
						noise |= NoisePostalTypo
					}
				case 1:
					if len(v[10]) > 2 {
						v[10] = v[10][:2] + digitTypo(g, v[10][2:]) // keep the area code
						noise |= NoisePhoneTypo
					}
				default:
					if v[3] != "" {
						v[3] = digitTypo(g, v[3])
						noise |= NoiseTypo
					}
				}
			default:
				if g.p(0.5) && v[11] != "" {
					v[11] = m.typo(v[11])
					noise |= NoiseEmailTypo
				} else {
					v[11] = m.email(p)
					noise |= NoiseEmailChanged
				}
			}
		}
	}
	miss(enRateMissingGiven, 1, NoiseMissingName)
	miss(enRateMissingStreet, 3, NoiseMissingAddress)
	miss(enRateMissingPhone, 10, NoiseMissingPhone)
	miss(enRateMissingEmail, 11, NoiseMissingEmail)
	if dob[0] != 0 && !g.e(enRateMissingDOB) {
		v[9] = pad4(dob[0]) + pad2(dob[1]) + pad2(dob[2])
	} else if dob[0] != 0 {
		noise |= NoiseMissingBirthDate
	}
	if v[10] != "" {
		v[10] = v[10][:2] + " " + v[10][2:6] + " " + v[10][6:]
	}
	return Record{EntityID: p.entityID, Values: v, Dup: dup, Noise: noise}
}

// auAreaCode returns the trunk area code of an Australian state.
func auAreaCode(state string) string {
	switch state {
	case "nsw", "act":
		return "02"
	case "vic", "tas":
		return "03"
	case "qld":
		return "07"
	}
	return "08"
}

func digitTypo(g *generator, s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	i := g.intn(len(b))
	if b[i] >= '0' && b[i] <= '9' {
		b[i] = byte('0' + (int(b[i]-'0')+1+g.intn(9))%10)
	}
	return string(b)
}

// qwerty neighbours of each lower-case letter.
var qwertyNeighbours = [26]string{
	"qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn", "jiolm", "kop",
	"njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb", "qase", "zsdc", "tghu", "asx",
}

// typo makes one keyboard slip: insertion, deletion, substitution by a
// neighbouring key or transposition.
func (m *enMaker) typo(s string) string {
	g := m.g
	b := []byte(s)
	i := g.intn(len(b))
	neighbour := func(c byte) byte {
		if c >= 'a' && c <= 'z' {
			n := qwertyNeighbours[c-'a']
			return n[g.intn(len(n))]
		}
		return byte('a' + g.intn(26))
	}
	switch g.intn(4) {
	case 0:
		return string(b[:i]) + string(neighbour(b[i])) + string(b[i:])
	case 1:
		if len(b) > 2 {
			return string(b[:i]) + string(b[i+1:])
		}
		fallthrough
	case 2:
		b[i] = neighbour(b[i])
		return string(b)
	}
	if i+1 < len(b) && b[i] != b[i+1] {
		b[i], b[i+1] = b[i+1], b[i]
		return string(b)
	}
	b[i] = neighbour(b[i])
	return string(b)
}

var ocrPairs = [][2]string{{"o", "0"}, {"l", "1"}, {"s", "5"}, {"b", "8"}, {"z", "2"}, {"m", "rn"}, {"d", "cl"}, {"w", "vv"}, {"g", "q"}, {"e", "c"}, {"u", "v"}, {"h", "b"}, {"i", "l"}}

var phoneticPairs = [][2]string{{"ph", "f"}, {"ck", "k"}, {"ie", "y"}, {"c", "k"}, {"s", "z"}, {"mc", "mac"}, {"ou", "ow"}, {"ai", "ay"}, {"ey", "y"}, {"th", "t"}, {"ee", "ea"}, {"tt", "t"}, {"ll", "l"}, {"nn", "n"}, {"ss", "s"}, {"er", "a"}}

func (m *enMaker) ocr(s string) (string, bool) { return m.replacePair(s, ocrPairs) }

func (m *enMaker) phonetic(s string) (string, bool) { return m.replacePair(s, phoneticPairs) }

// replacePair replaces one occurrence of one side of a pair by the other,
// trying the pairs from a random start.
func (m *enMaker) replacePair(s string, pairs [][2]string) (string, bool) {
	if s == "" {
		return s, false
	}
	start := m.g.intn(len(pairs))
	for k := range pairs {
		p := pairs[(start+k)%len(pairs)]
		for _, dir := range [2][2]string{{p[0], p[1]}, {p[1], p[0]}} {
			if i := strings.Index(s, dir[0]); i >= 0 {
				return s[:i] + dir[1] + s[i+len(dir[0]):], true
			}
		}
	}
	return s, false
}
