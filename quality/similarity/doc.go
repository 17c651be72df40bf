// Package similarity scores how alike two strings, numbers or dates are.
//
// It is the comparison layer under the matching engine: callers first bring
// values to a canonical form (see package quality/normalize, e.g.
// normalize.TextKey) and then ask how close the canonical forms are. The
// package imports nothing else from the SDK.
//
// Every measure works on Unicode code points (runes), not bytes, so a
// Japanese name of three kanji has length three; invalid UTF-8 bytes count as
// one U+FFFD each. Every measure is symmetric (f(a, b) == f(b, a) exactly),
// and every similarity lies in [0, 1] with 1 for identical input. Nothing
// folds case or width: normalise first.
//
// The measures, by family:
//
//   - Character order with a matching window: [Jaro], [JaroWinkler] and
//     [JaroWinklerWith] (tunable prefix boost). Good for short names and
//     typos; Jaro–Winkler rewards a shared prefix.
//   - Edit distances: [Levenshtein] (insert, delete, substitute) and [OSA]
//     (Damerau–Levenshtein restricted to optimal string alignment, which also
//     counts an adjacent transposition as one edit), with the normalised
//     [LevenshteinSimilarity] and [OSASimilarity]. [LongestCommonSubstring]
//     gives the longest shared run of runes.
//   - Bags of character q-grams: [QGramJaccard] and [QGramDice], robust to
//     reordered parts of a string (addresses, company names).
//   - Whitespace tokens: [TokenSet], which ignores token order and repeated
//     tokens and scores 1 when the tokens of one side are a subset of the
//     other's.
//   - Quantities: [NumericCloseness] and [DateCloseness], linear from 1 at
//     equality down to 0 at a caller-given scale.
//
// # Performance
//
// The string measures do not allocate when both inputs have at most 64 runes
// (the edit distances and LongestCommonSubstring need only the shorter input
// to fit): they decode into fixed-size arrays on the stack and use
// bit-parallel algorithms (Myers and Hyyrö for the edit distances and the
// LCS inside TokenSet, bit masks for the Jaro matching window).
// Longer inputs fall back to heap-allocated buffers and classic dynamic
// programming. All functions are pure and safe for concurrent use.
package similarity
