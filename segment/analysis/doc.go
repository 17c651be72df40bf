// Package analysis scores customers and items: RFM (recency, frequency,
// monetary) scores and named cells, Pareto/ABC analysis, and scenario
// priorities. Its functions take plain numbers — it imports no other package
// of the SDK — so a host can use them on figures from anywhere; package
// segment builds the RFM inputs from touchpoints.
//
// RFM scores recency, frequency and monetary value by quantiles (mid-rank,
// so ties share a score and a lone customer scores the middle) or
// thresholds, over the customers who bought — the others are reported
// apart in the cell no_purchase — and names cells (champions, loyal,
// at_risk, hibernating, …; DefaultCells).
//
// Pareto ranks customers, products or scenarios by value: the cumulative
// curve, the fewest items that make a share of the value (is it really
// 80:20?), ABC classes, the Gini coefficient (to within one unit in the last
// place) and an SVG chart. Values whose sum overflows a float64 are an error
// (ErrBadValue), never a NaN.
//
// Prioritize places scenarios on the business value × implementation
// difficulty grid (quick wins, major projects, fill-ins, thankless tasks)
// and orders the backlog.
//
// Start with RFM and Pareto. The command-line tool exposes them as c360 rfm
// and c360 pareto.
package analysis
