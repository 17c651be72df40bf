package normalize_test

import (
	"errors"
	"fmt"

	"github.com/c360/c360/quality/normalize"
)

func ExampleParsePhone() {
	for _, s := range []string{
		"TEL：（０３）１２３４－５６７８ 内線１２",
		"+81 (0)90-1234-5678",
		"0120-123-456",
		"+44 20 7946 0958",
	} {
		p, err := normalize.ParsePhone(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(p.E164, p.Type, p.AreaName, p.Extension, p.Format())
	}
	_, err := normalize.ParsePhone("090-1234-567")
	fmt.Println(errors.Is(err, normalize.ErrInvalid), err)
	// Output:
	// +81312345678 fixed 東京 12 03-1234-5678 内線 12
	// +819012345678 mobile   090-1234-5678
	// +81120123456 toll_free   0120-123-456
	// +442079460958 unknown   +442079460958
	// true normalize: invalid phone "090-1234-567": a Japanese mobile number with prefix 0901 has 11 digits, got 10
}

func ExampleParsePhoneRegion() {
	p, _ := normalize.ParsePhoneRegion("(212) 555-0100", "1")
	fmt.Println(p.E164)
	// Output: +12125550100
}
