// Package normalize turns the strings of customer data into canonical forms
// and comparison keys, Japanese first: full- and half-width text, hiragana and
// katakana, variant kanji, company legal forms written a dozen ways, phone
// numbers and addresses in every notation.
//
// Each normaliser returns a value with its parts and a comparison key, and an
// error for input that cannot be what it claims to be: an *Error naming the
// Kind, the input and the reason, which wraps ErrInvalid (test with
// errors.Is). Keys are idempotent: normalising a key as the same kind gives
// the key back, so keys can be stored and compared later.
//
// # Map of the package
//
// Free text (text.go):
//   - Text: NFKC-class width and compatibility folding, half-width kana to
//     full width with voiced marks composed, dashes read in context, spaces
//     collapsed, variation selectors dropped. Every other normaliser starts
//     with it. TextKey adds case folding and drops spaces.
//
// Readings (kana.go):
//   - Katakana (hiragana → katakana) and KanaKey, a reading key with
//     switchable looser folds (KanaFold: FoldSmallKana, FoldVu, FoldDiDu,
//     FoldLongMark).
//
// People (name.go, namevariants.go, name_romaji.go, name_surnames.go):
//   - ParsePersonName: family/given split in Japanese order (an embedded list
//     of about 300 common surnames splits names written without a space),
//     readings, Latin names in either order, a compact key;
//     ParseNameKana for フリガナ fields; FoldNameVariants folds variant kanji
//     (髙→高, 﨑→崎, 邊→辺, …) and iteration marks (々).
//
// Organisations (company.go, corpnum.go):
//   - ParseCompany: the legal form (株式会社, (株), ㈱, 有限会社, 一般社団法人, the
//     bank-transfer カ) and (ｶ, Co., Ltd., K.K., Inc. …), its position and
//     the core name, with a key that ignores the form.
//   - CorporateNumber: a 13-digit 法人番号 with its check digit.
//
// Contact points:
//   - ParseEmail (email.go) and ParsePostalCode (postal.go).
//   - ParsePhone and ParsePhoneRegion (phone.go): any common notation to
//     E.164, with the number type (mobile, landline with its area, IP,
//     toll-free, navi-dial) and extension.
//   - ParseAddress (address.go): prefecture, municipality, town, 丁目-番-号
//     block and building, using embedded tables of the prefectures
//     (Prefectures) and municipalities generated from ../shared/data by
//     internal/gen; KanjiNumber (kanjinum.go) reads kanji numerals.
//
// Choosing by name (kind.go):
//   - Kind, ParseKind and Key pick the normaliser for a field by name
//     ("person_name", "company", "phone", …); the c360 normalize command is
//     built on them.
//
// The postal-code table (code → prefecture, municipality, town) lives in the
// sub-package jppostal, so that only its users pay for its size.
//
// Phone, address, kanji numerals and the reference tables are maintained
// separately from the text, name, company, e-mail and postal-code parts;
// both halves share Text and Error.
//
// All functions are pure and safe for concurrent use; the package has no
// mutable state (the surname and variant tables are built once and only
// read).
package normalize
