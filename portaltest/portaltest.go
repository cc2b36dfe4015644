// Package portaltest runs the whole portal against an in-process Panel API
// emulator for tests: handler tests drive it through an HTTP client with a
// cookie jar, browser tests point Chromium at it.
package portaltest

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/static"
)

// Clock is a settable clock shared by the emulator and the portal.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// Env is one portal with its emulator.
type Env struct {
	Sim      *panelsim.Server
	SimURL   string
	Portal   *httptest.Server
	URL      string
	Echo     *echo.Echo
	Sessions *auth.Manager
	Keys     []auth.KeyPair
	Clock    *Clock
	Throttle *auth.Throttle
	logs     *syncBuffer
}

// Option changes how an Env is built.
type Option func(*envConfig)

type envConfig struct {
	keys      []auth.KeyPair
	sim       *panelsim.Server
	simURL    string
	seed      panelsim.SeedConfig
	tls       bool
	handlerFn func(*handlers.Options)
	cookies   *auth.CookieOptions
}

// WithTLS serves the portal over HTTPS (a test certificate).
func WithTLS() Option { return func(c *envConfig) { c.tls = true } }

// WithEmbedding lets the given origins frame the portal, with the cookies
// an embedded portal uses (SameSite=None; Secure; Partitioned). It implies
// WithTLS.
func WithEmbedding(origins ...string) Option {
	return func(c *envConfig) {
		c.tls = true
		c.cookies = &auth.CookieOptions{Secure: true, Embedded: true, Idle: 2 * time.Hour}
		prev := c.handlerFn
		c.handlerFn = func(o *handlers.Options) {
			o.FrameAncestors = origins
			o.TLS = true
			if prev != nil {
				prev(o)
			}
		}
	}
}

// WithKeys uses the given session keys (to test rotation and replicas).
func WithKeys(keys ...auth.KeyPair) Option { return func(c *envConfig) { c.keys = keys } }

// WithSim shares an already running emulator (a second replica).
func WithSim(sim *panelsim.Server, url string) Option {
	return func(c *envConfig) { c.sim, c.simURL = sim, url }
}

// WithSeed sizes the emulator's data.
func WithSeed(s panelsim.SeedConfig) Option { return func(c *envConfig) { c.seed = s } }

// WithOptions edits the handler options before the portal is built.
func WithOptions(fn func(*handlers.Options)) Option { return func(c *envConfig) { c.handlerFn = fn } }

// New starts an emulator and a portal; both stop when the test ends.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	cfg := &envConfig{}
	for _, o := range opts {
		o(cfg)
	}
	clock := &Clock{now: time.Now()}
	env := &Env{Clock: clock, logs: &syncBuffer{}}
	if cfg.sim != nil {
		env.Sim, env.SimURL = cfg.sim, cfg.simURL
	} else {
		env.Sim = panelsim.New(panelsim.WithClock(clock.Now), panelsim.WithSeed(cfg.seed))
		ts := httptest.NewServer(env.Sim)
		t.Cleanup(ts.Close)
		env.SimURL = ts.URL + "/v2/panel"
	}
	if cfg.keys == nil {
		kp, _ := auth.GenerateKeys()
		cfg.keys = []auth.KeyPair{kp}
	}
	env.Keys = cfg.keys
	client, err := panelclient.New(env.SimURL, panelclient.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	cookieOpts := auth.CookieOptions{Idle: 2 * time.Hour}
	if cfg.cookies != nil {
		cookieOpts = *cfg.cookies
	}
	env.Sessions = auth.NewManager(cfg.keys, cookieOpts, clock.Now)
	env.Throttle = auth.NewThrottle(clock.Now)
	ho := handlers.Options{
		Client:   client,
		Sessions: env.Sessions,
		Throttle: env.Throttle,
		Assets:   static.Load(),
		Logger:   slog.New(slog.NewJSONHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:      clock.Now,
		// The emulator serves the branding images next to its API.
		BrandingImageURL: strings.TrimSuffix(env.SimURL, "/v2/panel") + panelsim.ImagePathPrefix + "{path}",
	}
	if cfg.handlerFn != nil {
		cfg.handlerFn(&ho)
	}
	e := handlers.New(ho)
	env.Echo = e
	if cfg.tls {
		env.Portal = httptest.NewTLSServer(e)
	} else {
		env.Portal = httptest.NewServer(e)
	}
	t.Cleanup(env.Portal.Close)
	env.URL = env.Portal.URL
	return env
}

// Logs returns everything the portal logged so far.
func (e *Env) Logs() string { return e.logs.String() }

// Browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests see each answer.
type Browser struct {
	t    testing.TB
	env  *Env
	HTTP *http.Client
	Jar  *cookiejar.Jar
	csrf string
}

// NewBrowser returns a fresh visitor.
func (e *Env) NewBrowser(t testing.TB) *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{t: t, env: e, Jar: jar, HTTP: &http.Client{
		Transport:     e.Portal.Client().Transport,
		Jar:           jar,
		Timeout:       20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Page is an answer with its parsed HTML.
type Page struct {
	Status int
	Header http.Header
	Body   string
	Doc    *goquery.Document
}

// Location is the redirect target, "" when none.
func (p *Page) Location() string { return p.Header.Get("Location") }

// Text is the trimmed text of the first element matching sel.
func (p *Page) Text(sel string) string { return strings.TrimSpace(p.Doc.Find(sel).First().Text()) }

// Has reports whether sel matches anything.
func (p *Page) Has(sel string) bool { return p.Doc.Find(sel).Length() > 0 }

// Do sends a request and reads the page.
func (b *Browser) Do(req *http.Request) *Page {
	b.t.Helper()
	resp, err := b.HTTP.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(body))
	p := &Page{Status: resp.StatusCode, Header: resp.Header, Body: string(body), Doc: doc}
	if tok, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value"); ok && tok != "" {
		b.csrf = tok
	}
	return p
}

// Get loads a page.
func (b *Browser) Get(path string, headers ...string) *Page {
	req, _ := http.NewRequest(http.MethodGet, b.env.URL+path, nil)
	setHeaders(req, headers)
	return b.Do(req)
}

// Post sends a form with the current anti-forgery token (unless the form
// sets _csrf itself).
func (b *Browser) Post(path string, form url.Values, headers ...string) *Page {
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["_csrf"]; !set {
		form.Set("_csrf", b.CSRF())
	}
	req, _ := http.NewRequest(http.MethodPost, b.env.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	setHeaders(req, headers)
	return b.Do(req)
}

// CSRF returns the anti-forgery token of the last page that had one,
// loading the home page (or the login page) to find it when needed.
func (b *Browser) CSRF() string {
	if b.csrf == "" {
		if p := b.Get("/"); p.Status == http.StatusSeeOther {
			b.Get("/login")
		}
	}
	return b.csrf
}

// Login signs in and fails the test when that does not work.
func (b *Browser) Login(login, password string) {
	b.t.Helper()
	b.Get("/login")
	p := b.Post("/login", url.Values{"login": {login}, "password": {password}})
	if p.Status != http.StatusSeeOther {
		b.t.Fatalf("login %s: status %d: %s", login, p.Status, p.Text("[data-testid=login-error]"))
	}
	b.csrf = ""
	b.Get("/")
}

// Cookie returns the value of a cookie the portal set, "" when none.
func (b *Browser) Cookie(name string) string {
	u, _ := url.Parse(b.env.URL)
	for _, c := range b.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// SetCookie replaces a cookie in the jar.
func (b *Browser) SetCookie(name, value string) {
	u, _ := url.Parse(b.env.URL)
	b.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

func setHeaders(req *http.Request, kv []string) {
	for i := 0; i+1 < len(kv); i += 2 {
		req.Header.Set(kv[i], kv[i+1])
	}
}

// HTMX are the headers of an htmx partial request.
var HTMX = []string{"HX-Request", "true"}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
