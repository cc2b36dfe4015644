package templates

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/navixy-portal/portal/i18n"
)

// renderPage renders Page around a small child, as a page handler does, and
// returns the markup and the document a browser would build from it.
func renderPage(t *testing.T, s *Shell, title string) (string, *goquery.Document) {
	t.Helper()
	ctx := WithShell(i18n.WithLocalizer(context.Background(), i18n.For(s.Lang)), s)
	ctx = templ.WithChildren(ctx, templ.Raw(`<p id="child">the page's own content</p>`))
	var buf bytes.Buffer
	if err := Page(title).Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), doc
}

func TestPageFrameShowsEveryValueAsText(t *testing.T) {
	hostile := `<script>alert("x")</script> & 'q'`
	s := &Shell{
		Lang: i18n.EN, Login: "op" + hostile, CSRF: `tok"<en>`, Dealer: "Dealer" + hostile,
		Path:  "/users?q=" + url.QueryEscape(hostile),
		Flash: &Flash{Kind: "ok", Text: "Saved" + hostile}, Reseller: "res" + hostile,
		Nav:       []NavItem{{Key: "nav.users", Href: "/users", Current: true, TestID: "nav-users"}, {Key: "nav.trackers", Href: "/trackers?a=1&b=2", TestID: "nav-trackers"}},
		CanSearch: true, ChangePassword: true,
		CSS: []string{"/static/portal.abc.css"}, JS: []string{"/static/portal.abc.js"},
	}
	raw, doc := renderPage(t, s, "Users"+hostile)

	if n := doc.Find("script:not([src])").Length(); n != 0 {
		t.Fatalf("a value became markup: %d inline script elements\n%s", n, raw)
	}
	checks := []struct{ sel, attr, want string }{
		{"title", "", "Users" + hostile + " · Navixy Panel Portal"},
		{`[data-testid="whoami"]`, "", s.Login},
		{`[data-testid="dealer-name"]`, "", s.Dealer},
		{`#flash .notice.ok[role="status"]`, "", s.Flash.Text},
		{`form[action="/logout"] input[name="_csrf"]`, "value", s.CSRF},
		{`[data-testid="reseller-banner"] input[name="_csrf"]`, "value", s.CSRF},
		{"body", "hx-headers", `{"X-CSRF-Token":"` + s.CSRF + `"}`},
		{`[data-testid="nav-trackers"]`, "href", "/trackers?a=1&b=2"},
		{`[aria-current="page"]`, "data-testid", "nav-users"},
		{`link[rel="stylesheet"]`, "href", "/static/portal.abc.css"},
		{"script[defer]", "src", "/static/portal.abc.js"},
		{"html", "lang", "en"},
		{`meta[name="htmx-config"]`, "content", htmxConfig},
		{`[data-testid="lang-ru"]`, "href", "/lang?to=ru&next=" + url.QueryEscape(s.Path)},
	}
	for _, c := range checks {
		sel := doc.Find(c.sel)
		if sel.Length() != 1 {
			t.Errorf("%s: %d elements, want 1", c.sel, sel.Length())
			continue
		}
		// An attribute must be the value exactly; text must hold it.
		if c.attr != "" {
			if got, _ := sel.Attr(c.attr); got != c.want {
				t.Errorf("%s %s = %q, want %q", c.sel, c.attr, got, c.want)
			}
		} else if got := sel.Text(); !strings.Contains(got, c.want) {
			t.Errorf("%s text = %q, want it to hold %q", c.sel, got, c.want)
		}
	}
	if !strings.Contains(doc.Find(`[data-testid="reseller-banner"]`).Text(), s.Reseller) {
		t.Errorf("the reseller banner does not name the reseller as text")
	}
	if _, ok := doc.Find("body").Attr("data-private"); !ok {
		t.Error("a signed-in page lacks data-private")
	}
	if doc.Find("main#content > #child").Length() != 1 {
		t.Errorf("the page's content is not inside main:\n%s", raw)
	}
	if doc.Find(`#global-q`).Length() != 1 || doc.Find(`[data-testid="account-password"]`).Length() != 1 {
		t.Error("the search box or the change-password link is missing though the shell allows them")
	}
}

func TestPageFrameLeavesOutWhatTheShellDoesNotAllow(t *testing.T) {
	// A visitor (the login page): no header, no private marker, no banner.
	raw, doc := renderPage(t, &Shell{Lang: i18n.RU, CSRF: "t", Path: "/login"}, "Вход")
	if doc.Find("header, [data-testid=whoami], [data-testid=reseller-banner], #flash .notice").Length() != 0 {
		t.Errorf("a visitor's page carries signed-in parts:\n%s", raw)
	}
	if _, ok := doc.Find("body").Attr("data-private"); ok {
		t.Error("a visitor's page is marked private")
	}
	if got, _ := doc.Find("html").Attr("lang"); got != "ru" {
		t.Errorf("html lang = %q, want ru", got)
	}
	if doc.Find(`[data-testid="lang-en"]`).Length() != 1 || doc.Find(`[data-testid="lang-ru"]`).Length() != 0 {
		t.Error("the language switcher should link the other language only")
	}

	// Signed in without search, password change or a dealer's title.
	_, doc = renderPage(t, &Shell{Lang: i18n.EN, Login: "tech", CSRF: "t", Path: "/"}, "Home")
	if doc.Find(`#global-q, [data-testid="account-password"], [data-testid="dealer-name"]`).Length() != 0 {
		t.Error("the header shows a control the shell does not allow")
	}
}

func TestPartialPageIsTheTitleAndTheContent(t *testing.T) {
	raw, _ := renderPage(t, &Shell{Lang: i18n.EN, Login: "op", CSRF: "t", Partial: true, Flash: &Flash{Kind: "ok", Text: "x"}}, "Users & <co>")
	want := `<title>Users &amp; &lt;co&gt; · Navixy Panel Portal</title><p id="child">the page's own content</p>`
	if raw != want {
		t.Fatalf("partial =\n%s\nwant\n%s", raw, want)
	}
}
