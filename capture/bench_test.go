package capture

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/internal/cputime"
)

// writeBenchMbox writes an mbox of n messages of the kinds a sales
// mailbox holds: Japanese mail in ISO-2022-JP with encoded-word headers,
// UTF-8 multipart mail with an HTML part and a small attachment, replies
// in threads, and personal mail; 1,000 customers of 100 accounts. It
// returns the file's path and size.
func writeBenchMbox(tb testing.TB, dir string, n int) (string, int64) {
	tb.Helper()
	path := filepath.Join(dir, fmt.Sprintf("bench-%d.mbox", n))
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	subject := "=?ISO-2022-JP?B?GyRCJCo4K0BRJGokTjdvGyhC?="
	jisBody := "\x1b$B$$$D$b$*@$OC$K$J$C$F$*$j$^$9!#\x1b(B\n"
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.FixedZone("", 9*3600))
	for i := range n {
		c := rng.IntN(1200) // ≥ 1000: an address no profile holds
		cust := fmt.Sprintf("c%d@acct%d.example.jp", c, c%100)
		rep := fmt.Sprintf("rep%d@example.co.jp", rng.IntN(20))
		from, to := rep, cust
		if i%2 == 1 {
			from, to = cust, rep
		}
		if i%10 == 9 {
			from = "friend@gmail.com"
		}
		date := t0.Add(time.Duration(i) * time.Minute).Format(time.RFC1123Z)
		fmt.Fprintf(w, "From MAILER-DAEMON Thu Jan  1 00:00:00 2026\nFrom: %s\nTo: %s\nDate: %s\nMessage-ID: <b%d@example.co.jp>\n", from, to, date, i)
		if i%3 == 2 {
			fmt.Fprintf(w, "In-Reply-To: <b%d@example.co.jp>\nReferences: <b%d@example.co.jp>\n", i-1, i-2)
		}
		if i%2 == 0 {
			fmt.Fprintf(w, "Subject: %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=ISO-2022-JP\n\n", subject)
			for range 12 {
				w.WriteString(jisBody)
			}
			w.WriteString("\n--\n\x1b$B3t<02q<R\x1b(BABC\nTEL: 03-1234-5678\n\n")
			continue
		}
		fmt.Fprintf(w, "Subject: Proposal %d\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n", i)
		for range 8 {
			w.WriteString("Thank you for the meeting. The figures are attached; the total is =C2=A51,200,000.\n")
		}
		w.WriteString(">From the minutes: next steps by Friday.\n--b\nContent-Type: text/html; charset=utf-8\n\n<p>Thank you</p>\n--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=a.pdf\nContent-Transfer-Encoding: base64\n\n")
		for range 6 {
			w.WriteString("JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURlY29k\n")
		}
		w.WriteString("--b--\n\n")
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	return path, st.Size()
}

func benchProfiles() []*customer.Profile {
	var ps []*customer.Profile
	for a := range 100 {
		ps = append(ps, &customer.Profile{ID: customer.ID(fmt.Sprintf("acct%d", a)), Facts: customer.Facts{Kind: customer.KindAccount}})
	}
	for c := range 1000 {
		ps = append(ps, &customer.Profile{ID: customer.ID(fmt.Sprintf("p%d", c)), Facts: customer.Facts{Kind: customer.KindPerson,
			ContactPoints: []customer.ContactPoint{{Type: customer.ContactEmail, Value: fmt.Sprintf("c%d@acct%d.example.jp", c, c%100)}},
			Links:         []customer.Link{{Profile: customer.ID(fmt.Sprintf("acct%d", c%100))}}}})
	}
	return ps
}

// BenchmarkMbox captures an mbox of 10,000 and of 100,000 messages and
// reports messages per second (wall and CPU), the file's size, the peak
// heap in use (sampled every 1,000 messages) and the live heap at the end
// (after a collection, the Capturer still held). Messages are streamed:
// what stays is about 20 bytes of thread index per distinct message and
// the addresses resolved, not the mail.
//
//	go test ./capture -run '^$' -bench BenchmarkMbox -benchtime 1x
func BenchmarkMbox(b *testing.B) {
	dir := b.TempDir()
	for _, n := range []int{10_000, 100_000} {
		path, size := writeBenchMbox(b, dir, n)
		b.Run(fmt.Sprintf("messages=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var peak, live uint64
			var cpu time.Duration
			var wall time.Duration
			var ms runtime.MemStats
			for b.Loop() {
				dir, err := NewProfileDirectory(slices.Values(benchProfiles()), nil)
				if err != nil {
					b.Fatal(err)
				}
				c, err := New(dir, Config{InternalDomains: []string{"example.co.jp"}})
				if err != nil {
					b.Fatal(err)
				}
				c.Progress = func(Summary) {
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapInuse)
				}
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				cpu0, _ := cputime.Process()
				start := time.Now()
				events := 0
				for _, err := range c.Mail(b.Context(), ReadMbox(b.Context(), f, path, MboxRD, 0)) {
					if err != nil {
						b.Fatal(err)
					}
					events++
				}
				wall += time.Since(start)
				cpu1, _ := cputime.Process()
				cpu += cpu1 - cpu0
				f.Close()
				runtime.GC()
				runtime.ReadMemStats(&ms)
				live = max(live, ms.HeapAlloc)
				runtime.KeepAlive(c)
				if s := c.Summary(); s.Messages != n || s.Failed != 0 || events == 0 {
					b.Fatalf("summary %+v, %d events", s, events)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/wall.Seconds(), "msgs/s")
			if cpu > 0 {
				b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "msgs/cpu-s")
			}
			b.ReportMetric(float64(size)/(1<<20), "file-MB")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(live)/(1<<20), "live-heap-end-MB")
		})
	}
}
