// Package loadtest drives the tracking API of package server over HTTP, as
// many Segment libraries would, and reads back what it acknowledged: a load
// generator (Track, Reads) for figures, and the checks that nothing
// acknowledged is lost or counted twice (Count), also when the server is
// killed with SIGKILL mid-run on store/bolt (crash_test.go).
//
// It is a nested module because it links store/bolt (and through it bbolt),
// which the core module may not. cmd/loadtest prints the figures, serving
// server.New on loopback over an engine on the in-memory store or a bolt
// file.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/server"
)

// Config is one tracking run.
type Config struct {
	URL string // the server's base URL, http://127.0.0.1:port
	Key string // a write key (track scope)
	// Users is how many users the events are spread over (u0 … u{Users-1}).
	Users int
	// Batches of BatchSize messages each, sent by Clients goroutines.
	Batches, BatchSize, Clients int
	// Prefix starts every messageId, so that runs do not collide.
	Prefix string
	// OnAck, if set, is called with the messageIds of each acknowledged
	// batch (from the client goroutines, one at a time).
	OnAck func(ids []string)
}

// Result is what a run measured.
type Result struct {
	Requests, Events int
	Wall             time.Duration
	Latencies        []time.Duration // per request, sorted
	Acked            []string        // messageIds acknowledged
	Failed           int             // requests that got no 200
	Err              error           // the first error, if any
}

// Percentile is the p-th percentile (0–100) of the sorted latencies,
// nearest rank.
func (r Result) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies))*p/100+0.999999) - 1
	return r.Latencies[max(0, min(i, len(r.Latencies)-1))]
}

type msg = map[string]any

func post(ctx context.Context, c *http.Client, url, key string, body any) (server.TrackResult, int, error) {
	var res server.TrackResult
	b, err := json.Marshal(body)
	if err != nil {
		return res, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(b))
	if err != nil {
		return res, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(key, "")
	resp, err := c.Do(req)
	if err != nil {
		return res, 0, err
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return res, resp.StatusCode, fmt.Errorf("%s: %d %s", url, resp.StatusCode, rb)
	}
	return res, resp.StatusCode, json.Unmarshal(rb, &res)
}

// Identify writes the users' source records (web/u0 …) through
// /v1/batch, with a name in kanji and kana and an e-mail address each.
func Identify(ctx context.Context, url, key string, users int) error {
	c := &http.Client{Timeout: time.Minute}
	for start := 0; start < users; start += 100 {
		var batch []msg
		for i := start; i < min(users, start+100); i++ {
			fam, giv := families[i%len(families)], givens[(i/len(families))%len(givens)]
			batch = append(batch, msg{"type": "identify", "messageId": fmt.Sprintf("id-%d", i), "userId": fmt.Sprintf("u%d", i),
				"traits": msg{"name": fam[0] + " " + giv[0], "nameKana": fam[1] + " " + giv[1], "email": fmt.Sprintf("user%d@example.jp", i)}})
		}
		res, _, err := post(ctx, c, url+"/v1/batch", key, msg{"batch": batch})
		if err != nil {
			return err
		}
		if len(res.Rejected) > 0 {
			return fmt.Errorf("identify: rejected %+v", res.Rejected)
		}
	}
	return nil
}

var (
	families = [][2]string{{"佐藤", "サトウ"}, {"鈴木", "スズキ"}, {"高橋", "タカハシ"}, {"田中", "タナカ"}, {"伊藤", "イトウ"}, {"渡辺", "ワタナベ"}, {"山本", "ヤマモト"}, {"中村", "ナカムラ"}, {"小林", "コバヤシ"}, {"加藤", "カトウ"}}
	givens   = [][2]string{{"太郎", "タロウ"}, {"花子", "ハナコ"}, {"一郎", "イチロウ"}, {"陽子", "ヨウコ"}, {"健", "ケン"}, {"美咲", "ミサキ"}, {"翔太", "ショウタ"}, {"さくら", "サクラ"}, {"大輔", "ダイスケ"}, {"由美", "ユミ"}}
)

// Track sends the configured batches of page and track messages (one in
// ten an "Order Completed" with revenue) and returns what was
// acknowledged. A batch is acknowledged when the server answered 200 with
// every message accepted or a duplicate.
func Track(ctx context.Context, cfg Config) Result {
	var (
		mu  sync.Mutex
		res Result
		wg  sync.WaitGroup
	)
	next := 0
	start := time.Now()
	for cl := range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: time.Minute}
			for {
				mu.Lock()
				b := next
				next++
				stop := b >= cfg.Batches || ctx.Err() != nil
				mu.Unlock()
				if stop {
					return
				}
				batch := make([]msg, cfg.BatchSize)
				ids := make([]string, cfg.BatchSize)
				for i := range batch {
					n := b*cfg.BatchSize + i
					ids[i] = fmt.Sprintf("%s-%d", cfg.Prefix, n)
					user := fmt.Sprintf("u%d", (n*7919)%cfg.Users)
					m := msg{"type": "page", "messageId": ids[i], "userId": user, "name": "Product",
						"properties": msg{"path": fmt.Sprintf("/products/%d", n%500), "title": "商品"},
						"context":    msg{"ip": "203.0.113.9", "userAgent": "loadtest", "locale": "ja-JP"},
						"timestamp":  time.Now().UTC().Format(time.RFC3339Nano)}
					if n%10 == 9 {
						m["type"], m["event"] = "track", "Order Completed"
						m["properties"] = msg{"revenue": 1000 + n%9000, "currency": "JPY", "order_id": ids[i]}
					}
					batch[i] = m
				}
				t0 := time.Now()
				r, _, err := post(ctx, c, cfg.URL+"/v1/batch", cfg.Key, msg{"batch": batch, "sentAt": time.Now().UTC().Format(time.RFC3339Nano)})
				d := time.Since(t0)
				ok := err == nil && len(r.Rejected) == 0 && r.Accepted+r.Duplicates == len(batch)
				if ok && cfg.OnAck != nil {
					cfg.OnAck(ids)
				}
				mu.Lock()
				res.Requests++
				res.Latencies = append(res.Latencies, d)
				if ok {
					res.Events += len(batch)
					res.Acked = append(res.Acked, ids...)
				} else {
					res.Failed++
					if res.Err == nil {
						if err == nil {
							err = fmt.Errorf("batch %d not acknowledged: %+v", b, r)
						}
						res.Err = err
					}
				}
				mu.Unlock()
			}
		}()
		_ = cl
	}
	wg.Wait()
	res.Wall = time.Since(start)
	slices.Sort(res.Latencies)
	return res
}

// Reads sends n GET requests to the paths (round robin) from clients
// goroutines with a Bearer token.
func Reads(ctx context.Context, base, token string, paths []string, n, clients int) Result {
	var (
		mu  sync.Mutex
		res Result
		wg  sync.WaitGroup
	)
	next := 0
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: time.Minute}
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n || ctx.Err() != nil {
					return
				}
				req, _ := http.NewRequestWithContext(ctx, "GET", base+paths[i%len(paths)], nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := c.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t0)
				mu.Lock()
				res.Requests++
				res.Latencies = append(res.Latencies, d)
				if err != nil || resp.StatusCode != http.StatusOK {
					res.Failed++
					if res.Err == nil {
						if err == nil {
							err = fmt.Errorf("GET %s: %d", paths[i%len(paths)], resp.StatusCode)
						}
						res.Err = err
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Wall = time.Since(start)
	slices.Sort(res.Latencies)
	return res
}

// Count reads every user's timeline from the engine and counts each event
// ID, to check that nothing acknowledged is lost or stored twice.
func Count(ctx context.Context, e *c360.Engine, users int) (map[string]int, error) {
	seen := map[string]int{}
	profiles := map[customer.ID]bool{}
	for i := range users {
		id, err := e.ProfileOf(ctx, customer.RecordKey{System: "web", RecordID: fmt.Sprintf("u%d", i)})
		if err != nil {
			return nil, fmt.Errorf("user u%d: %w", i, err)
		}
		if profiles[id] {
			continue // two users merged into one profile: read it once
		}
		profiles[id] = true
		evs, err := e.Timeline(ctx, id, time.Time{}, time.Time{})
		if err != nil {
			return nil, err
		}
		for _, ev := range evs {
			seen[ev.ID]++
		}
	}
	return seen, nil
}

// ProfileIDs returns the profile of each user, for read load.
func ProfileIDs(ctx context.Context, e *c360.Engine, users int) ([]customer.ID, error) {
	var out []customer.ID
	for i := range users {
		id, err := e.ProfileOf(ctx, customer.RecordKey{System: "web", RecordID: fmt.Sprintf("u%d", i)})
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// Tokens makes an admin token and a write key in a token set.
func Tokens() (set *server.TokenSet, admin, writeKey string, err error) {
	admin, a, err := server.NewToken("loadtest admin", []server.Scope{server.ScopeAdmin}, time.Now())
	if err != nil {
		return nil, "", "", err
	}
	writeKey, w, err := server.NewToken("loadtest write key", []server.Scope{server.ScopeTrack}, time.Now())
	if err != nil {
		return nil, "", "", err
	}
	set, err = server.NewTokenSet(a, w)
	return set, admin, writeKey, err
}
