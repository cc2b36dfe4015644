package templates

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/navixy-portal/portal/i18n"
)

// BenchmarkUsersTable renders the 50-row users table a list page sends,
// in both languages' number and date formats.
func BenchmarkUsersTable(b *testing.B) {
	v := benchUsersView()
	for _, lang := range []i18n.Lang{i18n.EN, i18n.RU} {
		b.Run(string(lang), func(b *testing.B) {
			ctx := WithShell(i18n.WithLocalizer(context.Background(), i18n.For(lang)), &Shell{Lang: lang, Path: "/users", Partial: true})
			benchRender(b, ctx, UsersTablePartial(v))
		})
	}
}

// benchUsersView is a users page of 50 rows with the export form.
func benchUsersView() UsersListView {
	v := UsersListView{State: ListState{Path: "/users", Target: "#users-table", Sort: "id", Page: 2, PerPage: 50, Total: 5000}, CanCreate: true, CanImport: true}
	for i := range 50 {
		v.Rows = append(v.Rows, UserRow{
			ID: 1000 + i, Name: "Иванова-Smith, Анна-Maria " + strconv.Itoa(i), Activated: i%7 != 0, Verified: i%3 != 0,
			Balance: float64(i*1234) / 7, Bonus: float64(i), Trackers: i % 12, Login: "user" + strconv.Itoa(i) + "@example.com",
			Phone: "+7 900 000 00 " + strconv.Itoa(i), City: "Санкт-Петербург <b>&amp;", Created: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		})
	}
	var cols []UserExportColumn
	for i := range 30 {
		cols = append(cols, UserExportColumn{Key: "col_" + strconv.Itoa(i), LabelKey: "users.col.login", Checked: i%3 == 0})
	}
	v.ExportCols = NewExportColumns(cols)
	return v
}

// BenchmarkUsersPage renders the whole users page, frame included, as a
// first visit gets it.
func BenchmarkUsersPage(b *testing.B) {
	v := benchUsersView()
	nav := []NavItem{{"nav.users", "/users", true, "nav-users"}, {"nav.trackers", "/trackers", false, "nav-trackers"}, {"nav.plans", "/plans", false, "nav-plans"},
		{"nav.settings", "/settings", false, "nav-settings"}, {"nav.resellers", "/resellers", false, "nav-resellers"}}
	shell := &Shell{Lang: i18n.EN, Path: "/users", Login: "admin", CSRF: "iouzNr0EMA8jaCyuUYC9cOMA6_7IDhGL", Nav: nav, CanSearch: true, ChangePassword: true,
		Dealer: "Navixy Demo", RequestID: "Wtwr7v-Dfa7nJvRp", CSS: []string{"/static/a.css", "/static/b.css"}, JS: []string{"/static/a.js", "/static/b.js"}}
	ctx := WithShell(i18n.WithLocalizer(context.Background(), i18n.For(i18n.EN)), shell)
	benchRender(b, ctx, UsersPage(v))
}

// benchRender renders c over and over into one buffer, reporting bytes
// and allocations per render.
func benchRender(b *testing.B, ctx context.Context, c templ.Component) {
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := c.Render(ctx, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
