package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/synthsource"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/match/synth"
	"github.com/google/go-cmp/cmp"
	bbolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// BenchmarkEngineRestart measures the time from opening the file to the
// first answer of an engine (Stage and Timeline of a profile), the file
// holding C360_BENCH_PROFILES profiles (default 100,000) and
// C360_BENCH_EVENTS events (default 1,000,000): the goal is 1,000,000
// and 10,000,000 in at most 10 s.
//
// The file is built so: 1,000 synthetic records upserted and 10 events
// each tracked through an engine (the profiles whose answers are checked
// after the restart), then the rest written straight into the engine's
// buckets — copies of a real profile document under new IDs, and copies of
// a real stored event under anchors of their own — so that the file has the
// size and page count of the full state without the hours of upserting it.
// (Those copies have no links or index keys: they weigh, they are not
// resolved.) Each iteration first evicts the file from the page cache
// (posix_fadvise DONTNEED: a cold start, as after a reboot) when
// C360_BENCH_COLD is not "0", then opens the DB and an engine on it and
// asks. It reports the file size, the time to first answer and the CPU
// time.
//
//	cd store/bolt && go test -run '^$' -bench EngineRestart -benchtime 5x
//	C360_BENCH_PROFILES=1000000 C360_BENCH_EVENTS=10000000 go test -run '^$' -bench EngineRestart -benchtime 3x -timeout 2h
func BenchmarkEngineRestart(b *testing.B) {
	profiles, events := envInt(b, "C360_BENCH_PROFILES", 100_000), envInt(b, "C360_BENCH_EVENTS", 1_000_000)
	cold := os.Getenv("C360_BENCH_COLD") != "0"
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "c360.db")
	const real, perReal = 1000, 10
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	cfg := c360.Config{Now: func() time.Time { return now }, Segments: []c360.SegmentDef{
		{Name: "buyers", Expr: "count(online_purchase, 90d) >= 2"},
		{Name: "recent", Expr: "count(web_visit, 30d) >= 1"},
	}}

	start := time.Now()
	db, err := Open(path, &Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	cfg.Store = db.Engine()
	e, err := c360.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	recs, _, err := synthsource.Generate(ctx, real, 5, synth.Japanese)
	if err != nil {
		b.Fatal(err)
	}
	var ids []customer.ID
	for _, r := range recs {
		up, err := e.Upsert(ctx, r)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, up.Profile)
	}
	types := []journey.Type{journey.TypeWebVisit, journey.TypeOnlinePurchase, journey.TypeEmailOpen, journey.TypeLogin}
	for i, id := range ids {
		for j := range perReal {
			ev := journey.Event{ID: fmt.Sprintf("e%d-%d", i, j), CustomerID: id, Type: types[(i+j)%len(types)],
				Channel: customer.ChannelWeb, Time: now.Add(-time.Duration(i*perReal+j) * time.Hour)}
			if _, err := e.Track(ctx, ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	probe := ids[len(ids)/2]
	answer := func(e *c360.Engine) (journey.StageState, []journey.Event) {
		st, err := e.Stage(ctx, probe)
		if err != nil {
			b.Fatal(err)
		}
		tl, err := e.Timeline(ctx, probe, time.Time{}, time.Time{})
		if err != nil {
			b.Fatal(err)
		}
		return st, tl
	}
	wantStage, wantTimeline := answer(e)
	if len(wantTimeline) != perReal {
		b.Fatalf("the probe has %d events, want %d", len(wantTimeline), perReal)
	}
	if err := e.Close(); err != nil {
		b.Fatal(err)
	}
	if err := fill(db.db, profiles-real, events-real*perReal); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d profiles, %d events, %.0f MB in %v", profiles, events, float64(fi.Size())/1e6, time.Since(start).Round(time.Second))

	var cpu time.Duration
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		if cold {
			evict(b, path)
		}
		c0 := processCPU()
		b.StartTimer()
		db, err := Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		cfg.Store = db.Engine()
		e, err := c360.Open(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		st, tl := answer(e)
		b.StopTimer()
		cpu += processCPU() - c0
		if diff := cmp.Diff(wantStage, st); diff != "" {
			b.Fatalf("stage after restart (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(wantTimeline, tl); diff != "" {
			b.Fatalf("timeline after restart (-before +after):\n%s", diff)
		}
		e.Close()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms-to-first-answer")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(fi.Size())/1e6, "file-MB")
}

// fill writes n copies of a stored profile and m copies of a stored event
// (under m/10 anchors of their own) into the engine's buckets.
func fill(db *bbolt.DB, n, m int) error {
	var doc []byte
	var id string
	var event []byte
	err := db.View(func(tx *bbolt.Tx) error {
		k, v := tx.Bucket(beProfiles).Cursor().First()
		id, doc = string(k), bytes.Clone(v)
		items := tx.Bucket(beItems).Bucket(appendPart(nil, "events"))
		_, v = items.Cursor().First()
		event = bytes.Clone(v)
		return nil
	})
	if err != nil {
		return err
	}
	const batch = 200_000
	for i := 0; i < n; i += batch {
		err := db.Update(func(tx *bbolt.Tx) error {
			b := tx.Bucket(beProfiles)
			b.FillPercent = 0.9
			for j := i; j < min(i+batch, n); j++ {
				fid := fmt.Sprintf("F%09d", j)
				if err := b.Put([]byte(fid), bytes.ReplaceAll(doc, []byte(id), []byte(fid))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < m; i += batch {
		err := db.Update(func(tx *bbolt.Tx) error {
			b := tx.Bucket(beItems).Bucket(appendPart(nil, "events"))
			b.FillPercent = 0.9
			for j := i; j < min(i+batch, m); j++ {
				anchor := fmt.Sprintf("r6:fillerF%09d", j/10)
				var tk [8]byte
				binary.BigEndian.PutUint64(tk[:], uint64(t0.Add(time.Duration(j%10)*time.Hour).UnixNano())^(1<<63))
				if err := b.Put(itemKey(anchor, hex.EncodeToString(tk[:])+"\x00f"+strconv.Itoa(j)), event); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// evict drops the file's pages from the page cache.
func evict(b *testing.B, path string) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		b.Fatal(err)
	}
}

// processCPU returns the user and system CPU time of this process.
func processCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
