// Package jppostal looks up Japanese postal codes (郵便番号): whether a code
// exists and which prefecture, municipality and town (町域) it serves.
//
// Start with [Lookup]. The table is Japan Post's postal-code data (see
// NOTICE): 124,511 rows for 120,680 codes, embedded in packed form in
// zz_generated_postal.bin (a frequency-sorted character dictionary, 2.2 MB
// instead of the 10 MB CSV). It adds about 2.3 MB to a binary, which is why
// it lives in a package of its own rather than in quality/normalize. The table is read-only; every function is safe
// for concurrent use.
//
// The data does not include business postal codes (大口事業所個別番号), and it
// changes monthly: regenerate with `go generate` in quality/normalize.
package jppostal
