package handlers_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

func TestHealthReadyAndMetrics(t *testing.T) {
	ready := error(nil)
	env := portaltest.New(t, portaltest.WithOptions(func(o *handlers.Options) {
		o.Ready = func() error { return ready }
		o.Metrics = handlers.NewMetrics(nil)
	}))
	b := env.NewBrowser(t)
	if p := b.Get("/healthz"); p.Status != http.StatusOK {
		t.Errorf("healthz %d", p.Status)
	}
	if p := b.Get("/readyz"); p.Status != http.StatusOK {
		t.Errorf("readyz %d", p.Status)
	}
	ready = io.ErrUnexpectedEOF
	if p := b.Get("/readyz"); p.Status != http.StatusServiceUnavailable {
		t.Errorf("readyz with the Panel down: %d", p.Status)
	}
	b.Login("admin", "admin")
	b.Get("/login")
	b.Post("/login", url.Values{"login": {"admin"}, "password": {"bad"}})
	m := b.Get("/metrics").Body
	for _, want := range []string{
		`portal_http_requests_seconds_count{method="GET",route="/",status="200"}`,
		`portal_logins_total 1`,
		`portal_login_failures_total{reason="wrong"} 1`,
		`portal_login_throttled_total 0`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestHTMLIsGzipped(t *testing.T) {
	env := portaltest.New(t)
	req, _ := http.NewRequest(http.MethodGet, env.URL+"/login", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !strings.Contains(string(body), "login-form") {
		t.Error("the gzipped page is not the login page")
	}
}

func TestAuditLinesNameStaffDealerAndResultButNoSecrets(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	hash := hashOf(t, env, b)
	b.Post("/logout", nil)
	var found bool
	for _, line := range strings.Split(env.Logs(), "\n") {
		if line == "" {
			continue
		}
		if strings.Contains(line, hash) || strings.Contains(line, `"password"`) || strings.Contains(line, "portal_session=") {
			t.Fatalf("a log line carries a secret: %s", line)
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON log line: %s", line)
		}
		if rec["msg"] == "audit" && rec["action"] == "logout" {
			found = true
			if rec["staff"] != "admin" || rec["result"] != "ok" || rec["request_id"] == "" || rec["dealer_id"] == float64(0) {
				t.Errorf("audit line incomplete: %s", line)
			}
		}
	}
	if !found {
		t.Fatal("no audit line for logout")
	}
}

func TestOversizedBodyIsRefusedBeforeItIsRead(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	env.Sim.ResetCalls()
	big := strings.Repeat("x", 13<<20)
	p := b.Post("/users/import", url.Values{"file": {big}})
	if p.Status != http.StatusRequestEntityTooLarge || !strings.Contains(p.Text("[data-testid=error]"), "10 MB") {
		t.Fatalf("status %d: %q", p.Status, p.Text("[data-testid=error]"))
	}
	if n := totalAttempts(env); n != 0 {
		t.Errorf("%d upstream calls", n)
	}
}

// TestInFlightLimitQueuesRequests: pages beyond the limit wait for a place
// instead of running beside the others, and every one answers.
func TestInFlightLimitQueuesRequests(t *testing.T) {
	twoPages := func(limit int) time.Duration {
		env := portaltest.New(t, portaltest.WithOptions(func(o *handlers.Options) { o.MaxInFlight = limit }))
		b, b2 := env.NewBrowser(t), env.NewBrowser(t)
		b.Login("admin", "admin")
		b2.Login("admin", "admin")
		env.Sim.SetFault("dealer/get_info", panelsim.Fault{Latency: 300 * time.Millisecond})
		start := time.Now()
		done := make(chan int, 2)
		for _, br := range []*portaltest.Browser{b, b2} {
			go func() { done <- br.Get("/").Status }()
		}
		for range 2 {
			if st := <-done; st != http.StatusOK {
				t.Fatalf("limit %d: status %d", limit, st)
			}
		}
		return time.Since(start)
	}
	if d := twoPages(1); d < 600*time.Millisecond {
		t.Errorf("with one place two pages took %s: they ran side by side", d)
	}
	if d := twoPages(0); d >= 600*time.Millisecond {
		t.Errorf("with the default places two pages took %s: they waited for each other", d)
	}
}

// TestEverySearchFormKeepsTheSortAfterASwap: for every list with a search
// form, the form carries the list state in a block, and a swapped table
// (sort header, page link) refreshes that block out of band, so the next
// search keeps the sort the table shows.
func TestEverySearchFormKeepsTheSortAfterASwap(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	for _, list := range []struct{ path, sort string }{
		{"/users", "login"}, {"/trackers", "label"}, {"/plans", "name"}, {"/codes", "code"}, {"/bundles", "imei"}, {"/resellers", "title"},
	} {
		full := b.Get(list.path)
		form := full.Doc.Find("#list-q").Closest("form")
		block := form.Find("div[id$='-table-state']")
		if block.Length() != 1 {
			t.Errorf("%s: the search form has no list-state block", list.path)
			continue
		}
		id, _ := block.Attr("id")
		part := b.Get(list.path+"?sort="+list.sort+"&dir=desc", portaltest.HTMX...)
		oob := part.Doc.Find("#" + id)
		if oob.AttrOr("hx-swap-oob", "") != "true" || oob.Find("input[name=sort][value="+list.sort+"]").Length() != 1 || oob.Find("input[name=dir][value=desc]").Length() != 1 {
			t.Errorf("%s: the swapped table does not refresh #%s", list.path, id)
		}
	}
}

// TestPagesGoOutWithTheirLength: a rendered page is all in hand, so it is
// sent with its length in one piece rather than in chunks, compressed or
// not.
func TestPagesGoOutWithTheirLength(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	for _, enc := range []string{"gzip", "identity"} {
		req, _ := http.NewRequest(http.MethodGet, env.URL+"/users?per_page=100", nil)
		req.Header.Set("Accept-Encoding", enc)
		resp, err := b.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		wire, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(wire) < 4096 {
			t.Fatalf("%s: a %d-byte page is too small to tell", enc, len(wire))
		}
		if resp.ContentLength != int64(len(wire)) || len(resp.TransferEncoding) != 0 {
			t.Errorf("%s: Content-Length %d, Transfer-Encoding %v, for %d bytes", enc, resp.ContentLength, resp.TransferEncoding, len(wire))
		}
		if got := resp.Header.Get("Content-Encoding"); (enc == "gzip") != (got == "gzip") {
			t.Errorf("asked for %s, got Content-Encoding %q", enc, got)
		}
	}
}

// TestUnknownAddressesAreNotLoggedAsFailures: a user the Panel does not
// know is a 404 for the staff member and an answer, not a warning, in the
// log; a Panel that fails is still logged.
func TestUnknownAddressesAreNotLoggedAsFailures(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	p := b.Get("/users/999999")
	if p.Status != http.StatusNotFound {
		t.Fatalf("status %d", p.Status)
	}
	id := p.Header.Get("X-Request-Id")
	for _, line := range strings.Split(env.Logs(), "\n") {
		if strings.Contains(line, id) && strings.Contains(line, `"level":"WARN"`) {
			t.Errorf("a 404 logged a warning: %s", line)
		}
	}
	env.Sim.SetFault("user/read", panelsim.Fault{Status: http.StatusBadGateway, Body: "<html>bad gateway</html>"})
	p = b.Get("/users/1")
	id = p.Header.Get("X-Request-Id")
	warned := false
	for _, line := range strings.Split(env.Logs(), "\n") {
		warned = warned || (strings.Contains(line, id) && strings.Contains(line, "panel api failure"))
	}
	if p.Status != http.StatusBadGateway || !warned {
		t.Errorf("a failing Panel: status %d, logged %v", p.Status, warned)
	}
}

// TestAccessLineNamesTheRequest: every page a staff member opens leaves
// one line naming the request, its route and result and who asked.
func TestAccessLineNamesTheRequest(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	b.Get("/users?q=smith")
	var found bool
	for _, line := range strings.Split(env.Logs(), "\n") {
		var rec map[string]any
		if line == "" || json.Unmarshal([]byte(line), &rec) != nil || rec["msg"] != "request" || rec["route"] != "/users" {
			continue
		}
		found = true
		if rec["level"] != "INFO" || rec["method"] != "GET" || rec["path"] != "/users" || rec["status"] != float64(200) ||
			rec["staff"] != "admin" || rec["request_id"] == "" || rec["ip"] == "" || rec["bytes"].(float64) <= 0 {
			t.Errorf("access line incomplete: %s", line)
		}
		if _, ok := rec["ms"].(float64); !ok {
			t.Errorf("access line without its duration: %s", line)
		}
	}
	if !found {
		t.Fatalf("no access line for /users in:\n%s", env.Logs())
	}
}

// TestPagesLinkTheirHashedAssets: every full page links the stylesheets and
// scripts by their hashed URLs, and each of those answers with a long
// cache; a later page links the same ones.
func TestPagesLinkTheirHashedAssets(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	var first []string
	for i, path := range []string{"/login", "/login"} {
		p := b.Get(path)
		var urls []string
		p.Doc.Find(`link[rel="stylesheet"]`).Each(func(_ int, s *goquery.Selection) { urls = append(urls, s.AttrOr("href", "")) })
		p.Doc.Find(`script[src]`).Each(func(_ int, s *goquery.Selection) { urls = append(urls, s.AttrOr("src", "")) })
		if len(urls) != 4 {
			t.Fatalf("%s: %d assets linked, want 2 stylesheets and 2 scripts: %v", path, len(urls), urls)
		}
		if i > 0 {
			if !slices.Equal(urls, first) {
				t.Fatalf("a later page links %v, the first %v", urls, first)
			}
			continue
		}
		first = urls
		for _, u := range urls {
			a := b.Get(u)
			if a.Status != http.StatusOK || !strings.Contains(a.Header.Get("Cache-Control"), "immutable") {
				t.Errorf("%s: status %d, Cache-Control %q", u, a.Status, a.Header.Get("Cache-Control"))
			}
		}
	}
}
