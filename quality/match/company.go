package match

import "strings"

// How two company names (as keys, without their legal forms) relate.
const (
	unrelatedCompany = iota // nothing to say beyond their similarity
	sameCompany             // one is a branch of the other (大阪支店, 営業所)
	otherCompany            // one adds a business word to the other: a sister company or a subsidiary
)

// companyRelation tells a branch from a sister company. Past the part two
// names share (at the start, the end or both), a branch word ending what
// is left (支店, 営業所, "branch" …) keeps it the same legal entity, and a
// business word (物流, 不動産, ホールディングス, 第一, "japan", "holdings" …)
// makes it another one: エムアイ食品, エムアイ食品物流 and エムアイ食品
// ホールディングス share an office and a main number, yet are three companies.
func companyRelation(a, b string) int {
	if a == b {
		return unrelatedCompany
	}
	ra, rb := []rune(a), []rune(b)
	p := 0 // common prefix
	for p < len(ra) && p < len(rb) && ra[p] == rb[p] {
		p++
	}
	q := 0 // common suffix, not overlapping the prefix
	for q < len(ra)-p && q < len(rb)-p && ra[len(ra)-1-q] == rb[len(rb)-1-q] {
		q++
	}
	if p+q < 2 {
		return unrelatedCompany // no common core
	}
	restA := strings.Trim(string(ra[p:len(ra)-q]), " 　・,.-()（）")
	restB := strings.Trim(string(rb[p:len(rb)-q]), " 　・,.-()（）")
	branch := func(r string) bool {
		for _, w := range branchWords {
			if strings.HasSuffix(r, w) {
				return true
			}
		}
		return false
	}
	business := func(r string) bool {
		for _, w := range businessWords {
			if strings.Contains(r, w) {
				return true
			}
		}
		return false
	}
	switch {
	case (restA == "" || branch(restA)) && (restB == "" || branch(restB)):
		return sameCompany
	case business(restA) || business(restB):
		return otherCompany
	}
	return unrelatedCompany
}

// branchWords end the name of an office of a company, not of another one.
var branchWords = []string{"支店", "営業所", "出張所", "支社", "事業所", "本店", "本社", "branch", "office"}

// businessWords name a line of business or a place in a group that is
// usually a company of its own: added to a company's name, they name
// another company of the group. Words often dropped from a name informally
// (商事, 工業, 食品 …) are not among them. Keys are lower case and
// width-folded.
var businessWords = []string{
	"ホールディングス", "ホールディング", "グループ", "物流", "運輸", "建設", "不動産", "開発", "ファイナンス", "リース",
	"保険", "証券", "銀行", "ロジスティクス", "エンジニアリング", "マネジメント", "インターナショナル", "ジャパン",
	"第一", "第二", "第三", "東日本", "西日本",
	"holdings", "holding", "group", "japan", "logistics", "realty", "properties", "finance", "capital",
	"international", "engineering", "construction", "development", "insurance",
}
