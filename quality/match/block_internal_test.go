package match

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

// A rule whose blocks are too big for the data is replaced by its finer
// versions, in order, until it pairs few enough records; a rule that is
// selective enough is kept; without refinement every rule is kept.
func TestBlockRefinement(t *testing.T) {
	fields := []Field{{"given", KindGivenName}, {"family", KindFamilyName}, {"postcode", KindPostalCode}, {"dob", KindDate}}
	m, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	// 600 records in one postcode: family names s0…s29, given names
	// g0…g19, all with initials "s" and "g"; birth dates all different.
	var recs []Record
	for i := range 600 {
		recs = append(recs, Record{ID: fmt.Sprint(i), Values: []string{
			fmt.Sprintf("g%d", i%20), fmt.Sprintf("s%d", i%30), "2000", fmt.Sprintf("19%02d-%02d-%02d", 40+i%50, 1+i%12, 1+i%28)}})
	}
	d, err := m.prepareSet(t.Context(), recs, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := func(rs []blockRule) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.name)
		}
		return out
	}
	choose := func(refine bool, limit int) (used []blockRule, entries [][]blockEntry) {
		for _, r := range m.blockRules() {
			es, u := chooseBlocks(r, d, refine, limit, 100, 8, maphash.MakeSeed(), 2)
			used = append(used, u)
			entries = append(entries, es)
		}
		return used, entries
	}
	kept, _ := choose(false, refineLimit(len(recs)))
	want := []string{"postal_code+initial", "date+initial", "family_name+given_initial", "name_bigram_lsh"}
	if diff := gocmp.Diff(want, names(kept)); diff != "" {
		t.Errorf("rules without refinement (-want +got):\n%s", diff)
	}
	// A limit of 2 pairs per record: postal_code+initial (blocks of 600) is
	// refined to the postcode with the whole family or given name (blocks
	// of 20 and 30: 14,400 pairs, still too many), then to its finest
	// version, then qualified by the birth year and the initials (not by
	// the postcode again); the name LSH (one name set per 600 combinations)
	// to its finest and the initials; date+initial and
	// family_name+given_initial (qualified by the birth year) are selective
	// enough and stay.
	used, entries := choose(true, 2*len(recs))
	want = []string{"postal_code+name+initial+birth_year+initials", "date+initial", "family_name+given_initial", "name_bigram_lsh+birth_year+postal_code+initials"}
	if diff := gocmp.Diff(want, names(used)); diff != "" {
		t.Errorf("refined rules (-want +got):\n%s", diff)
	}
	for ri, es := range entries {
		for i := 1; i < len(es); i++ {
			if es[i].key < es[i-1].key || es[i].key == es[i-1].key && es[i].rec < es[i-1].rec {
				t.Fatalf("rule %d: entries not sorted by key then record at %d", ri, i)
			}
		}
	}
	for ri, r := range used {
		if r.finer != nil {
			t.Errorf("rule %d (%s) still lists finer versions", ri, r.name)
		}
	}
}

// The parallel sorts agree with the standard library's, on hashed keys,
// on small dense keys (packed pairs) and with many equal keys.
func TestParallelSorts(t *testing.T) {
	x := uint64(88172645463325252)
	rnd := func() uint64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
	for _, tc := range []struct {
		name string
		key  func(i int) uint64
	}{
		{"hashes", func(int) uint64 { return rnd() }},
		{"pairs", func(int) uint64 { a, b := rnd()%300000, rnd()%300000; return pack(uint32(a), uint32(b)) }},
		{"few keys", func(int) uint64 { return rnd() % 7 << 40 }},
		{"zero", func(int) uint64 { return 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 200000
			es := make([]blockEntry, n)
			ps := make([]uint64, n)
			for i := range es {
				es[i] = blockEntry{key: tc.key(i), rec: uint32(rnd() % n)}
				ps[i] = tc.key(i)
			}
			wantE := slices.Clone(es)
			slices.SortFunc(wantE, func(a, b blockEntry) int {
				if c := cmp.Compare(a.key, b.key); c != 0 {
					return c
				}
				return cmp.Compare(a.rec, b.rec)
			})
			if diff := gocmp.Diff(wantE, sortEntries([][]blockEntry{es[:n/3], es[n/3 : n/2], es[n/2:]}, 3), gocmp.AllowUnexported(blockEntry{})); diff != "" {
				t.Errorf("sortEntries (-want +got):\n%.2000s", diff)
			}
			wantP := slices.Clone(ps)
			slices.Sort(wantP)
			wantP = slices.Compact(wantP)
			if diff := gocmp.Diff(wantP, sortPairs(ps, 2)); diff != "" {
				t.Errorf("sortPairs (-want +got):\n%.2000s", diff)
			}
		})
	}
}

// A block of more records than splitSize is split by the rule's qualifiers
// in turn until its parts are small enough; a small block is kept whole.
func TestSplitBlocks(t *testing.T) {
	fields := []Field{{"email", KindEmail}, {"family", KindFamilyName}, {"postcode", KindPostalCode}, {"dob", KindDate}}
	m, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	// 40 records share one address: 20 born in 1980, 20 in 1990, each
	// year in 5 postcodes of 4 records. 5 more share another address.
	var recs []Record
	for i := range 40 {
		recs = append(recs, Record{ID: fmt.Sprint(i), Values: []string{
			"family@example.com", "smith", fmt.Sprintf("10%d0", i%5), fmt.Sprintf("%d-01-%02d", 1980+10*(i/20), 1+i%28)}})
	}
	for i := range 5 {
		recs = append(recs, Record{ID: fmt.Sprint(40 + i), Values: []string{"other@example.com", "jones", "2000", fmt.Sprintf("1970-02-%02d", 1+i)}})
	}
	d, err := m.prepareSet(t.Context(), recs, 0)
	if err != nil {
		t.Fatal(err)
	}
	email := m.blockRules()[0]
	if email.name != "email" {
		t.Fatalf("first rule %q, want email", email.name)
	}
	seed := maphash.MakeSeed()
	es := sortEntries(ruleEntries(email, d, seed, 2), 2)
	es = splitBlocks(es, email.split, d, seed, 2)
	var sizes []int
	for s := 0; s < len(es); {
		e := s + 1
		for e < len(es) && es[e].key == es[s].key {
			e++
		}
		sizes = append(sizes, e-s)
		s = e
	}
	slices.Sort(sizes)
	want := []int{4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5}
	if diff := gocmp.Diff(want, sizes); diff != "" {
		t.Errorf("block sizes after the split (-want +got):\n%s", diff)
	}
}

// A woman who took her husband's family name on marriage shares with her
// earlier record only her given name, her address and her birth date: the
// postal code, date and address rules key on the given name's first runes
// too, so the two records are still a candidate pair. Another member of the
// household (other given name) is not paired by those rules.
func TestBlockingFindsMarriedNames(t *testing.T) {
	fields := []Field{{"family", KindFamilyName}, {"given", KindGivenName}, {"family_kana", KindNameKana}, {"given_kana", KindNameKana},
		{"dob", KindDate}, {"postal", KindPostalCode}, {"address", KindAddress}}
	m, err := New(Config{Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewScorer(nil)
	if err != nil {
		t.Fatal(err)
	}
	before := Record{ID: "a", Values: []string{"吉田", "利恵", "ヨシダ", "リエ", "1969-03-26", "839-0263", "福岡県柳川市大和町大坪1141"}}
	married := Record{ID: "b", Values: []string{"伊藤", "利恵", "イトウ", "リエ", "1969-03-26", "839-0263", "福岡県柳川市大和町大坪1141"}}
	husband := Record{ID: "c", Values: []string{"伊藤", "健一", "イトウ", "ケンイチ", "1966-11-02", "839-0263", "福岡県柳川市大和町大坪1141"}}
	shared := func(x, y Record) []string {
		kx, err := s.Keys(x)
		if err != nil {
			t.Fatal(err)
		}
		ky, err := s.Keys(y)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, k := range kx {
			if slices.Contains(ky, k) {
				out = append(out, k[:len(k)-17]) // the rule's name
			}
		}
		return out
	}
	want := []string{"address+initial", "date+initial", "postal_code+initial"}
	if diff := gocmp.Diff(want, shared(before, married)); diff != "" {
		t.Errorf("rules pairing the married name (-want +got):\n%s", diff)
	}
	if got := shared(before, husband); len(got) != 0 {
		t.Errorf("rules pairing another household member with another family name: %v, want none", got)
	}
}
