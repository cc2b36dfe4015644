package static

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAssetsHaveHashedURLsAndLongCache(t *testing.T) {
	a := Load()
	for _, name := range []string{"vendor/htmx.min.js", "vendor/pico.min.css", "portal.css", "portal.js"} {
		u := a.URL(name)
		if u == Prefix+name || !strings.HasPrefix(u, Prefix) {
			t.Fatalf("%s has no hashed URL: %s", name, u)
		}
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
		if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
			t.Fatalf("%s: status %d", u, rec.Code)
		}
		if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q", u, cc)
		}
	}
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, Prefix+"portal.css", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("an unhashed URL answered %d", rec.Code)
	}
}

func TestAssetsAreServedGzipped(t *testing.T) {
	a := Load()
	req := httptest.NewRequest(http.MethodGet, a.URL("vendor/htmx.min.js"), nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, req)
	plain := httptest.NewRecorder()
	a.ServeHTTP(plain, httptest.NewRequest(http.MethodGet, a.URL("vendor/htmx.min.js"), nil))
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Body.Len()*2 > plain.Body.Len() {
		t.Fatalf("gzip %q: %d bytes against %d", rec.Header().Get("Content-Encoding"), rec.Body.Len(), plain.Body.Len())
	}
}
