package panelclient_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/navixy-portal/portal/panelclient"
)

// FuzzResponseDecoding: whatever the Panel API (or a proxy in front of
// it) answers, the client returns a typed result, an *APIError or a
// *TransportError, never panics, and never puts the hash in an error.
func FuzzResponseDecoding(f *testing.F) {
	const hash = "0123456789abcdef0123456789abcdef"
	var mu sync.Mutex
	var status int
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		st, b := status, body
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st)
		_, _ = w.Write(b)
	}))
	f.Cleanup(srv.Close)
	c, err := panelclient.New(srv.URL+"/v2/panel", panelclient.WithTimeout(2*time.Second))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(200, []byte(`{"success":true,"id":1,"title":"x","features":[]}`))
	f.Add(400, []byte(`{"success":false,"status":{"code":7,"description":"Invalid parameters"},"errors":[{"parameter":"x","error":"bad"}]}`))
	f.Add(403, []byte(`{"success":false,"status":{"code":13,"description":"Operation not permitted `+hash+`"}}`))
	f.Add(502, []byte(`<html><body>Bad gateway</body></html>`))
	f.Add(200, []byte(`{"success":tr`))
	f.Add(200, []byte(`null`))
	f.Add(200, []byte(`{"success":true,"features":{"a":1}}`))
	f.Fuzz(func(t *testing.T, st int, b []byte) {
		if st < 200 || st > 599 {
			st = 200 + (st%400+400)%400
		}
		if st == 204 || st == 304 || (st >= 100 && st < 200) {
			st = 200
		}
		mu.Lock()
		status, body = st, b
		mu.Unlock()
		_, err := c.DealerInfo(context.Background(), hash)
		if err == nil {
			return
		}
		var apiErr *panelclient.APIError
		var tErr *panelclient.TransportError
		if !errors.As(err, &apiErr) && !errors.As(err, &tErr) {
			t.Fatalf("status %d body %q: untyped error %T %v", st, b, err, err)
		}
		if strings.Contains(err.Error(), hash) {
			t.Fatalf("the hash leaked into an error: %v", err)
		}
	})
}

// TestSuccessDecidesThePath: "success" inside a nested object or a
// string does not count; the top-level member does, wherever it stands.
func TestSuccessDecidesThePath(t *testing.T) {
	const hash = "0123456789abcdef0123456789abcdef"
	cases := []struct {
		body string
		ok   bool
	}{
		{`{"success":true,"id":1}`, true},
		{`{"id":1, "success" : true}`, true},
		{`{"value":{"success":true},"success":false,"status":{"code":7,"description":"x"}}`, false},
		{`{"note":"\"success\":true","success":false,"status":{"code":201,"description":"x"}}`, false},
		{`{"success":false,"status":{"code":13,"description":"x"}}`, false},
	}
	for _, c := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(c.body))
		}))
		cl, _ := panelclient.New(srv.URL + "/v2/panel")
		_, err := cl.DealerInfo(context.Background(), hash)
		srv.Close()
		if (err == nil) != c.ok {
			t.Errorf("%s: error %v", c.body, err)
		}
		var apiErr *panelclient.APIError
		if !c.ok && !errors.As(err, &apiErr) {
			t.Errorf("%s: %T, want an *APIError", c.body, err)
		}
	}
}
