// Package browsertest drives the console of package server in a real
// headless Chromium: log in, search a customer, open the 360 view, confirm a
// review. It is a nested module so that its browser driver
// (github.com/chromedp/chromedp, which speaks the DevTools protocol to a
// Chromium it starts) never enters the core module, which takes the
// standard library only.
//
// Why chromedp rather than the protocol written by hand: a CDP client needs
// a WebSocket client (not in the standard library), the protocol's
// target/session handling and waits for navigation and for elements; that
// is a few thousand lines chromedp keeps current with Chromium, for a test
// that only needs to click. Why not Playwright or WebDriver: both need a
// second runtime (Node.js) or a driver binary; chromedp needs only the
// Chromium of Debian's package.
//
// The test skips when no Chromium is found (chromium, chromium-browser or
// google-chrome on PATH, or C360_CHROMIUM), except under CI=true, where it
// fails: .ci/chromium.sh installs Debian's chromium package for it. With
// -screenshot=PATH it saves a screenshot of the 360 view (the README's
// docs/console.png is made with
// `go test ./server/browsertest -run Console -screenshot=$PWD/docs/console.png`
// from the repository root).
package browsertest
