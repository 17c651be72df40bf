package normalize_test

import (
	"fmt"

	"github.com/c360/c360/quality/normalize"
)

func ExampleText() {
	fmt.Println(normalize.Text("ｶﾌﾞｼｷｶﾞｲｼｬ　ＡＢＣ"))
	fmt.Println(normalize.Text("東京都港区１ー２ー３"))
	fmt.Println(normalize.Text("ｺﾝﾋﾟｭｰﾀ-"))
	fmt.Println(normalize.Text("①㈱ Ⅳ 10〜20"))
	// Output:
	// カブシキガイシャ ABC
	// 東京都港区1-2-3
	// コンピューター
	// 1(株) IV 10~20
}

func ExampleTextKey() {
	fmt.Println(normalize.TextKey("ＡＢＣ 商事") == normalize.TextKey("abc商事"))
	// Output: true
}

func ExampleKanaKey() {
	a, _ := normalize.KanaKey("きゃのん", 0)
	b, _ := normalize.KanaKey("ｷﾔﾉﾝ", 0)
	fmt.Println(a, b)
	a, _ = normalize.KanaKey("きゃのん", normalize.FoldSmallKana)
	b, _ = normalize.KanaKey("ｷﾔﾉﾝ", normalize.FoldSmallKana)
	fmt.Println(a, b)
	_, err := normalize.KanaKey("山田", 0)
	fmt.Println(err)
	// Output:
	// キャノン キヤノン
	// キヤノン キヤノン
	// normalize: invalid kana "山田": not a kana reading: contains '山'
}
