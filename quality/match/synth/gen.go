package synth

//go:generate go run ../../../internal/gen/synthdata -data ../../../../shared/data/jp-reference -out zz_places.go

// landline is a landline number prefix (national form, leading 0) and the
// length of its area code (市外局番) including the 0.
type landline struct {
	digits  string
	areaLen uint8
}

// place is one real postal-code row: code (7 digits), prefecture index,
// municipality, town, whether the town has 丁目, and the range of its
// landline prefixes in landlines.
type place struct {
	code             string
	pref             uint8
	city, town       string
	chome            bool
	phoneLo, phoneHi uint16
}
