package handlers

import (
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/templates"
)

// FuzzSafeNext: whatever "next" a link carries, the portal only ever
// redirects to a path on itself.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/users?q=a", "//evil.example", "https://evil.example", "/\\evil", "/%2F%2Fevil", "javascript:alert(1)", "/login", " /x", "/\t/x", "/..//evil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got == "" {
			return
		}
		if got != next || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n\t") {
			t.Fatalf("safeNext(%q) = %q", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("safeNext(%q) leaves the portal: %+v", next, u)
		}
		// Browsers treat a leading "/\" or "//" after resolution as another
		// host; resolve against the portal's origin to be sure.
		base, _ := url.Parse("https://portal.example/")
		if r := base.ResolveReference(u); r.Host != "portal.example" {
			t.Fatalf("safeNext(%q) resolves to %s", next, r)
		}
	})
}

// FuzzParseList: any query string gives a list state within bounds.
func FuzzParseList(f *testing.F) {
	f.Add("q=abc&sort=id&dir=desc&page=3&per_page=50&active=1")
	f.Add("page=-1&per_page=7&sort=password")
	f.Add("page=99999999999999999999&q=" + strings.Repeat("x", 500))
	f.Add("%zz&&==")
	spec := listSpec{path: "/users", target: "#t", sorts: []string{"id", "login"}, filters: []string{"active"}}
	e := echo.New()
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest("GET", "/users", nil)
		req.URL.RawQuery = raw
		c := e.NewContext(req, httptest.NewRecorder())
		s := parseList(c, spec)
		if s.Page < 1 || !slices.Contains(templates.PageSizes, s.PerPage) || len(s.Q) > 200 {
			t.Fatalf("%q -> page %d per_page %d q len %d", raw, s.Page, s.PerPage, len(s.Q))
		}
		if s.Sort != "" && !slices.Contains(spec.sorts, s.Sort) {
			t.Fatalf("%q -> sort %q", raw, s.Sort)
		}
		if s.Offset() < 0 {
			t.Fatalf("%q -> offset %d", raw, s.Offset())
		}
	})
}

// FuzzUserForm: any posted user form is read and checked without a panic,
// and every message lands on a field the form has (or on the form itself).
func FuzzUserForm(f *testing.F) {
	f.Add("login=a%40b.example&first_name=Ann&last_name=Lee&phone=12345678901&legal_type=individual&password=Xx1%21xxxxxxxxx&password_confirm=Xx1%21xxxxxxxxx&time_zone=Europe%2FLondon&locale=en")
	f.Add("legal_type=legal_entity&legal_name=%3Cscript%3E&tin=abc&discount.value=150&discount.end_date=2026-13-40&comment=" + strings.Repeat("%00", 300))
	f.Add("login=&phone=%2B%2B%2B&default_tariff_id=-1&discount.min_trackers=x")
	e := echo.New()
	zones := []templates.UserChoice{{Value: "Europe/London"}}
	locales := []templates.UserChoice{{Value: "en"}}
	known := map[string]bool{"": true, "password": true, "password_confirm": true}
	for _, name := range slices.Concat(userTextFields, userOtherFields, userCheckFields) {
		known[name] = true
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/users/new", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		c := e.NewContext(req, httptest.NewRecorder())
		v := readUserValues(c)
		for _, create := range []bool{true, false} {
			errs := checkUser(i18n.For(i18n.EN), v, create, c.FormValue("password"), c.FormValue("password_confirm"), zones, locales)
			for field := range errs {
				if !known[field] {
					t.Fatalf("message on unknown field %q for %q", field, body)
				}
			}
		}
	})
}

// FuzzPanelTimeMatchesTimeParse: the quick reader of the Panel's usual
// date-time agrees with time.Parse over the Panel's layouts on anything.
func FuzzPanelTimeMatchesTimeParse(f *testing.F) {
	for _, s := range []string{
		"2026-03-07 14:05:09", "2024-02-29 23:59:59", "2023-02-29 10:00:00", "2026-04-31 00:00:00",
		"2026-13-01 00:00:00", "2026-00-10 00:00:00", "2026-01-00 00:00:00", "2026-01-01 24:00:00",
		"2026-01-01 23:60:00", "2026-01-01 23:59:60", "0000-01-01 00:00:00", "9999-12-31 23:59:59",
		"2026-1-07 14:05:09", "2026-01-07T14:05:09", "2026-01-07 14:05", "2026-01-07", "2026-01-07T14:05:09Z",
		" 2026-03-07 14:05:09 ", "2026-03-07 14:05:0x", "+026-03-07 14:05:09", "2026-03-07 1४:05:09", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want time.Time
		for _, layout := range panelTimeLayouts {
			if v, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
				want = v
				break
			}
		}
		if got := panelTime(s); !got.Equal(want) || got.Location() != want.Location() {
			t.Fatalf("panelTime(%q) = %v, time.Parse says %v", s, got, want)
		}
	})
}
