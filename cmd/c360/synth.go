package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/c360/c360/quality/match/synth"
)

func init() {
	register(&command{
		name:    "synth",
		summary: "generate realistic customer records with known duplicates (ja or en)",
		run:     runSynth,
	})
}

const synthUsage = `--n N --seed S --locale ja|en --output records.csv [--truth truth.csv] [options]

Writes N synthetic customer records with known duplicates and the noise real
exports have. records.csv has the columns of synth.Header(locale):
  ja: record_id,family_name,given_name,family_kana,given_kana,birth_date,email,
      phone,postal_code,prefecture,address,company,source_system
  en: record_id,given_name,surname,street_number,address_1,address_2,suburb,
      postcode,state,date_of_birth,phone,email
truth.csv has record_id,entity_id. The same flags give byte-identical files.
--output - writes the records to standard output. Files are written under a
temporary name and renamed into place once complete, so a failed run leaves
no partial file; --output and --truth must name different files. The noise
model and its rates are documented in package
github.com/c360/c360/quality/match/synth.`

// errStopped ends generation early when writing has failed.
var errStopped = errors.New("stopped")

func runSynth(ctx context.Context, e *env) error {
	fs := newFlagSet(e, "synth", synthUsage)
	var cfg synth.Config
	var locale, output, truth string
	var withNoise bool
	fs.IntVar(&cfg.N, "n", synth.DefaultN, "number of records")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "random seed; the same seed gives the same records")
	fs.StringVar(&locale, "locale", "ja", "ja (Japanese records) or en (FEBRL-like Australian records)")
	fs.StringVar(&output, "output", "", "records CSV file to write (required; - for standard output)")
	fs.StringVar(&truth, "truth", "", "truth CSV file to write: record_id,entity_id")
	fs.Float64Var(&cfg.DupRate, "dup-rate", synth.DefaultDupRate, "share of entities with more than one record (0 for none)")
	fs.IntVar(&cfg.MaxClusterSize, "max-cluster", synth.DefaultMaxClusterSize, "largest number of records of one entity")
	fs.Float64Var(&cfg.Noise, "noise", 1, "scale of error and missing-value rates (0 for none)")
	fs.Float64Var(&cfg.HouseholdRate, "household-rate", synth.DefaultHouseholdRate, "share of entities with a household member (ja; 0 for none)")
	fs.Float64Var(&cfg.TwinRate, "twin-rate", synth.DefaultTwinRate, "share of entities with a twin (ja; 0 for none)")
	fs.Float64Var(&cfg.PlaceholderRate, "placeholder-rate", 0, fmt.Sprintf("share of missing values written as a placeholder such as 不明 or 1900-01-01 (ja; realistic: %g)", synth.SuggestedPlaceholderRate))
	fs.BoolVar(&withNoise, "with-noise", false, "append a noise column naming the perturbations of each record")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	switch {
	case output == "":
		return usageError("--output is required")
	case cfg.N < 1:
		return usageError("--n must be at least 1, got %d", cfg.N)
	case locale != "ja" && locale != "en":
		return usageError("--locale must be ja or en, got %q", locale)
	}
	cfg.Locale = synth.Locale(locale)
	// In flags 0 means "none", unlike the zero value of the Config fields.
	for _, f := range []*float64{&cfg.DupRate, &cfg.Noise, &cfg.HouseholdRate, &cfg.TwinRate} {
		if *f == 0 {
			*f = -1
		}
	}
	if cfg.MaxClusterSize < 1 {
		return usageError("--max-cluster must be at least 1, got %d", cfg.MaxClusterSize)
	}

	if err := checkPaths(nil, map[string]string{"output": output, "truth": truth}); err != nil {
		return err
	}

	// Files are written under temporary names and renamed into place once
	// everything has been written: a failed run leaves no partial output.
	var files []*atomicFile
	defer func() {
		for _, f := range files {
			f.abort()
		}
	}()
	var rb *bufio.Writer
	var rw *csv.Writer
	if output == "-" {
		rb = bufio.NewWriterSize(e.stdout, 1<<16)
		rw = csv.NewWriter(rb)
	} else {
		f, err := createAtomic(output)
		if err != nil {
			return err
		}
		files = append(files, f)
		rw = f.csv
	}
	var tw *csv.Writer
	if truth != "" {
		f, err := createAtomic(truth)
		if err != nil {
			return err
		}
		files = append(files, f)
		tw = f.csv
		if err := tw.Write([]string{"record_id", "entity_id"}); err != nil {
			return err
		}
	}
	header := synth.Header(cfg.Locale)
	if withNoise {
		header = append(header, "noise")
	}
	if err := rw.Write(header); err != nil {
		return err
	}
	// Generation and CSV encoding run on two goroutines, handing over
	// batches of records; the output order is the generator's.
	batches := make(chan []synth.Record, 4)
	free := make(chan []synth.Record, 6)
	werr := make(chan error, 1)
	var writeFailed atomic.Bool
	go func() {
		pair := make([]string, 2)
		row := make([]string, 0, len(header))
		var failed error
		for batch := range batches {
			for _, r := range batch {
				if failed != nil {
					break
				}
				row = append(row[:0], r.Values...)
				if withNoise {
					row = append(row, r.Noise.String())
				}
				if err := rw.Write(row); err != nil {
					failed = err
					break
				}
				if tw != nil {
					pair[0], pair[1] = r.ID, r.EntityID
					if err := tw.Write(pair); err != nil {
						failed = err
					}
				}
			}
			if failed != nil {
				writeFailed.Store(true)
			}
			select {
			case free <- batch[:0]:
			default:
			}
		}
		werr <- failed
	}()
	const batchSize = 1024
	batch := make([]synth.Record, 0, batchSize)
	err := synth.Generate(ctx, cfg, func(r synth.Record) error {
		if writeFailed.Load() {
			return errStopped
		}
		batch = append(batch, r)
		if len(batch) == batchSize {
			batches <- batch
			select {
			case batch = <-free:
			default:
				batch = make([]synth.Record, 0, batchSize)
			}
		}
		return nil
	})
	if len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	if wErr := <-werr; wErr != nil && (err == nil || errors.Is(err, errStopped)) {
		err = wErr
	}
	if errors.Is(err, synth.ErrInvalidConfig) {
		return usageError("%v", err)
	}
	if err != nil {
		return err
	}
	if rb != nil {
		rw.Flush()
		if err := rw.Error(); err != nil {
			return err
		}
		if err := rb.Flush(); err != nil {
			return err
		}
	}
	// The truth first: if the records cannot be committed, their old file
	// (if any) is left as it was.
	for i := len(files) - 1; i >= 0; i-- {
		err := files[i].commit()
		files = files[:i]
		if err != nil {
			return err
		}
	}
	if output != "-" {
		fmt.Fprintf(e.stderr, "c360 synth: wrote %d %s records to %s\n", cfg.N, cfg.Locale, output)
	}
	return nil
}
