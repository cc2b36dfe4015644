package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// usersWait waits until a JavaScript expression is true in the page and
// htmx is done with its requests and swaps: a click on content htmx has not
// processed yet would follow the plain link and reload the whole page.
func usersWait(tb *tab, expr string) {
	tb.t.Helper()
	idle := `(` + expr + `) && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')`
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](idle, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		tb.t.Fatalf("waiting for %s: %v (at %s)", expr, err, tb.location())
	}
}

// usersVoid runs an action for its effect only.
func usersVoid[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := a(ctx, t)
		return err
	})
}

// usersRowCount is the number of user rows in the table.
func usersRowCount(tb *tab) int { return tb.count(`tr[data-user-id]`) }

// TestBrowserUsersList: search as you type, sort, page size and paging
// swap the table alone and keep the state in the address bar.
func TestBrowserUsersList(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(
		chromedp.Click(sel("nav-users")),
		chromedp.WaitVisible(sel("users-table")),
	)
	if n := usersRowCount(tb); n != 20 {
		t.Fatalf("%d rows on the first page", n)
	}
	// Mark the page: a full reload would lose the mark, an htmx swap keeps it.
	tb.do(usersVoid(chromedp.Evaluate[bool](`window.__stay = true`)))
	// Open the export form and untick a column: the table's swaps below
	// must leave both alone and only bring the form's list state along.
	tb.do(
		chromedp.Click(chromedp.CSS(`[data-testid="users-export"] summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#exp-col-login`)),
		chromedp.Click(chromedp.CSS(`#exp-col-login`)),
	)

	tb.do(chromedp.SendKeys(sel("list-search"), "smith"))
	usersWait(tb, `location.search.includes('q=smith')`)
	usersWait(tb, `[...document.querySelectorAll('tr[data-user-id]')].length > 0 && [...document.querySelectorAll('tr[data-user-id]')].every(r => r.textContent.toLowerCase().includes('smith'))`)

	tb.do(chromedp.Click(chromedp.CSS(`[data-testid="sort-balance"] a`)))
	usersWait(tb, `location.search.includes('sort=balance') && location.search.includes('q=smith')`)
	tb.do(chromedp.Click(chromedp.CSS(`[data-testid="sort-balance"] a`)))
	usersWait(tb, `location.search.includes('dir=desc')`)
	usersWait(tb, `document.querySelector('[data-testid="sort-balance"]').getAttribute('aria-sort') === 'descending'`)
	exportState := `[...new FormData(document.querySelector('[data-testid="export-form"]')).entries()].map(e => e.join('=')).join('&')`
	got := "&" + searchEval[string](tb, exportState) + "&"
	if !strings.Contains(got, "&q=smith&") || !strings.Contains(got, "&sort=balance&") || !strings.Contains(got, "&dir=desc&") || strings.Contains(got, "&cols=login&") || !strings.Contains(got, "&cols=id&") {
		t.Errorf("after the swaps the export form sends %q", got)
	}
	if !searchEval[bool](tb, `document.querySelector('[data-testid="users-export"]').open`) {
		t.Error("a swap of the table closed the export form")
	}

	// Clear the search: the sort chosen in the table stays.
	tb.do(chromedp.SendKeys(sel("list-search"), strings.Repeat(kb.Backspace, len("smith"))))
	usersWait(tb, `!location.search.includes('q=smith') && location.search.includes('sort=balance')`)

	tb.do(chromedp.Click(sel("per-page-10")))
	usersWait(tb, `location.search.includes('per_page=10') && document.querySelectorAll('tr[data-user-id]').length === 10`)
	tb.do(chromedp.Click(sel("page-next")))
	usersWait(tb, `location.search.includes('page=2')`)
	if got := tb.text(sel("page-of")); !strings.HasPrefix(got, "Page 2 of") {
		t.Errorf("pager says %q", got)
	}
	tb.do(chromedp.Click(sel("filter-active")))
	usersWait(tb, `location.search.includes('active=1') && !document.querySelector('[data-testid="badge-inactive"]')`)
	if stayed, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`window.__stay === true`)); !stayed {
		t.Error("the list reloaded the whole page instead of swapping the table")
	}
	// The address can be reloaded as is.
	loc := tb.location()
	tb.do(chromedp.Navigate(loc), chromedp.WaitVisible(sel("users-table")))
	if n := usersRowCount(tb); n != 10 {
		t.Errorf("after reload: %d rows", n)
	}
	tb.noDialogs()
}

// TestBrowserUsersLifecycle: create a user, find it, edit it, change its
// balance with a double click (one transaction), import a file with one
// bad row, and delete the user by typing its login.
func TestBrowserUsersLifecycle(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	const login = "e2e.user@example.com"
	tb.do(
		chromedp.Navigate(env.URL+"/users"),
		chromedp.Click(sel("user-create")),
		chromedp.WaitVisible(sel("user-form")),
		chromedp.SendKeys(sel("field-login"), login),
		chromedp.SendKeys(sel("field-password"), "Hh6FXTt%E!Rx*%f3"),
		chromedp.SendKeys(sel("field-password_confirm"), "Hh6FXTt%E!Rx*%f3"),
		chromedp.SendKeys(sel("field-last_name"), "Browser"),
		chromedp.SendKeys(sel("field-first_name"), "Eve"),
		chromedp.SendKeys(sel("field-phone"), "+44 7700 900999"),
		chromedp.Click(sel("user-form-submit")),
		chromedp.WaitVisible(sel("user-title")),
	)
	if got := tb.text(sel("prop-login")); got != login {
		t.Fatalf("created user's login %q", got)
	}
	card := tb.location()

	// Find it in the list.
	tb.do(
		chromedp.Navigate(env.URL+"/users"),
		chromedp.SendKeys(sel("list-search"), "e2e.user"),
	)
	usersWait(tb, `document.querySelectorAll('tr[data-user-id]').length === 1`)
	tb.do(chromedp.Click(chromedp.CSS(`tr[data-user-id] td:nth-child(2) a`)), chromedp.WaitVisible(sel("user-title")))

	// Edit it.
	tb.do(
		chromedp.Click(sel("user-edit")),
		chromedp.WaitVisible(sel("user-form")),
		chromedp.Clear(sel("field-first_name")),
		chromedp.SendKeys(sel("field-first_name"), "Evelyn"),
		chromedp.Click(sel("user-form-submit")),
		chromedp.WaitVisible(sel("user-title")),
	)
	if got := tb.text(sel("user-title")); !strings.HasPrefix(got, "Browser Evelyn") {
		t.Errorf("after edit the title is %q", got)
	}

	// Change its balance with a double click: one transaction.
	before := env.Sim.Attempts("user/transaction/change_balance")
	tb.do(
		chromedp.Click(sel("user-balance-change")),
		chromedp.WaitVisible(sel("balance-form")),
		chromedp.SendKeys(sel("field-amount"), "15.50"),
		chromedp.SendKeys(sel("field-text"), "Payment received"),
		chromedp.DoubleClick(sel("balance-submit")),
		chromedp.WaitVisible(sel("user-title")),
	)
	time.Sleep(300 * time.Millisecond) // let a second request, if any, land
	if n := env.Sim.Attempts("user/transaction/change_balance") - before; n != 1 {
		t.Errorf("a double click sent %d balance changes", n)
	}
	tb.do(chromedp.Navigate(card), chromedp.WaitVisible(sel("prop-balance")))
	if got := tb.text(sel("prop-balance")); got != "15.50" {
		t.Errorf("balance after one change of 15.50: %q", got)
	}
	if n := tb.count(`[data-testid="user-latest-tx"] [data-testid="tx-row"]`); n != 1 {
		t.Errorf("%d transactions listed", n)
	}

	// Import a file with one bad row: that row's error is shown.
	dir := t.TempDir()
	file := filepath.Join(dir, "users.csv")
	content := "Email address*;Password*;Status*;Legal status*;Surname*;Name*\r\n" +
		"e2e.import.ok@example.com;Hh6FXTt%E!Rx*%f3;1;1;Import;Good\r\n" +
		"this is not an email;Hh6FXTt%E!Rx*%f3;1;1;Import;Bad\r\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	tb.do(
		chromedp.Navigate(env.URL+"/users"),
		chromedp.Click(sel("user-import")),
		chromedp.WaitVisible(sel("import-form")),
		usersVoid(chromedp.Evaluate[bool](`window.__stay = true`)),
		chromedp.SetUploadFiles(sel("import-file"), []string{file}),
		chromedp.Click(sel("import-submit")),
		chromedp.WaitVisible(sel("import-errors")),
	)
	if got := tb.text(sel("import-error-line")); got != "3" {
		t.Errorf("the bad row is reported as row %q", got)
	}
	if stayed, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`window.__stay === true`)); !stayed {
		t.Error("the upload reloaded the page instead of swapping the result in")
	}

	// Delete the user by typing its login in the dialog.
	tb.do(
		chromedp.Navigate(card),
		chromedp.Click(sel("user-delete")),
		chromedp.WaitVisible(sel("delete-dialog")),
	)
	disabled := func() bool {
		v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`document.querySelector('[data-testid="delete-dialog"] [data-testid="delete-submit"]').disabled`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if !disabled() {
		t.Error("delete is enabled before the login is typed")
	}
	tb.do(chromedp.SendKeys(chromedp.CSS(`#d-delete-login`), "e2e.user@example.co"))
	if !disabled() {
		t.Error("delete is enabled with a partial login")
	}
	tb.do(
		chromedp.SendKeys(chromedp.CSS(`#d-delete-login`), "m"),
		chromedp.Click(chromedp.CSS(`[data-testid="delete-dialog"] [data-testid="delete-submit"]`)),
		chromedp.WaitVisible(sel("users-table")),
	)
	if got := tb.text(sel("flash")); !strings.Contains(got, login) {
		t.Errorf("after delete the notice is %q", got)
	}
	if n := env.Sim.Attempts("user/corrupt"); n != 1 {
		t.Errorf("%d user/corrupt calls", n)
	}
	tb.noDialogs()
}

// TestBrowserUsersTechCannotDelete: the employee account sees no delete.
func TestBrowserUsersTechCannotDelete(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("tech", "tech")
	tb.do(chromedp.Navigate(env.URL+"/users/40"), chromedp.WaitVisible(sel("user-title")))
	if tb.count(`[data-testid="user-delete"], [data-testid="delete-dialog"]`) != 0 {
		t.Error("tech sees delete")
	}
	if tb.count(`[data-testid="user-edit"]`) != 1 || tb.count(`[data-testid="user-balance-change"]`) != 1 {
		t.Error("tech lacks edit or change balance")
	}
}

// TestBrowserUsersHostileNamesAreText: seeded names with markup show as
// text on the list and the cards, and no script runs.
func TestBrowserUsersHostileNamesAreText(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(chromedp.Navigate(env.URL+"/users?sort=id"), chromedp.WaitVisible(sel("users-table")))
	if got := tb.text(chromedp.CSS(`[data-user-id="1"] td:nth-child(2) a`)); !strings.Contains(got, "<script>alert(1)</script>") {
		t.Errorf("user 1's name shows as %q", got)
	}
	if n := tb.count(`#users-table h1, #users-table svg, #users-table img`); n != 0 {
		t.Errorf("%d elements made from data", n)
	}
	for _, id := range []int{1, 2, 7, 8, 10} {
		tb.do(chromedp.Navigate(env.URL+"/users/"+strconv.Itoa(id)), chromedp.WaitVisible(sel("user-title")))
	}
	if got := tb.text(sel("prop-comment")); !strings.Contains(got, "</textarea><script>alert(2)</script>") {
		t.Errorf("user 10's comment shows as %q", got)
	}
	tb.do(chromedp.Navigate(env.URL+"/users/10/edit"), chromedp.WaitVisible(sel("user-form")))
	tb.noDialogs()
}

// TestBrowserUpstreamFailureDuringSearchIsShown: when the Panel API fails
// while the list is searched, the reason appears in the page's notice
// area and the table and the typed search stay as they were.
func TestBrowserUpstreamFailureDuringSearchIsShown(t *testing.T) {
	env := portaltest.New(t)
	tb := newTab(t, env)
	tb.login("admin", "admin")
	tb.do(
		chromedp.Click(sel("nav-users")),
		chromedp.WaitVisible(sel("users-table")),
	)
	before := usersRowCount(tb)
	env.Sim.SetFault("user/list", panelsim.Fault{Status: http.StatusBadGateway, Body: "<html>bad gateway</html>"})
	tb.do(chromedp.SendKeys(sel("list-search"), "smith"))
	usersWait(tb, `!!document.querySelector('[data-testid="flash"] [data-testid="error"]')`)
	if got := tb.text(sel("flash")); !strings.Contains(got, "Panel API") {
		t.Errorf("notice says %q", got)
	}
	if n := usersRowCount(tb); n != before {
		t.Errorf("the table changed: %d rows, had %d", n, before)
	}
	if typed, _ := chromedp.Run(tb.ctx, chromedp.Value(sel("list-search"))); typed != "smith" {
		t.Errorf("the search field holds %q", typed)
	}
	tb.noDialogs()
}
