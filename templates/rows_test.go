package templates

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/navixy-portal/portal/i18n"
)

// renderRows renders user rows inside a table, as the list does, and
// parses the result the way a browser would.
func renderRows(t *testing.T, lang i18n.Lang, rows []UserRow) *goquery.Document {
	t.Helper()
	ctx := i18n.WithLocalizer(context.Background(), i18n.For(lang))
	var buf bytes.Buffer
	buf.WriteString("<table><tbody>")
	if err := userRows(rows).Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	buf.WriteString("</tbody></table>")
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestUserRowsShowEveryValueAsText(t *testing.T) {
	hostile := `<script>alert("x")</script> & 'quoted' "name"`
	long := strings.Repeat("Щ", userClipLen+5)
	rows := []UserRow{
		{ID: 7, Name: hostile, Activated: true, Verified: true, Balance: -1234.5, Bonus: 0.1234,
			Trackers: 12345, Login: `o'brien+<b>@x.example`, Phone: `+1 "555"`, City: "A&B",
			Created: time.Date(2026, 3, 7, 14, 5, 0, 0, time.UTC)},
		{ID: 8, Name: long, Activated: false, City: long},
		{ID: 9, Name: "Ann", Activated: true, Verified: false},
	}
	doc := renderRows(t, i18n.EN, rows)
	if n := doc.Find("script").Length(); n != 0 {
		t.Fatalf("a value became markup: %d script elements", n)
	}
	tr := doc.Find(`tr[data-user-id]`)
	if tr.Length() != 3 {
		t.Fatalf("%d rows, want 3", tr.Length())
	}
	first := tr.Eq(0)
	cells := first.Find("td")
	want := []string{"7", hostile, "−1,234.50", "0.1234", "12,345", `o'brien+<b>@x.example`, `+1 "555"`, "A&B", "2026-03-07"}
	if cells.Length() != len(want) {
		t.Fatalf("%d cells, want %d", cells.Length(), len(want))
	}
	for i, w := range want {
		if got := strings.TrimSpace(cells.Eq(i).Text()); got != w {
			t.Errorf("cell %d = %q, want %q", i, got, w)
		}
	}
	if id, _ := first.Attr("data-user-id"); id != "7" {
		t.Errorf("data-user-id = %q", id)
	}
	for _, col := range []int{0, 1} { // the id and the name open the card
		if href, _ := cells.Eq(col).Find("a").Attr("href"); href != "/users/7" {
			t.Errorf("cell %d links to %q", col, href)
		}
	}
	if _, has := cells.Eq(1).Find("a").Attr("title"); has {
		t.Error("a short name has a title")
	}
	cells.Each(func(i int, td *goquery.Selection) {
		if c, _ := td.Attr("class"); c != map[bool]string{true: "neg"}[i == 2] {
			t.Errorf("cell %d class = %q (only a negative balance has one)", i, c)
		}
	})
	if c, has := tr.Eq(2).Find("td").Eq(2).Attr("class"); has {
		t.Errorf("a zero balance has class %q", c)
	}
	if first.Find(".badge").Length() != 0 {
		t.Error("an active, verified user has a badge")
	}

	second := tr.Eq(1)
	name := second.Find("td").Eq(1).Find("a")
	if title, _ := name.Attr("title"); title != long {
		t.Errorf("a clipped name's title is %q", title)
	}
	if got := []rune(name.Text()); len(got) != userClipLen || got[len(got)-1] != '…' {
		t.Errorf("clipped name %q: %d runes", string(got), len(got))
	}
	if second.Find(`[data-testid="badge-inactive"]`).Length() != 1 {
		t.Error("an inactive user has no inactive badge")
	}
	if got := second.Find("td").Eq(8).Text(); got != "—" {
		t.Errorf("no creation date shows %q", got)
	}
	if tr.Eq(2).Find(`[data-testid="badge-unverified"]`).Length() != 1 {
		t.Error("an unverified user has no unverified badge")
	}

	ru := renderRows(t, i18n.RU, rows[:1]).Find("td")
	if got := ru.Eq(2).Text(); got != "−1\u00a0234,50" {
		t.Errorf("Russian balance %q", got)
	}
	if got := ru.Eq(8).Text(); got != "07.03.2026" {
		t.Errorf("Russian date %q", got)
	}
}

// referenceURL is the list state's URL built the plain way, through
// url.Values, which ListState.URL must match.
func referenceURL(s ListState) string {
	v := url.Values{}
	for k, vals := range s.Filters {
		for _, x := range vals {
			if x != "" {
				v.Add(k, x)
			}
		}
	}
	if s.Q != "" {
		v.Set("q", s.Q)
	}
	if s.Sort != "" {
		v.Set("sort", s.Sort)
		if s.Desc {
			v.Set("dir", "desc")
		}
	}
	if s.Page > 1 {
		v.Set("page", strconv.Itoa(s.Page))
	}
	if s.PerPage != 0 && s.PerPage != DefaultPerPage {
		v.Set("per_page", strconv.Itoa(s.PerPage))
	}
	if q := v.Encode(); q != "" {
		return s.Path + "?" + q
	}
	return s.Path
}

func TestListStateURLMatchesURLValues(t *testing.T) {
	states := []ListState{
		{Path: "/users"},
		{Path: "/users", Page: 1, PerPage: DefaultPerPage},
		{Path: "/users", Q: "a b&c=d/é", Sort: "login", Desc: true, Page: 3, PerPage: 50},
		{Path: "/trackers", Filters: url.Values{"clones": {"only"}, "status": {"", "active", "blocked"}, "zz": {"1"}, "aa": {"x y"}}},
		{Path: "/trackers", Q: "imei", Filters: url.Values{"q": {"filter's own q"}, "page": {"9"}, "dir": {"asc"}}, Sort: "label", Page: 2},
		{Path: "/trackers", Filters: url.Values{"q": {"kept when the state has no q"}, "sort": {"kept"}}},
		{Path: "/codes", Filters: url.Values{"per_page": {"7"}}, PerPage: 100},
	}
	for _, s := range states {
		if got, want := s.URL(), referenceURL(s); got != want {
			t.Errorf("%+v:\n got %s\nwant %s", s, got, want)
		}
		for _, p := range []int{1, 2, 40} {
			if got, want := s.PageURL(p), referenceURL(ListState{Path: s.Path, Q: s.Q, Sort: s.Sort, Desc: s.Desc, Page: p, PerPage: s.PerPage, Filters: s.Filters}); got != want {
				t.Errorf("page %d of %+v:\n got %s\nwant %s", p, s, got, want)
			}
		}
	}
}

func TestHiddenFieldsLeaveOutThePageAndTheFormsOwnFields(t *testing.T) {
	s := ListState{Path: "/users", Q: "smith", Sort: "login", Page: 4, PerPage: 50, Filters: url.Values{"active": {"1"}}}
	got := s.HiddenFields("q")
	want := [][2]string{{"active", "1"}, {"per_page", "50"}, {"sort", "login"}}
	if len(got) != len(want) {
		t.Fatalf("%v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%v, want %v", got, want)
		}
	}
}

func TestExportColumnBoxes(t *testing.T) {
	ctx := i18n.WithLocalizer(context.Background(), i18n.For(i18n.RU))
	var buf bytes.Buffer
	cols := []UserExportColumn{{Key: "id", LabelKey: "users.col.id", Checked: true}, {Key: `a"b`, LabelKey: "users.col.login"}}
	if err := exportColumnBoxes(cols).Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	boxes := doc.Find(`label > input[type="checkbox"][name="cols"]`)
	if boxes.Length() != 2 {
		t.Fatalf("%d boxes: %s", boxes.Length(), buf.String())
	}
	for i, col := range cols {
		box := boxes.Eq(i)
		if v, _ := box.Attr("value"); v != col.Key {
			t.Errorf("box %d value %q", i, v)
		}
		if id, _ := box.Attr("id"); id != "exp-col-"+col.Key {
			t.Errorf("box %d id %q", i, id)
		}
		if f, _ := box.Parent().Attr("for"); f != "exp-col-"+col.Key {
			t.Errorf("label %d for %q", i, f)
		}
		if _, checked := box.Attr("checked"); checked != col.Checked {
			t.Errorf("box %d checked = %v", i, checked)
		}
		if got, want := strings.TrimSpace(box.Parent().Text()), i18n.For(i18n.RU).T(col.LabelKey); got != want {
			t.Errorf("label %d says %q, want %q", i, got, want)
		}
	}
}

// TestListLinksCarryTheStateAsText: the pager's and the sort headers'
// links carry the search and filters, however hostile, as URL values that
// come back whole; their htmx and plain addresses agree; and a swapped
// table's pager refreshes the search form's state out of band.
func TestListLinksCarryTheStateAsText(t *testing.T) {
	hostile := `"><script>alert('x')</script>&q=1 ж`
	s := ListState{Path: "/users", Q: hostile, Sort: "login", Page: 3, PerPage: 10, Total: 95,
		Target: "#users-table", Filters: url.Values{"active": {"1"}, "x&y": {hostile}}}
	for _, partial := range []bool{false, true} {
		ctx := WithShell(i18n.WithLocalizer(context.Background(), i18n.For(i18n.EN)), &Shell{Lang: i18n.EN, Partial: partial})
		var buf bytes.Buffer
		buf.WriteString("<table><thead><tr>")
		for _, c := range []interface {
			Render(context.Context, io.Writer) error
		}{SortHeader(s, "login", "users.col.login"), SortHeader(s, "id", "users.col.id")} {
			if err := c.Render(ctx, &buf); err != nil {
				t.Fatal(err)
			}
		}
		buf.WriteString("</tr></thead></table>")
		if err := Pager(s).Render(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		doc, err := goquery.NewDocumentFromReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if n := doc.Find("script").Length(); n != 0 {
			t.Fatalf("the state became markup: %d script elements", n)
		}
		links := doc.Find("a")
		// Two headers; first, previous, next, last; three other page sizes.
		if links.Length() != 9 {
			t.Fatalf("%d links, want 9", links.Length())
		}
		links.Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			if get, _ := a.Attr("hx-get"); get != href {
				t.Errorf("hx-get %q, href %q", get, href)
			}
			if target, _ := a.Attr("hx-target"); target != "#users-table" {
				t.Errorf("hx-target %q", target)
			}
			u, err := url.Parse(href)
			if err != nil || u.Path != "/users" {
				t.Fatalf("link %q: %v", href, err)
			}
			q := u.Query()
			if q.Get("q") != hostile || q.Get("x&y") != hostile || q.Get("active") != "1" {
				t.Errorf("link %q lost the search or a filter: %v", href, q)
			}
		})
		next, _ := doc.Find(`[data-testid="page-next"]`).Attr("href")
		if u, _ := url.Parse(next); u.Query().Get("page") != "4" || u.Query().Get("sort") != "login" {
			t.Errorf("next page link %q", next)
		}
		if got := doc.Find(`[data-testid="sort-login"]`).AttrOr("aria-sort", ""); got != "ascending" {
			t.Errorf("sorted column aria-sort %q", got)
		}
		sortDesc, _ := doc.Find(`[data-testid="sort-login"] a`).Attr("href")
		if u, _ := url.Parse(sortDesc); u.Query().Get("dir") != "desc" || u.Query().Get("page") != "" {
			t.Errorf("sorting again should go descending from page 1: %q", sortDesc)
		}
		oob := doc.Find(`[hx-swap-oob="true"]`)
		if partial != (oob.Length() == 1) {
			t.Fatalf("partial %v: %d out-of-band blocks", partial, oob.Length())
		}
		if partial {
			if id, _ := oob.Attr("id"); id != s.StateID() {
				t.Errorf("out-of-band block %q, want %q", id, s.StateID())
			}
			if v, _ := oob.Find(`input[name="per_page"]`).Attr("value"); v != "10" {
				t.Errorf("out-of-band page size %q", v)
			}
		}
	}
}

// TestExportFormFixedPartIsInThePagesLanguage: the export form's fixed
// part, built once per language, is the same markup as built afresh, and a
// page in one language never gets the copy made for another.
func TestExportFormFixedPartIsInThePagesLanguage(t *testing.T) {
	cols := []UserExportColumn{{Key: "id", LabelKey: "users.col.id", Checked: true}, {Key: "login", LabelKey: "users.col.login"}}
	x := NewExportColumns(cols)
	render := func(c templ.Component, lang i18n.Lang) string {
		var buf bytes.Buffer
		if err := c.Render(i18n.WithLocalizer(context.Background(), i18n.For(lang)), &buf); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	for _, lang := range []i18n.Lang{i18n.EN, i18n.RU, i18n.EN, i18n.RU} {
		got, want := render(x.fields(), lang), render(usersExportFields(cols), lang)
		if got != want {
			t.Fatalf("%s: copied fixed part differs from a fresh one:\n%s\nwant\n%s", lang, got, want)
		}
		label := i18n.For(lang).T("users.export.download")
		if !strings.Contains(got, label) {
			t.Fatalf("%s: the fixed part lacks its button label %q:\n%s", lang, label, got)
		}
	}
	if en, ru := render(x.fields(), i18n.EN), render(x.fields(), i18n.RU); en == ru {
		t.Fatal("both languages got the same copy")
	}
}

// TestUsersPageNotesItsFixedPart: rendered into a PageBuffer, a users page
// notes where the export form's fixed part is, and that span is the fixed
// part; its deflate form inflates to it. Rendered into anything else, the
// page is the same markup.
func TestUsersPageNotesItsFixedPart(t *testing.T) {
	v := benchUsersView()
	ctx := WithShell(i18n.WithLocalizer(context.Background(), i18n.For(i18n.RU)), &Shell{Lang: i18n.RU, Login: "op", CSRF: "t", Path: "/users"})
	for round := range 2 { // the first render builds the fixed part, the second copies it
		var page PageBuffer
		if err := UsersPage(v).Render(ctx, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Fixed) != 1 {
			t.Fatalf("round %d: %d fixed parts noted, want 1", round, len(page.Fixed))
		}
		f := page.Fixed[0]
		var want bytes.Buffer
		if err := usersExportFields(v.ExportCols.Cols).Render(ctx, &want); err != nil {
			t.Fatal(err)
		}
		if got := page.Bytes()[f.At : f.At+f.Len]; string(got) != want.String() {
			t.Fatalf("round %d: the noted span is not the fixed part:\n%s", round, got)
		}
		inflated, err := io.ReadAll(flate.NewReader(bytes.NewReader(f.Deflated)))
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatal(err)
		}
		if string(inflated) != want.String() {
			t.Fatalf("round %d: the deflate form inflates to something else", round)
		}
		var plain bytes.Buffer
		if err := UsersPage(v).Render(ctx, &plain); err != nil {
			t.Fatal(err)
		}
		if plain.String() != page.String() {
			t.Fatalf("round %d: the page differs with and without a PageBuffer", round)
		}
	}
}

// TestUsersTableLinksInheritTheirTarget: the users table's sort and pager
// links leave hx-target, hx-swap and hx-push-url to the table's container,
// which says them; other lists' links still say them themselves.
func TestUsersTableLinksInheritTheirTarget(t *testing.T) {
	ctx := i18n.WithLocalizer(context.Background(), i18n.For(i18n.EN))
	state := ListState{Path: "/users", Target: "#users-table", Page: 2, PerPage: 10, Total: 45, Filters: url.Values{}}
	var buf bytes.Buffer
	if err := UsersTable(UsersListView{State: state, Rows: []UserRow{{ID: 1, Name: "Ann"}}}).Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	box := doc.Find("#users-table")
	for attr, want := range map[string]string{"hx-target": "#users-table", "hx-swap": "outerHTML", "hx-push-url": "true"} {
		if got, _ := box.Attr(attr); got != want {
			t.Errorf("container %s = %q, want %q", attr, got, want)
		}
	}
	links := box.Find("a[hx-get]")
	if links.Length() < 8 {
		t.Fatalf("%d htmx links in the table", links.Length())
	}
	links.Each(func(_ int, a *goquery.Selection) {
		for _, attr := range []string{"hx-target", "hx-swap", "hx-push-url"} {
			if _, has := a.Attr(attr); has {
				t.Errorf("link %s repeats %s", a.AttrOr("href", "?"), attr)
			}
		}
	})

	// A list whose container does not carry them keeps them on each link.
	buf.Reset()
	if err := SortHeader(state, "id", "users.col.id").Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `hx-target="#users-table" hx-swap="outerHTML" hx-push-url="true"`) {
		t.Errorf("a sort header outside an inheriting container: %s", buf.String())
	}
}
