// Package normalize turns the strings of customer data into canonical forms
// and comparison keys, Japanese first: full- and half-width text, hiragana and
// katakana, variant kanji, company legal forms written a dozen ways, phone
// numbers and addresses in every notation.
//
// Each normaliser returns a value with its parts and a comparison Key, and an
// error wrapping ErrInvalid (as an *Error naming the Kind and the reason) for
// input that cannot be what it claims to be. Keys are idempotent: normalising
// a key as the same kind gives the key back.
//
// Where to start:
//
//   - Text and TextKey: width, compatibility, kana-mark, dash and space folding
//     for any free text; every other normaliser starts with Text.
//   - Katakana and KanaKey: readings (フリガナ), with switchable looser folds
//     (KanaFold).
//   - ParsePersonName and FoldNameVariants: family/given split, readings,
//     variant kanji (髙→高, 﨑→崎, …), 々, romaji (Hepburn variants).
//   - ParseCompany: the legal form (株式会社, (株), ㈱, カ), Co., Ltd., …), its
//     position and the core name; CorporateNumber checks a 法人番号.
//   - ParsePostalCode and ParseEmail.
//   - ParsePhone (phone.go) and ParseAddress (address.go): phone numbers to
//     E.164 with their type, and addresses split into prefecture,
//     municipality, town, 丁目-番-号 block and building, using embedded
//     reference tables of prefectures, municipalities and phone number ranges.
//   - Kind, ParseKind and Key: pick a normaliser by name; the c360 normalize
//     command is built on them.
//
// The postal-code table (code → prefecture, municipality, town) lives in the
// sub-package jppostal, so that only its users pay for its size.
//
// All functions are pure and safe for concurrent use; the package has no
// mutable state.
package normalize
