// Package match resolves identities: it decides which records, from one
// table or from two, describe the same customer.
//
// Start with the field kinds: each column of a table is declared (or
// inferred with InferKinds) as a Kind such as KindFamilyName, KindEmail or
// KindPostalCode. The kind decides how values are normalised (through
// quality/normalize), which blocking keys they yield and how two values are
// compared.
package match
