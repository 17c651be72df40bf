package browsertest

import (
	"context"
	"flag"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/intel"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/quality/match"
	"github.com/c360/c360/server"
	"github.com/chromedp/chromedp"
)

var screenshot = flag.String("screenshot", "", "save a PNG screenshot of the 360 view to this path")

// chromium finds the browser, or skips (fails under CI=true).
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("C360_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium on PATH under CI=true: .ci/chromium.sh should have installed Debian's chromium package")
	}
	t.Skip("no Chromium found (chromium, chromium-browser or google-chrome on PATH, or C360_CHROMIUM): the browser test is skipped; `apt-get install chromium` to run it")
	return ""
}

// seed fills an engine with a customer seen by three systems, touchpoints,
// intelligence linked to the customer, and a record held for review.
func seed(t *testing.T, e *c360.Engine) customer.ID {
	t.Helper()
	ctx := t.Context()
	now := time.Now().UTC()
	acct := customer.SourceRecord{System: "sales", RecordID: "A-12", UpdatedAt: now.Add(-72 * time.Hour)}
	acct.Kind = customer.KindAccount
	acct.LegalName = "株式会社山田商事"
	acct.CorporateNumber = "1234567890123"
	au, err := e.Upsert(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	a := customer.SourceRecord{System: "sales", RecordID: "S-1001", UpdatedAt: now.Add(-72 * time.Hour)}
	a.Links = []customer.Link{{Profile: au.Profile, Role: customer.RoleDecisionMaker, Title: "購買部長"}}
	a.Kind = customer.KindPerson
	a.Name = customer.PersonName{Family: "山田", Given: "太郎", FamilyKana: "ヤマダ", GivenKana: "タロウ"}
	a.BirthDate, _ = customer.ParseDate("1984-05-12")
	a.ContactPoints = []customer.ContactPoint{
		{Type: customer.ContactEmail, Value: "taro.yamada@example.jp", Primary: true, Validity: customer.ValidityValid, VerifiedAt: now.Add(-30 * 24 * time.Hour)},
		{Type: customer.ContactPhone, Value: "090-1234-5678", Primary: true},
		{Type: customer.ContactPostal, Value: "〒150-0002 東京都渋谷区渋谷2-21-1"},
	}
	a.Consent.Entries = []customer.ConsentEntry{
		{Channel: customer.ChannelEmail, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptIn, CapturedAt: now.Add(-60 * 24 * time.Hour)},
		{Channel: customer.ChannelPhone, Purpose: customer.PurposeMarketing, Status: customer.ConsentOptOut, CapturedAt: now.Add(-60 * 24 * time.Hour)},
	}
	b := customer.SourceRecord{System: "webshop", RecordID: "W-77", UpdatedAt: now.Add(-24 * time.Hour)}
	b.Kind = customer.KindPerson
	b.Name = customer.PersonName{Family: "山田", Given: "太郎", Latin: "Taro Yamada"}
	b.ContactPoints = []customer.ContactPoint{{Type: customer.ContactEmail, Value: "TARO.YAMADA@example.jp"}}
	var id customer.ID
	for _, r := range []customer.SourceRecord{a, b} {
		up, err := e.Upsert(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		id = up.Profile
	}
	for i, ev := range []journey.Event{
		{Type: journey.TypeWebVisit, Channel: customer.ChannelWeb, Time: now.Add(-50 * time.Hour), Campaign: "spring_sale"},
		{Type: journey.TypeSignUp, Channel: customer.ChannelWeb, Time: now.Add(-49 * time.Hour)},
		{Type: journey.TypeOnlinePurchase, Channel: customer.ChannelWeb, Time: now.Add(-48 * time.Hour), Value: journey.Money{Amount: 12800, Currency: "JPY"}, Campaign: "spring_sale"},
		{Type: journey.TypeServiceCall, Channel: customer.ChannelPhone, Time: now.Add(-3 * time.Hour)},
	} {
		ev.ID = "seed-" + string(rune('a'+i))
		ev.CustomerID = id
		ev.Source = "seed"
		if _, err := e.Track(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	// Intelligence linked to the customer: two items the support desk may
	// see (one for everyone, one for the service team) and a sales rep's
	// private note, which the console must not show it.
	hub, err := e.Intel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range []struct {
		author intel.PrincipalID
		item   intel.Item
	}{
		{"suzuki", intel.Item{ID: "seed-intel-1", Kind: intel.KindCustomer, Category: intel.CategoryServiceActivity, Source: intel.SourceSalesServiceLog,
			Title: "返品理由：サイズ交換の希望", Body: "ランニングシューズ（26.5cm）を 27.0cm に交換希望。在庫がなく返品で対応した。次回入荷の連絡を希望。",
			Tags: []string{"返品", "ランニング"}, Sentiment: -0.3, Confidence: 0.9, CapturedAt: now.Add(-3 * time.Hour),
			Visibility: intel.Visibility{Scope: intel.ScopeOrg}}},
		{"suzuki", intel.Item{ID: "seed-intel-2", Kind: intel.KindCustomer, Category: intel.CategorySatisfaction, Source: intel.SourceSurvey,
			Title: "NPS 9：店員の説明が丁寧", Body: "購入後アンケート。シューズ選びの相談が役に立ったとのこと。",
			Tags: []string{"NPS", "接客"}, Sentiment: 0.8, Confidence: 1, CapturedAt: now.Add(-40 * time.Hour),
			Survey:     &intel.SurveyAnswer{Metric: intel.MetricNPS, Score: 9, Segment: "online"},
			Visibility: intel.Visibility{Scope: intel.ScopeTeams, Teams: []intel.TeamID{"service"}}}},
		{"tanaka", intel.Item{ID: "seed-intel-3", Kind: intel.KindCustomer, Category: intel.CategoryAccountActivity, Source: intel.SourceSalesServiceLog,
			Title: "法人契約の値引き交渉メモ", Body: "営業担当だけのメモ。", CapturedAt: now.Add(-2 * time.Hour)}},
	} {
		item := it.item
		item.Links.Customers = []customer.ID{id}
		if err := hub.Collect(ctx, intel.Principal{ID: it.author}, &item); err != nil {
			t.Fatal(err)
		}
	}
	// Same name, another e-mail address: held for a person to decide.
	c := customer.SourceRecord{System: "service", RecordID: "V-5"}
	c.Kind = customer.KindPerson
	c.Name = customer.PersonName{Family: "山田", Given: "太郎"}
	c.ContactPoints = []customer.ContactPoint{{Type: customer.ContactEmail, Value: "t.yamada@example.com"}}
	up, err := e.Upsert(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if up.Outcome != c360.Held {
		t.Fatalf("the third record was %v, want held for review", up.Outcome)
	}
	return id
}

// TestConsoleInChromium: log in with a token, search by reading, open the
// 360 view (with the linked intelligence the token's principal may see),
// confirm the review — in a real headless Chromium.
func TestConsoleInChromium(t *testing.T) {
	exe := chromium(t)
	e, err := c360.Open(t.Context(), c360.Config{
		Match:    match.Config{Threshold: 0.99, ReviewThreshold: 0.9},
		Segments: []c360.SegmentDef{{Name: "buyers_30d", Expr: `count(online_purchase, 30d) >= 1`}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	id := seed(t, e)
	secret, tok, err := server.NewToken("support desk", []server.Scope{server.ScopeRead, server.ScopeWrite}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tok.Principal, tok.Teams = "support-desk", []intel.TeamID{"service"}
	tokens, err := server.NewTokenSet(tok)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(e, server.Config{Credentials: tokens, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // the tests may run as root
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s, in Chromium: %v", what, err)
		}
	}
	// Not logged in: the console sends the browser to the login form.
	do("log in",
		chromedp.Navigate(srv.URL+"/console/?lang=ja"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), secret),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("q")),
	)
	heading := text("h1")
	// Search by reading, in hiragana.
	do("search",
		chromedp.SendKeys(chromedp.ID("q"), "やまだ たろう"),
		chromedp.Click(chromedp.ID("search")),
		chromedp.WaitVisible(chromedp.ID("results")),
		chromedp.Click("#results a.profile-link"),
		chromedp.WaitVisible(chromedp.ID("timeline")),
	)
	name := text("#display-name")
	intelText := text("#intelligence")
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	// The review queue: confirm.
	do("open the review queue",
		chromedp.Click(`a[href="/console/reviews"]`),
		chromedp.WaitVisible(".review button.confirm"),
	)
	reviewsText := text("main")
	do("confirm",
		chromedp.Click(".review button.confirm"),
		chromedp.WaitVisible(chromedp.ID("no-reviews")),
	)
	flash := text(".flash")
	if heading != "顧客検索" {
		t.Errorf("search page heading %q, want 顧客検索 (Japanese)", heading)
	}
	if name != "山田 太郎" {
		t.Errorf("360 view of %q, want 山田 太郎", name)
	}
	for _, want := range []string{"関連インテリジェンス", "返品理由：サイズ交換の希望", "サービス対応", "NPS 9：店員の説明が丁寧", "満足度", "+0.80", "ランニング"} {
		if !strings.Contains(intelText, want) {
			t.Errorf("linked intelligence lacks %q:\n%s", want, intelText)
		}
	}
	if strings.Contains(intelText, "値引き交渉") {
		t.Errorf("linked intelligence shows another person's private item:\n%s", intelText)
	}
	for _, want := range []string{"service/V-5", "t.yamada@example.com", "同一人物として統合", "別人として却下"} {
		if !strings.Contains(reviewsText, want) {
			t.Errorf("review queue lacks %q", want)
		}
	}
	if !strings.Contains(flash, "統合しました") {
		t.Errorf("after confirm: flash %q", flash)
	}
	items, err := e.Reviews(t.Context())
	if err != nil || len(items) != 0 {
		t.Errorf("reviews after confirm in the browser: %d (%v), want 0", len(items), err)
	}
	p, err := e.Get(t.Context(), id)
	if err != nil || len(p.Sources) != 3 {
		t.Errorf("the confirmed record did not join the profile: %v %v", p, err)
	}
	if len(shot) < 8 || string(shot[1:4]) != "PNG" {
		t.Fatalf("screenshot is not a PNG (%d bytes)", len(shot))
	}
	if *screenshot != "" {
		if err := os.WriteFile(*screenshot, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("saved the 360 view to %s (%d bytes)", *screenshot, len(shot))
	}
}
