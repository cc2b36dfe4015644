package templates

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/navixy-portal/portal/i18n"
)

// TestFrameSharesItsRepeatedSpans: a full page rendered to be sent
// gzipped notes the frame's three repeated spans (the head up to the
// title, the style sheets and scripts, the header up to the staff
// member's own values) before the export form's fixed part. Each span is
// the markup at its place and inflates to it; the next page with the same
// frame copies the very same deflate bytes; no span holds the page title,
// the anti-forgery token or the staff member's login; and the markup is
// the same as when nothing is noted.
func TestFrameSharesItsRepeatedSpans(t *testing.T) {
	v := benchUsersView()
	nav := []NavItem{{"nav.users", "/users", true, "nav-users"}, {"nav.trackers", "/trackers", false, "nav-trackers"}, {"nav.plans", "/plans", false, "nav-plans"}}
	render := func(lang i18n.Lang, csrf, login string) (*PageBuffer, string) {
		t.Helper()
		shell := &Shell{Lang: lang, Path: "/users", Login: login, CSRF: csrf, Nav: nav, CanSearch: true, Dealer: "Demo",
			CSS: []string{"/static/portal.0123456789.css", "/static/pico.0123456789.css"}, JS: []string{"/static/htmx.0123456789.js", "/static/app.0123456789.js"}}
		ctx := WithShell(i18n.WithLocalizer(context.Background(), i18n.For(lang)), shell)
		page := &PageBuffer{Deflate: true}
		if err := UsersPage(v).Render(ctx, page); err != nil {
			t.Fatal(err)
		}
		var plain bytes.Buffer
		if err := UsersPage(v).Render(ctx, &plain); err != nil {
			t.Fatal(err)
		}
		if plain.String() != page.String() {
			t.Fatal("noting the spans changed the markup")
		}
		return page, plain.String()
	}
	first, _ := render(i18n.EN, "token-one-0123456789", "anna")
	second, html := render(i18n.EN, "token-two-9876543210", "boris")
	if len(first.Fixed) != 4 || len(second.Fixed) != 4 {
		t.Fatalf("%d and %d parts noted, want the frame's 3 and the export form", len(first.Fixed), len(second.Fixed))
	}
	wantStarts := []string{`<!doctype html>`, `<link rel="stylesheet"`, `&#34;}" data-private>`}
	for i, f := range second.Fixed[:3] {
		got := html[f.At : f.At+f.Len]
		if !strings.HasPrefix(got, wantStarts[i]) {
			t.Errorf("span %d starts %.40q, want %q", i, got, wantStarts[i])
		}
		for _, private := range []string{"token-two", "boris", "<title>", "Demo"} {
			if strings.Contains(got, private) {
				t.Errorf("span %d holds %q, which is not the same on every page:\n%s", i, private, got)
			}
		}
		inflated, err := io.ReadAll(flate.NewReader(bytes.NewReader(f.Deflated)))
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatal(err)
		}
		if string(inflated) != got {
			t.Errorf("span %d inflates to something else", i)
		}
		if &f.Deflated[0] != &first.Fixed[i].Deflated[0] {
			t.Errorf("span %d was deflated again for the second page", i)
		}
	}
	if !strings.HasSuffix(html[second.Fixed[2].At:second.Fixed[2].At+second.Fixed[2].Len], `name="q" value="`) {
		t.Error("the header's span does not end where the search box's value begins")
	}

	// Another language has its own head; a page not to be gzipped notes
	// no span (only the export form, which costs nothing to note).
	ru, _ := render(i18n.RU, "token-one-0123456789", "anna")
	if &ru.Fixed[0].Deflated[0] == &first.Fixed[0].Deflated[0] {
		t.Error("the Russian head shares the English one's deflate form")
	}
	shell := &Shell{Lang: i18n.EN, Path: "/users", Login: "anna", CSRF: "t", Nav: nav, CanSearch: true}
	plain := &PageBuffer{}
	if err := UsersPage(v).Render(WithShell(i18n.WithLocalizer(context.Background(), i18n.For(i18n.EN)), shell), plain); err != nil {
		t.Fatal(err)
	}
	if len(plain.Fixed) != 1 {
		t.Errorf("%d parts noted on a page not to be gzipped, want the export form's", len(plain.Fixed))
	}
}

// TestSharedSpansAreBounded: past maxSharedSpans different spans, a new
// one is compressed with its page rather than remembered; one already
// remembered is still found.
func TestSharedSpansAreBounded(t *testing.T) {
	forget := func() { sharedDeflate.m.Clear(); sharedDeflate.n.Store(0) }
	forget()
	t.Cleanup(forget)
	known := []byte(strings.Repeat("<p>known span</p>", 30))
	if sharedMarkup(known) == nil {
		t.Fatal("a first span was not remembered")
	}
	for i := 0; sharedDeflate.n.Load() < maxSharedSpans; i++ {
		sharedMarkup([]byte(strings.Repeat("<p>filler</p>", 30) + strings.Repeat("x", i)))
	}
	if m := sharedMarkup([]byte(strings.Repeat("<p>one more</p>", 30))); m != nil {
		t.Error("a span past the bound was remembered")
	}
	if m := sharedMarkup(known); m == nil || m.html != string(known) {
		t.Error("a remembered span is no longer found")
	}
}
