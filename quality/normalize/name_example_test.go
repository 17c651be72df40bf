package normalize_test

import (
	"fmt"

	"github.com/c360/c360/quality/normalize"
)

func ExampleParsePersonName() {
	for _, s := range []string{"髙橋　一郎", "佐々木みなみ", "ﾔﾏﾀﾞ ﾀﾛｳ", "YAMADA Tarou", "Taro Yamada"} {
		p, _ := normalize.ParsePersonName(s)
		fmt.Printf("%s | %s | %s | %s%s | %s\n", s, p.Family, p.Given, p.FamilyKana, p.GivenKana, p.Key)
	}
	// Output:
	// 髙橋　一郎 | 高橋 | 一郎 |  | 高橋一郎
	// 佐々木みなみ | 佐佐木 | みなみ |  | 佐佐木みなみ
	// ﾔﾏﾀﾞ ﾀﾛｳ | ヤマダ | タロウ | ヤマダタロウ | ヤマダタロウ
	// YAMADA Tarou | YAMADA | Tarou |  | taroyamada
	// Taro Yamada | Yamada | Taro |  | taroyamada
}

func ExampleFoldNameVariants() {
	fmt.Println(normalize.FoldNameVariants("髙橋"), normalize.FoldNameVariants("山﨑"), normalize.FoldNameVariants("渡邊"),
		normalize.FoldNameVariants("齋藤"), normalize.FoldNameVariants("佐々木"))
	// Output: 高橋 山崎 渡辺 斎藤 佐佐木
}
