package bolt

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/customer/customertest"
	"github.com/c360/c360/journey"
	bbolt "go.etcd.io/bbolt"
)

const crashEnv = "C360_BOLT_CRASH_WRITER"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashEnv); path != "" {
		crashWriter(path)
		return
	}
	if path := os.Getenv(engineCrashEnv); path != "" {
		engineCrashWriter(path, os.Getenv(engineNoSyncEnv) != "")
		return
	}
	os.Exit(m.Run())
}

// crashWriter writes profiles and their touchpoints, one transaction each,
// and acknowledges each on standard output only after the write returned.
// It runs until it is killed.
func crashWriter(path string) {
	db, err := Open(path, nil) // durable: fsync at every commit
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	ctx := context.Background()
	profiles, events := db.Profiles(), db.Events()
	for i := 0; ; i++ {
		id := customer.ID(fmt.Sprintf("p%06d", i))
		p := customertest.Profile(id, i)
		p.Version = 0
		if _, err := profiles.Put(ctx, p); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		evs := make([]journey.Event, 3)
		for k := range evs {
			evs[k] = journey.Event{ID: fmt.Sprintf("%s-e%d", id, k), CustomerID: id, Type: journey.TypeWebVisit,
				Channel: customer.ChannelWeb, Time: time.Unix(int64(i*10+k), 0).UTC()}
		}
		if _, err := events.Append(ctx, evs...); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Printf("ack %s\n", id)
	}
}

// TestCrashKeepsAcknowledgedWrites kills a writer process with SIGKILL in
// the middle of its stream of writes, reopens the file, and checks that
// every acknowledged write is there, whole, and that nothing is
// half-written: every stored profile decodes, its identifier keys and its
// events are all present, and no index key points at a missing record.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	for round, acks := range []int{1, 37, 150} {
		t.Run(fmt.Sprintf("kill after %d acks", acks), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "crash.db")
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashEnv+"="+path)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var acked []customer.ID
			sc := bufio.NewScanner(out)
			deadline := time.Now().Add(60 * time.Second)
			for len(acked) < acks && sc.Scan() && time.Now().Before(deadline) {
				line := sc.Text()
				id, ok := strings.CutPrefix(line, "ack ")
				if !ok {
					t.Fatalf("writer: %s", line)
				}
				acked = append(acked, customer.ID(id))
			}
			// Kill mid-stream: the writer is inside its next transaction or
			// between two; a little jitter varies where.
			time.Sleep(time.Duration(round) * time.Millisecond)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			// Acknowledgements the writer printed before it died are still in
			// the pipe: they count too.
			for sc.Scan() {
				if id, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
					acked = append(acked, customer.ID(id))
				}
			}
			cmd.Wait()
			if len(acked) < acks {
				t.Fatalf("writer acknowledged only %d writes", len(acked))
			}
			checkAfterCrash(t, path, acked)
		})
	}
}

func checkAfterCrash(t *testing.T, path string, acked []customer.ID) {
	t.Helper()
	db, err := Open(path, nil)
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	profiles, events := db.Profiles(), db.Events()
	for i, id := range acked {
		p, err := profiles.Get(ctx, id)
		if err != nil {
			t.Fatalf("acknowledged profile %s lost: %v", id, err)
		}
		want := customertest.Profile(id, i)
		if p.DisplayName() != want.DisplayName() || len(p.Identifiers) != len(want.Identifiers) {
			t.Errorf("profile %s came back different: %q with %d identifiers", id, p.DisplayName(), len(p.Identifiers))
		}
		n := 0
		for _, err := range events.Events(ctx, id, time.Time{}, time.Time{}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 3 {
			t.Errorf("profile %s has %d of its 3 acknowledged events", id, n)
		}
	}
	// Nothing half-written: every profile decodes and is findable by each of
	// its identifiers; every identifier key points at a stored profile.
	stored := map[customer.ID]bool{}
	for p, err := range profiles.All(ctx) {
		if err != nil {
			t.Fatalf("streaming after crash: %v", err)
		}
		stored[p.ID] = true
		for _, ident := range p.Identifiers {
			ids, err := profiles.Lookup(ctx, ident)
			if err != nil || !containsID(ids, p.ID) {
				t.Errorf("profile %s not found by its identifier %s: %v %v", p.ID, ident, ids, err)
			}
		}
	}
	// The writer writes p000000, p000001, … in order: what is stored must be
	// every acknowledged write plus at most the one in flight when it died.
	if len(stored) < len(acked) || len(stored) > len(acked)+1 {
		t.Errorf("%d profiles stored after %d acknowledged writes: want the acknowledged ones and at most the one in flight", len(stored), len(acked))
	}
	for i := range len(stored) {
		if id := customer.ID(fmt.Sprintf("p%06d", i)); !stored[id] {
			t.Errorf("profile %s missing while later ones are stored", id)
		}
	}
	err = db.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bIdentifiers).ForEach(func(k, _ []byte) error {
			_, rest, err := readPart(k)
			if err == nil {
				_, rest, err = readPart(rest)
			}
			if err != nil {
				return err
			}
			id, _, err := readPart(rest)
			if err != nil {
				return err
			}
			if !stored[customer.ID(id)] {
				t.Errorf("identifier key points at missing profile %s", id)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func containsID(ids []customer.ID, id customer.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
