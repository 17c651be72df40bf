package normalize_test

import (
	"fmt"

	"github.com/c360/c360/quality/normalize"
)

func ExampleParseAddress() {
	for _, s := range []string{
		"〒100-0005 東京都千代田区丸の内一丁目２番３号　ニュー八重洲ビル５Ｆ",
		"横浜市西区みなとみらい2丁目3-1",
		"北海道倶知安町北1条西2丁目3番地4",
	} {
		a, err := normalize.ParseAddress(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s|%s|%v|%s|%s|%s\n", a.Prefecture, a.Municipality, a.PrefectureGuessed, a.Town, a.Block, a.Building)
	}
	// Output:
	// 東京都|千代田区|false|丸の内|1-2-3|ニュー八重洲ビル5F
	// 神奈川県|横浜市西区|true|みなとみらい|2-3-1|
	// 北海道|虻田郡倶知安町|false|北一条西|2-3-4|
}

func ExampleKanjiNumber() {
	for _, s := range []string{"二十三", "千二百", "二〇二六", "十十"} {
		n, err := normalize.KanjiNumber(s)
		fmt.Println(n, err)
	}
	// Output:
	// 23 <nil>
	// 1200 <nil>
	// 2026 <nil>
	// 0 normalize: invalid text "十十": malformed kanji numeral: unit out of order
}

func ExamplePrefectures() {
	p := normalize.Prefectures()
	fmt.Println(len(p), p[0], p[12], p[46])
	// Output: 47 北海道 東京都 沖縄県
}
