package main

import "fmt"

// linkScores are the pairwise figures of links against the truth: a link is
// a predicted match, a (left, right) pair of records of one entity a true
// match.
type linkScores struct {
	left, right    int   // records on each side
	truePairs      int64 // (left, right) pairs of one entity
	predictedPairs int64 // links
	correct        int64 // links between records of one entity
	maxOneToOne    int64 // the most true pairs one-to-one links can hold
}

// evalLinks measures the links of linksPath between the records of leftPath
// and rightPath (ID column idCol) against tr, and prints the figures.
func evalLinks(e *env, tr *truth, linksPath, leftPath, rightPath, idCol string) error {
	lt, err := loadTable(leftPath, idCol)
	if err != nil {
		return err
	}
	rt, err := loadTable(rightPath, idCol)
	if err != nil {
		return err
	}
	leftEnt, err := entities(tr, lt)
	if err != nil {
		return err
	}
	rightEnt, err := entities(tr, rt)
	if err != nil {
		return err
	}
	if err := tr.allUsed(leftPath + " or " + rightPath); err != nil {
		return err
	}
	s := linkScores{left: len(leftEnt), right: len(rightEnt)}
	nLeft, nRight := map[string]int64{}, map[string]int64{}
	for _, ent := range leftEnt {
		nLeft[ent]++
	}
	for _, ent := range rightEnt {
		nRight[ent]++
	}
	for ent, nl := range nLeft {
		nr := nRight[ent]
		s.truePairs += nl * nr
		s.maxOneToOne += min(nl, nr)
	}

	links, err := readTable(linksPath)
	if err != nil {
		return err
	}
	lc, err := links.Column("left_id")
	if err != nil {
		return fmt.Errorf("%s: %w", linksPath, err)
	}
	rc, err := links.Column("right_id")
	if err != nil {
		return fmt.Errorf("%s: %w", linksPath, err)
	}
	seen := make(map[[2]string]int, len(links.Rows))
	for i, row := range links.Rows {
		line := links.Lines[i]
		l, r := row[lc], row[rc]
		le, ok := leftEnt[l]
		if !ok {
			return fmt.Errorf("%s: line %d: left_id %q is not in %s", linksPath, line, l, leftPath)
		}
		re, ok := rightEnt[r]
		if !ok {
			return fmt.Errorf("%s: line %d: right_id %q is not in %s", linksPath, line, r, rightPath)
		}
		if first, dup := seen[[2]string{l, r}]; dup {
			return fmt.Errorf("%s: line %d: duplicate link %s,%s (first on line %d)", linksPath, line, l, r, first)
		}
		seen[[2]string{l, r}] = line
		s.predictedPairs++
		if le == re {
			s.correct++
		}
	}
	precision, recall, f1 := prf(s.correct, s.predictedPairs, s.truePairs)
	maxRecall := 1.0
	if s.truePairs > 0 {
		maxRecall = float64(s.maxOneToOne) / float64(s.truePairs)
	}
	fmt.Fprintf(e.stdout, "left_records\t%d\nright_records\t%d\ntrue_pairs\t%d\npredicted_pairs\t%d\ncorrect_pairs\t%d\nprecision\t%.4f\nrecall\t%.4f\nf1\t%.4f\nmax_recall_one_to_one\t%.4f\n",
		s.left, s.right, s.truePairs, s.predictedPairs, s.correct, precision, recall, f1, maxRecall)
	return nil
}

// entities maps each record ID of lt to its true entity; the error names the
// file and line of a record without one.
func entities(tr *truth, lt *loadedTable) (map[string]string, error) {
	out := make(map[string]string, len(lt.t.Rows))
	for i, row := range lt.t.Rows {
		ent, err := tr.entity(row[lt.id])
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", lt.path, lt.t.Lines[i], err)
		}
		out[row[lt.id]] = ent
	}
	return out, nil
}

// prf returns precision, recall and F1 from pair counts, with the
// conventions of match.Evaluate: precision (recall) is 1 when there are no
// predicted (true) pairs.
func prf(correct, predicted, truePairs int64) (precision, recall, f1 float64) {
	precision, recall = 1, 1
	if predicted > 0 {
		precision = float64(correct) / float64(predicted)
	}
	if truePairs > 0 {
		recall = float64(correct) / float64(truePairs)
	}
	if precision+recall > 0 {
		f1 = 2 * precision * recall / (precision + recall)
	}
	return precision, recall, f1
}
