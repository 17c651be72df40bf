package bolt

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/synthsource"
	"github.com/c360/c360/quality/match/synth"
	bbolt "go.etcd.io/bbolt"
)

const (
	engineCrashEnv  = "C360_BOLT_ENGINE_CRASH_WRITER"
	engineNoSyncEnv = "C360_BOLT_ENGINE_NOSYNC"
)

// engineCrashWriter upserts synthetic records through an Engine on the
// file, acknowledging each on standard output after Upsert returned. It
// runs until it is killed.
func engineCrashWriter(path string, noSync bool) {
	db, err := Open(path, &Options{NoSync: noSync})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	ctx := context.Background()
	e, err := c360.Open(ctx, c360.Config{Store: db.Engine()})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	recs, _, err := synthsource.Generate(ctx, 5000, 11, synth.Japanese)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	for _, r := range recs {
		if _, err := e.Upsert(ctx, r); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Printf("ack %s\n", r.Key())
	}
	fmt.Println("done")
	time.Sleep(time.Hour)
}

// TestEngineCrashKeepsAcknowledgedUpserts kills a process that upserts
// records through an Engine with SIGKILL mid-stream, reopens the file and
// checks that every acknowledged record is in a profile, that the state is
// whole (no link without its profile, no profile source without its link,
// no index key without its link, no gap in the change log), and that what
// is stored is the acknowledged records plus at most the one in flight.
//
// What this proves is atomicity and ordering, not that data reached the
// disk: a SIGKILL leaves the page cache to the kernel, so the file opened
// without fsync (NoSync) passes too, and the test runs both ways to say so.
// Only fsync, which Open does by default, protects against power loss.
func TestEngineCrashKeepsAcknowledgedUpserts(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	for _, noSync := range []bool{false, true} {
		for round, acks := range []int{1, 40, 300} {
			t.Run(fmt.Sprintf("nosync=%v/kill after %d acks", noSync, acks), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "engine.db")
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), engineCrashEnv+"="+path)
				if noSync {
					cmd.Env = append(cmd.Env, engineNoSyncEnv+"=1")
				}
				out, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				var acked []string
				sc := bufio.NewScanner(out)
				deadline := time.Now().Add(120 * time.Second)
				for len(acked) < acks && sc.Scan() && time.Now().Before(deadline) {
					k, ok := strings.CutPrefix(sc.Text(), "ack ")
					if !ok {
						t.Fatalf("writer: %s", sc.Text())
					}
					acked = append(acked, k)
				}
				time.Sleep(time.Duration(round) * time.Millisecond)
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				for sc.Scan() {
					if k, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
						acked = append(acked, k)
					}
				}
				cmd.Wait()
				if len(acked) < acks {
					t.Fatalf("writer acknowledged only %d upserts", len(acked))
				}
				checkEngineAfterCrash(t, path, acked)
			})
		}
	}
}

func checkEngineAfterCrash(t *testing.T, path string, acked []string) {
	t.Helper()
	db, err := Open(path, nil)
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	e, err := c360.Open(ctx, c360.Config{Store: db.Engine()})
	if err != nil {
		t.Fatalf("engine on the reopened file: %v", err)
	}
	defer e.Close()
	for _, k := range acked {
		sys, id, _ := strings.Cut(k, "/")
		key := customer.RecordKey{System: sys, RecordID: id}
		pid, err := e.ProfileOf(ctx, key)
		if err != nil {
			t.Fatalf("acknowledged record %s lost: %v", k, err)
		}
		p, _, err := e.Profile(ctx, pid)
		if err != nil {
			t.Fatalf("profile %s of acknowledged record %s: %v", pid, k, err)
		}
		if _, ok := p.Source(key); !ok {
			t.Errorf("profile %s does not hold its record %s", pid, k)
		}
	}
	// Whole state: links, profiles, index keys and the change log agree.
	links := map[customer.RecordKey]customer.ID{}
	err = db.db.View(func(tx *bbolt.Tx) error {
		if err := tx.Bucket(beLinks).ForEach(func(_, v []byte) error {
			var l c360.Link
			if err := json.Unmarshal(v, &l); err != nil {
				return err
			}
			links[l.Record] = l.Profile
			return nil
		}); err != nil {
			return err
		}
		held := 0
		if err := tx.Bucket(beProfiles).ForEach(func(k, v []byte) error {
			var p customer.Profile
			if err := json.Unmarshal(v, &p); err != nil {
				return err
			}
			for _, s := range p.Sources {
				held++
				if links[s.Key()] != p.ID {
					t.Errorf("profile %s holds %s, whose link says %q", p.ID, s.Key(), links[s.Key()])
				}
			}
			return nil
		}); err != nil {
			return err
		}
		if held != len(links) {
			t.Errorf("%d links but %d records held by profiles", len(links), held)
		}
		if err := tx.Bucket(beKeys).ForEach(func(_, v []byte) error {
			rk, _, err := readRecKey(v)
			if err != nil {
				return err
			}
			if _, ok := links[rk]; !ok {
				t.Errorf("index key points at %s, which has no link", rk)
			}
			return nil
		}); err != nil {
			return err
		}
		want := uint64(1)
		return tx.Bucket(beChanges).ForEach(func(k, _ []byte) error {
			if got := binary.BigEndian.Uint64(k); got != want {
				t.Errorf("change log jumps from %d to %d", want-1, got)
			}
			want++
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	// Upserts are acknowledged in order: stored are the acknowledged ones
	// and at most the one in flight.
	if len(links) < len(acked) || len(links) > len(acked)+1 {
		t.Errorf("%d records stored after %d acknowledged upserts", len(links), len(acked))
	}
}
