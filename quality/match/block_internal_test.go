package match

import (
	"fmt"
	"hash/maphash"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	_, kept := blockEntries(m.blockRules(), d, false, 0, 100, 8, maphash.MakeSeed(), 2)
	want := []string{"postal_code+initial", "date+initial", "family_name+given_initial", "name_bigram_lsh"}
	if diff := cmp.Diff(want, names(kept)); diff != "" {
		t.Errorf("rules without refinement (-want +got):\n%s", diff)
	}
	// A limit of 2 pairs per record: postal_code+initial (blocks of 600) is
	// refined to the postcode with the whole family or given name (blocks
	// of 20 and 30: 14,400 pairs, still too many), then to its finest
	// version; the name LSH (one name set per 600 combinations) to its
	// finest; date+initial and family_name+given_initial (qualified by the
	// birth year) are selective enough and stay.
	es, used := blockEntries(m.blockRules(), d, true, 2*len(recs), 100, 8, maphash.MakeSeed(), 2)
	want = []string{"postal_code+name+initial", "date+initial", "family_name+given_initial", "name_bigram_lsh+birth_year+postal_code"}
	if diff := cmp.Diff(want, names(used)); diff != "" {
		t.Errorf("refined rules (-want +got):\n%s", diff)
	}
	for i := 1; i < len(es); i++ {
		if es[i].key < es[i-1].key || es[i].key == es[i-1].key && es[i].rec < es[i-1].rec {
			t.Fatalf("entries not sorted by key then record at %d", i)
		}
	}
	for ri, r := range used {
		if r.finer != nil {
			t.Errorf("rule %d (%s) still lists finer versions", ri, r.name)
		}
	}
}
