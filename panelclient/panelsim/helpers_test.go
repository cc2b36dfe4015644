package panelsim

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, time.November, 27, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// smallSeed keeps unit tests fast while still covering every kind of record.
var smallSeed = WithSeed(SeedConfig{Users: 60, Trackers: 200})

// request is one call to the emulator, described the way tests need.
type request struct {
	method string // default POST
	path   string // below /v2/panel/, e.g. "dealer/get_info"
	json   string // JSON body
	form   url.Values
	multi  map[string]string // multipart fields
	query  url.Values
	header map[string]string
}

// result is a decoded reply.
type result struct {
	status int
	body   []byte
	obj    map[string]any
}

func (r result) code() int {
	st, _ := r.obj["status"].(map[string]any)
	n, _ := st["code"].(float64)
	return int(n)
}

func (r result) success() bool {
	b, _ := r.obj["success"].(bool)
	return b
}

func (rq request) build(t *testing.T) *http.Request {
	t.Helper()
	method := rq.method
	if method == "" {
		method = http.MethodPost
	}
	target := "/v2/panel/" + rq.path
	if rq.query != nil {
		target += "?" + rq.query.Encode()
	}
	var body io.Reader
	contentType := ""
	switch {
	case rq.json != "":
		body, contentType = strings.NewReader(rq.json), "application/json"
	case rq.form != nil:
		body, contentType = strings.NewReader(rq.form.Encode()), "application/x-www-form-urlencoded"
	case rq.multi != nil:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range rq.multi {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		body, contentType = &buf, mw.FormDataContentType()
	}
	req := httptest.NewRequest(method, target, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	return req
}

// do serves one request in-process and decodes the JSON reply.
func do(t *testing.T, s *Server, rq request) result {
	t.Helper()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, rq.build(t))
	res := result{status: rec.Code, body: rec.Body.Bytes()}
	if err := json.Unmarshal(res.body, &res.obj); err != nil {
		t.Fatalf("%s: reply is not JSON: %v\n%s", rq.path, err, res.body)
	}
	return res
}

// login opens a session and returns its hash.
func login(t *testing.T, s *Server, user, password string) string {
	t.Helper()
	res := do(t, s, request{path: "account/auth", json: `{"login":"` + user + `","password":"` + password + `"}`})
	hash, _ := res.obj["hash"].(string)
	if !res.success() || hash == "" {
		t.Fatalf("login %s: %s", user, res.body)
	}
	return hash
}

// bearer is the documented Authorization header of a session.
func bearer(hash string) map[string]string {
	return map[string]string{"Authorization": "NVX " + hash}
}

// wantError checks a failure's code, HTTP status and envelope.
func wantError(t *testing.T, res result, code, status int) {
	t.Helper()
	if res.success() || res.code() != code || res.status != status {
		t.Fatalf("want code %d with HTTP %d, got HTTP %d: %s", code, status, res.status, res.body)
	}
	st := res.obj["status"].(map[string]any)
	if d, _ := st["description"].(string); d == "" {
		t.Fatalf("failure without a description: %s", res.body)
	}
}

func httptestRecorder(s *Server, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) result {
	t.Helper()
	res := result{status: rec.Code, body: rec.Body.Bytes()}
	if err := json.Unmarshal(res.body, &res.obj); err != nil {
		t.Fatalf("reply is not JSON: %v\n%s", err, res.body)
	}
	return res
}

// count is the number of sessions held, expired ones included.
func (b *sessionBook) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.byHash)
}
