package normalize_test

import (
	"fmt"

	"github.com/c360/c360/quality/normalize"
)

func ExampleParseCompany() {
	for _, s := range []string{"株式会社ABC", "ABC(株)", "ＡＢＣ㈱", "ABC Co., Ltd.", "ｴｰﾋﾞｰｼｰ(ｶ", "(一社)日本ABC協会", "ひまわりかぶしきがいしゃ", "ｶﾌﾞｼｷｶﾞｲｼｬﾋﾏﾜﾘ"} {
		c, _ := normalize.ParseCompany(s)
		fmt.Printf("%s | %s | %v | %s | %s\n", s, c.Form, c.Position, c.Core, c.Key)
	}
	// Output:
	// 株式会社ABC | 株式会社 | prefix | ABC | abc
	// ABC(株) | 株式会社 | suffix | ABC | abc
	// ＡＢＣ㈱ | 株式会社 | suffix | ABC | abc
	// ABC Co., Ltd. | Co., Ltd. | suffix | ABC | abc
	// ｴｰﾋﾞｰｼｰ(ｶ | 株式会社 | suffix | エービーシー | エービーシー
	// (一社)日本ABC協会 | 一般社団法人 | prefix | 日本ABC協会 | 日本abc協会
	// ひまわりかぶしきがいしゃ | 株式会社 | suffix | ひまわり | ヒマワリ
	// ｶﾌﾞｼｷｶﾞｲｼｬﾋﾏﾜﾘ | 株式会社 | prefix | ヒマワリ | ヒマワリ
}

func ExampleCorporateNumber() {
	n, err := normalize.CorporateNumber("T7000-0120-50002")
	fmt.Println(n, err)
	_, err = normalize.CorporateNumber("8000012050002")
	fmt.Println(err)
	// Output:
	// 7000012050002 <nil>
	// normalize: invalid corporate_number "8000012050002": check digit is 8, want 7
}
