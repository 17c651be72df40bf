package pipeline

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/quality"
)

// dataQuality scores the 360 profiles: each profile gets a score from 0 to
// 100 with the reasons it lost points, and the dataset a report per rule
// and dimension, the consent coverage per channel among them.
func dataQuality(ctx context.Context, q *quickstart) error {
	q.heading("Data quality of the 360 profiles")
	var profiles []*customer.Profile
	for p, err := range q.engine.Profiles(ctx) {
		if err != nil {
			return fmt.Errorf("quality: %w", err)
		}
		profiles = append(profiles, p)
	}
	engine, err := quality.New(quality.Config{
		Rules: quality.ProfileRules(quality.ProfileConfig{MaxAge: staleAfter}),
		Now:   q.now,
	})
	if err != nil {
		return fmt.Errorf("quality: %w", err)
	}
	a, err := engine.Assess(ctx, quality.ProfileRecords(profiles))
	if err != nil {
		return fmt.Errorf("quality: %w", err)
	}
	r := a.Report
	q.printf("%d profiles, quality score %.1f / 100\n", r.Records, r.Score)
	for _, d := range quality.Dimensions() {
		if s, ok := r.Dimensions[d.String()]; ok {
			q.printf("  %-13s %5.1f\n", d, s)
		}
	}
	q.printf("Rules that do not pass (threshold: pass ≥ 95%%, warn ≥ 80%%):\n")
	var noData []string
	for _, rule := range r.Rules {
		if rule.Status == quality.StatusNoData {
			noData = append(noData, rule.Name) // checked no profile: nothing to pass or fail
			continue
		}
		if rule.Status == quality.StatusPass {
			continue
		}
		example := ""
		if len(rule.Samples) > 0 {
			example = "  e.g. " + rule.Samples[0].RecordID
		}
		q.printf("  %-4s %-36s %2d of %2d fail%s\n", rule.Status, rule.Name, rule.Failed, rule.Passed+rule.Failed, example)
	}
	if len(noData) > 0 {
		q.printf("No data to check (no_data): %s\n", strings.Join(noData, ", "))
	}
	results := make([]quality.RecordResult, a.Len())
	for i := range results {
		results[i] = a.Record(i)
	}
	slices.SortStableFunc(results, func(x, y quality.RecordResult) int {
		if x.Score != y.Score {
			if x.Score < y.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(x.RecordID, y.RecordID)
	})
	q.printf("Lowest-scoring profiles:\n")
	for _, res := range results[:min(3, len(results))] {
		q.printf("  %s %5.1f  %s\n", res.RecordID, res.Score, strings.Join(res.Reasons, ", "))
	}
	cov := quality.ConsentCoverage(profiles, customer.PurposeMarketing, q.now)
	q.printf("Marketing consent known for:")
	for _, ch := range customer.Channels() {
		if c, ok := cov[ch]; ok {
			q.printf(" %s %d/%d", ch, c.OptIn+c.OptOut, c.ContactPoints)
		}
	}
	q.printf("\n")
	return nil
}
