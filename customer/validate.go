package customer

import "unicode/utf8"

// checkText returns why s is not acceptable text, or "".
func checkText(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	return ""
}
