package normalize_test

import (
	"errors"
	"fmt"

	"github.com/c360/c360/quality/normalize"
)

func ExampleKey() {
	kind, _ := normalize.ParseKind("postal_code")
	key, err := normalize.Key(kind, "〒１００－０００５")
	fmt.Println(key, err)
	_, err = normalize.Key(kind, "100-000")
	fmt.Println(errors.Is(err, normalize.ErrInvalid), err)
	// Output:
	// 1000005 <nil>
	// true normalize: invalid postal_code "100-000": want 7 digits, got 6
}

func ExampleParseEmail() {
	e, _ := normalize.ParseEmail(" Taro.Yamada＠Example．CO．JP ")
	fmt.Println(e.Address)
	fmt.Println(e.Key)
	// Output:
	// Taro.Yamada@example.co.jp
	// taro.yamada@example.co.jp
}

func ExampleParsePostalCode() {
	p, _ := normalize.ParsePostalCode("〒１００－０００５")
	fmt.Println(p.Code, p.Key)
	// Output: 100-0005 1000005
}
