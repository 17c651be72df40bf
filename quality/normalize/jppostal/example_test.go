package jppostal_test

import (
	"fmt"

	"github.com/c360/c360/quality/normalize/jppostal"
)

func ExampleLookup() {
	for _, p := range jppostal.Lookup("〒１００－０００５") {
		fmt.Println(p.Prefecture, p.Municipality, p.Town, p.TownKana)
	}
	// A code shared by two prefectures.
	for _, p := range jppostal.Lookup("498-0000") {
		fmt.Printf("%s %s %q\n", p.Prefecture, p.Municipality, p.Town)
	}
	fmt.Println(jppostal.Lookup("000-0000") == nil)
	// Output:
	// 東京都 千代田区 丸の内（次のビルを除く） マルノウチ（ツギノビルヲノゾク）
	// 愛知県 弥富市 ""
	// 三重県 桑名郡木曽岬町 ""
	// true
}
