package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// newUserForm is a valid create form for an individual.
func newUserForm(login string) url.Values {
	return url.Values{
		"login": {login}, "password": {"Hh6FXTt%E!Rx*%f3"}, "password_confirm": {"Hh6FXTt%E!Rx*%f3"},
		"activated": {"true"}, "legal_type": {"individual"}, "locale": {"en_US"}, "time_zone": {"Europe/London"},
		"first_name": {"Ada"}, "last_name": {"Lovelace"}, "phone": {"+44 7700 900123"},
		"post_city": {"London"}, "comment": {"created by a test"},
		"discount.value": {"5.5"}, "discount.min_trackers": {"2"}, "discount.strategy": {"no_summing"},
	}
}

func fieldError(p *portaltest.Page, field string) string {
	return p.Text(`[data-testid="error-` + field + `"]`)
}

func fieldValue(p *portaltest.Page, field string) string {
	return p.Doc.Find(`[name="`+field+`"]`).First().AttrOr("value", "")
}

func TestUserCreateFormPreselectsTheDealerDefaults(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	p := b.Get("/users/new")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	tz := env.Sim.Store().Dealer().DefaultUserTimeZone
	if got := p.Doc.Find(`select[name=time_zone] option[selected]`).AttrOr("value", ""); got != tz {
		t.Errorf("time zone preselected %q, want the dealer's %q", got, tz)
	}
	if n := p.Doc.Find(`select[name=time_zone] option`).Length(); n < 10 {
		t.Errorf("only %d time zones offered", n)
	}
	if n := p.Doc.Find(`select[name=default_tariff_id] option`).Length(); n < 2 {
		t.Errorf("plan picker offers %d options", n)
	}
	// Every field has a label; field names are the Panel's parameter names.
	for _, name := range []string{"login", "password", "legal_type", "locale", "time_zone", "first_name", "last_name", "middle_name", "phone",
		"post_country", "post_region", "post_city", "post_index", "post_street_address", "legal_name", "tin", "iec", "okpo_code",
		"state_reg_num", "registered_country", "registered_region", "registered_city", "registered_index", "registered_street_address",
		"default_tariff_id", "discount.value", "discount.min_trackers", "discount.end_date", "discount.strategy", "comment", "activated"} {
		el := p.Doc.Find(`[name="` + name + `"]`)
		if el.Length() == 0 {
			t.Errorf("no field %s", name)
			continue
		}
		id := el.AttrOr("id", "")
		if id == "" || p.Doc.Find(`label[for="`+id+`"]`).Length() == 0 {
			t.Errorf("field %s has no label", name)
		}
	}
}

func TestUserCreateChecksTheDocumentedRulesFirst(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	b.Get("/users/new")
	bad := newUserForm("not-an-email")
	bad.Set("password", "short")
	bad.Set("password_confirm", "short")
	bad.Set("phone", "12345")
	bad.Set("comment", strings.Repeat("x", 256))
	bad.Set("discount.value", "101")
	bad.Set("discount.min_trackers", "-1")
	bad.Set("discount.end_date", "31.12.2026")
	bad.Set("first_name", "")
	bad.Set("post_city", "Кембридж <b>")
	p := b.Post("/users/new", bad)
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", p.Status)
	}
	for field, want := range map[string]string{
		"login": "valid e-mail", "password": "12 to 20", "phone": "10 to 15 digits", "comment": "255",
		"discount.value": "0 to 100", "discount.min_trackers": "whole number", "discount.end_date": "YYYY-MM-DD", "first_name": "Fill in",
	} {
		if got := fieldError(p, field); !strings.Contains(got, want) {
			t.Errorf("%s: message %q, want %q", field, got, want)
		}
	}
	if n := env.Sim.Attempts("user/create"); n != 0 {
		t.Errorf("%d user/create calls for a form with errors", n)
	}
	// Nothing typed is lost but the passwords.
	if got := fieldValue(p, "login"); got != "not-an-email" {
		t.Errorf("login kept as %q", got)
	}
	if got := fieldValue(p, "post_city"); got != "Кембридж <b>" {
		t.Errorf("post_city kept as %q", got)
	}
	if got := p.Doc.Find(`textarea[name=comment]`).Text(); got != strings.Repeat("x", 256) {
		t.Error("comment not kept")
	}
	if fieldValue(p, "password") != "" || strings.Contains(p.Body, "short\"") {
		t.Error("the password came back")
	}
	if !p.Has("[data-testid=form-error]") || p.Doc.Find(`[aria-invalid=true]`).Length() < 5 {
		t.Error("errors are not marked on the fields")
	}

	// Each password rule, and the repeat.
	for pw, want := range map[string]string{"abcdefgh1234!": "uppercase", "ABCDEFGH1234!": "lowercase", "Abcdefghijk!": "digit", "Abcdefgh12345": "! @ #"} {
		f := newUserForm("ada@example.com")
		f.Set("password", pw)
		f.Set("password_confirm", pw)
		if got := fieldError(b.Post("/users/new", f), "password"); !strings.Contains(got, want) {
			t.Errorf("password %q: %q, want %q", pw, got, want)
		}
	}
	f := newUserForm("ada@example.com")
	f.Set("password_confirm", "Hh6FXTt%E!Rx*%f4")
	if got := fieldError(b.Post("/users/new", f), "password_confirm"); got == "" {
		t.Error("different repeat accepted")
	}

	// Legal-type-dependent fields.
	f = newUserForm("corp@example.com")
	f.Set("legal_type", "legal_entity")
	p = b.Post("/users/new", f)
	for _, field := range []string{"legal_name", "post_country", "registered_city", "registered_index"} {
		if fieldError(p, field) == "" {
			t.Errorf("legal entity without %s accepted", field)
		}
	}
	f.Set("legal_type", "sole_trader")
	if p = b.Post("/users/new", f); fieldError(p, "legal_name") != "" || fieldError(p, "registered_city") == "" {
		t.Error("sole trader: legal name must be optional, registration city required")
	}
	f = newUserForm("x@example.com")
	f.Set("time_zone", "Mars/Olympus")
	f.Set("legal_type", "alien")
	p = b.Post("/users/new", f)
	if fieldError(p, "time_zone") == "" || fieldError(p, "legal_type") == "" {
		t.Error("values outside the offered choices accepted")
	}
	f = newUserForm("x@example.com")
	f.Set("comment", "line one\nline two")
	if fieldError(b.Post("/users/new", f), "comment") == "" {
		t.Error("a comment with a line break accepted")
	}
	if n := env.Sim.Attempts("user/create"); n != 0 {
		t.Errorf("%d user/create calls for forms with errors", n)
	}
}

func TestUserCreateThenFindAndEdit(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	b.Get("/users/new")
	f := newUserForm("ada.lovelace@example.com")
	f.Set("dealer_mfa_settings.type", "true")
	p := b.Post("/users/new", f)
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/users/") {
		t.Fatalf("create: status %d location %q: %s", p.Status, p.Location(), p.Text("[data-testid=form-error]"))
	}
	card := b.Get(p.Location())
	if !strings.Contains(card.Text("[data-testid=flash]"), "ada.lovelace@example.com") {
		t.Errorf("flash %q", card.Text("[data-testid=flash]"))
	}
	if got := card.Text("[data-testid=prop-phone]"); got != "447700900123" {
		t.Errorf("phone sent as %q, want digits only", got)
	}
	if got := card.Text("[data-testid=prop-mfa]"); !strings.Contains(got, "On") {
		t.Errorf("MFA %q, want on", got)
	}
	if !strings.Contains(card.Text("[data-testid=prop-discount]"), "5.50") {
		t.Errorf("discount %q", card.Text("[data-testid=prop-discount]"))
	}
	list := b.Get("/users?q=ada.lovelace")
	if len(rowIDs(list)) != 1 {
		t.Fatalf("the new user is not found by search")
	}
	id := rowIDs(list)[0]

	// Same login again: 206 lands on the login field.
	b.Get("/users/new")
	p = b.Post("/users/new", newUserForm("ada.lovelace@example.com"))
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(p, "login"), "already in use") {
		t.Errorf("duplicate login: status %d, login error %q", p.Status, fieldError(p, "login"))
	}

	// Edit: prefilled, legal type read-only, saved.
	edit := b.Get(fmt.Sprintf("/users/%d/edit", id))
	if edit.Status != http.StatusOK || fieldValue(edit, "first_name") != "Ada" {
		t.Fatalf("edit form: status %d, first name %q", edit.Status, fieldValue(edit, "first_name"))
	}
	if edit.Has("select[name=legal_type]") || !edit.Has("[data-testid=field-legal_type-readonly]") || edit.Has("[name=password]") {
		t.Error("the edit form lets the legal type or the password be changed")
	}
	g := url.Values{}
	for _, name := range []string{"login", "first_name", "last_name", "phone", "post_city", "discount.value", "discount.min_trackers", "discount.strategy", "comment"} {
		g.Set(name, fieldValue(edit, name))
	}
	g.Set("comment", "edited")
	g.Set("discount.strategy", "no_summing")
	g.Set("first_name", "Augusta Ada")
	g.Set("activated", "true")
	g.Set("legal_type", "legal_entity") // forged: ignored
	p = b.Post(fmt.Sprintf("/users/%d/edit", id), g)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("update: status %d: %s %v", p.Status, p.Text("[data-testid=form-error]"), p.Doc.Find(".field-error").Text())
	}
	// Another user's login: 206 on the login field, the rest kept.
	taken, _ := env.Sim.Store().User(33)
	g.Set("login", taken.Login)
	p = b.Post(fmt.Sprintf("/users/%d/edit", id), g)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(p, "login"), "already in use") || fieldValue(p, "first_name") != "Augusta Ada" {
		t.Errorf("update with a login in use: status %d, %q", p.Status, fieldError(p, "login"))
	}
	card = b.Get(fmt.Sprintf("/users/%d", id))
	if !strings.Contains(card.Text("[data-testid=user-title]"), "Augusta Ada") || card.Text("[data-testid=prop-comment]") != "edited" {
		t.Errorf("after edit: %q / %q", card.Text("[data-testid=user-title]"), card.Text("[data-testid=prop-comment]"))
	}
	if got := card.Text("[data-testid=prop-legal-type]"); got != "Individual" {
		t.Errorf("legal type changed to %q", got)
	}
}

func TestUserFormShowsTheFieldsThePanelRefused(t *testing.T) {
	env := overrideEnv(t, map[string]http.HandlerFunc{
		"user/create": panelAnswer(400, `{"success":false,"status":{"code":7,"description":"Invalid parameters"},"errors":[{"parameter":"user.phone","error":"Phone is invalid"},{"parameter":"discount.value","error":"Too much"},{"parameter":"user.something_else","error":"Odd"}]}`),
	})
	b := admin(t, env)
	b.Get("/users/new")
	p := b.Post("/users/new", newUserForm("grace@example.com"))
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", p.Status)
	}
	if fieldError(p, "phone") != "Phone is invalid" || fieldError(p, "discount.value") != "Too much" {
		t.Errorf("field errors: phone %q, discount %q", fieldError(p, "phone"), fieldError(p, "discount.value"))
	}
	if !strings.Contains(p.Text("[data-testid=form-error]"), "something_else") {
		t.Errorf("an error on a field the form lacks is not shown: %q", p.Text("[data-testid=form-error]"))
	}
	if fieldValue(p, "login") != "grace@example.com" {
		t.Error("the login was lost")
	}
}

func TestUserPasswordChange(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	if p := b.Get("/users/15/password"); p.Status != http.StatusOK || !p.Has("[data-testid=password-form]") {
		t.Fatalf("form: %d", p.Status)
	}
	p := b.Post("/users/15/password", url.Values{"password": {"weakpass"}, "password_confirm": {"weakpass"}})
	if p.Status != http.StatusUnprocessableEntity || fieldError(p, "password") == "" {
		t.Errorf("weak password: status %d", p.Status)
	}
	p = b.Post("/users/15/password", url.Values{"password": {"Hh6FXTt%E!Rx*%f3"}, "password_confirm": {"Hh6FXTt%E!Rx*%f9"}})
	if p.Status != http.StatusUnprocessableEntity || fieldError(p, "password_confirm") == "" {
		t.Errorf("mismatch: status %d", p.Status)
	}
	if n := env.Sim.Attempts("user/change_password"); n != 0 {
		t.Errorf("%d calls for refused forms", n)
	}
	p = b.Post("/users/15/password", url.Values{"password": {"Hh6FXTt%E!Rx*%f3"}, "password_confirm": {"Hh6FXTt%E!Rx*%f3"}})
	if p.Status != http.StatusSeeOther || p.Location() != "/users/15" {
		t.Fatalf("change: status %d location %q %s", p.Status, p.Location(), p.Text("[data-testid=form-error]"))
	}
	if strings.Contains(env.Logs(), "Hh6FXTt%E!Rx*%f3") {
		t.Error("the password reached the log")
	}
	if u, _ := env.Sim.Store().User(15); u.Password != "Hh6FXTt%E!Rx*%f3" {
		t.Error("the emulator did not get the new password")
	}
}

func balanceToken(t *testing.T, b *portaltest.Browser, id int) string {
	t.Helper()
	p := b.Get(fmt.Sprintf("/users/%d/balance", id))
	tok := p.Doc.Find(`input[name=_once]`).AttrOr("value", "")
	if p.Status != http.StatusOK || tok == "" {
		t.Fatalf("balance form: status %d, token %q", p.Status, tok)
	}
	if _, ok := p.Doc.Find("[data-testid=balance-form]").Attr("data-once"); !ok {
		t.Error("the balance form is not marked data-once")
	}
	return tok
}

func TestUserBalanceChangeAppliesOnce(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	const id = 20
	before, _ := env.Sim.Store().User(id)
	tok := balanceToken(t, b, id)
	form := url.Values{"_once": {tok}, "type": {"balance"}, "amount": {"12,34"}, "text": {"Paid by bank transfer"}}
	p := b.Post(fmt.Sprintf("/users/%d/balance", id), form)
	if p.Status != http.StatusSeeOther || p.Location() != fmt.Sprintf("/users/%d", id) {
		t.Fatalf("status %d location %q: %s", p.Status, p.Location(), p.Text("[data-testid=form-error]"))
	}
	if card := b.Get(p.Location()); !strings.Contains(card.Text("[data-testid=flash]"), "+12.34") {
		t.Errorf("flash %q", card.Text("[data-testid=flash]"))
	}
	after, _ := env.Sim.Store().User(id)
	if got := after.Balance - before.Balance; got < 12.339 || got > 12.341 {
		t.Errorf("balance moved by %v", got)
	}
	// The same form again: refused here, never sent.
	p = b.Post(fmt.Sprintf("/users/%d/balance", id), form)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("resent form: status %d", p.Status)
	}
	if card := b.Get(p.Location()); !strings.Contains(card.Text("[data-testid=flash]"), "already sent") {
		t.Errorf("resent form notice %q", card.Text("[data-testid=flash]"))
	}
	if n := env.Sim.Attempts("user/transaction/change_balance"); n != 1 {
		t.Fatalf("%d change_balance calls, want 1", n)
	}
	// A double click: two concurrent submits of one form move money once.
	tok = balanceToken(t, b, id)
	form.Set("_once", tok)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { b.Post(fmt.Sprintf("/users/%d/balance", id), form) })
	}
	wg.Wait()
	if n := env.Sim.Attempts("user/transaction/change_balance"); n != 2 {
		t.Fatalf("%d change_balance calls after a double submit, want 2 in all", n)
	}
}

func TestUserBalanceChangeChecksAndExplains(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	const id = 21
	for name, tc := range map[string]struct {
		form  url.Values
		field string
		want  string
	}{
		"three decimals": {url.Values{"type": {"balance"}, "amount": {"1.234"}, "text": {"correction"}}, "amount", "two decimals"},
		"zero":           {url.Values{"type": {"bonus"}, "amount": {"0"}, "text": {"correction"}}, "amount", "zero"},
		"short text":     {url.Values{"type": {"balance"}, "amount": {"5"}, "text": {"abc"}}, "text", "5 characters"},
		"bad type":       {url.Values{"type": {"gold"}, "amount": {"5"}, "text": {"correction"}}, "type", "Choose"},
	} {
		tc.form.Set("_once", balanceToken(t, b, id))
		p := b.Post(fmt.Sprintf("/users/%d/balance", id), tc.form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(p, tc.field), tc.want) {
			t.Errorf("%s: status %d, %s error %q", name, p.Status, tc.field, fieldError(p, tc.field))
		}
		if fieldValue(p, "text") != tc.form.Get("text") || fieldValue(p, "amount") != tc.form.Get("amount") {
			t.Errorf("%s: what was typed is lost", name)
		}
	}
	p := b.Post(fmt.Sprintf("/users/%d/balance", id), url.Values{"type": {"balance"}, "amount": {"5"}, "text": {"no token here"}})
	if p.Status != http.StatusUnprocessableEntity || !p.Has("[data-testid=form-error]") {
		t.Errorf("no token: status %d", p.Status)
	}
	if n := env.Sim.Attempts("user/transaction/change_balance"); n != 0 {
		t.Errorf("%d calls for refused forms", n)
	}
	// Taking away more than the user has: 251, said plainly.
	u, _ := env.Sim.Store().User(id)
	p = b.Post(fmt.Sprintf("/users/%d/balance", id), url.Values{"_once": {balanceToken(t, b, id)}, "type": {"balance"}, "amount": {fmt.Sprintf("-%.2f", u.Balance+1000)}, "text": {"too much"}})
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(p, "amount"), "Insufficient funds") {
		t.Errorf("251: status %d, amount error %q", p.Status, fieldError(p, "amount"))
	}
	if fieldValue(p, "_once") == "" {
		t.Error("the form shown again has no fresh token")
	}
}

func TestUserTransactions(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	u := seededUser(t, env, func(u panelsim.User) bool { return u.ID > 10 && len(env.Sim.Store().Transactions(u.ID)) > 3 })
	p := b.Get(fmt.Sprintf("/users/%d/transactions", u.ID))
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	from, to := fieldValue(p, "from"), fieldValue(p, "to")
	if from == "" || to == "" || from >= to {
		t.Errorf("default range %q..%q", from, to)
	}
	// The emulator keeps a few years of history; ask for the last year.
	today := env.Clock.Now().UTC()
	yearAgo := today.AddDate(0, 0, -365).Format("2006-01-02")
	p = b.Get(fmt.Sprintf("/users/%d/transactions?from=%s&to=%s", u.ID, yearAgo, today.Format("2006-01-02")))
	if p.Status != http.StatusOK {
		t.Fatalf("a year: status %d %s", p.Status, p.Text("[data-testid=form-error]"))
	}
	rows := p.Doc.Find("[data-testid=tx-row]").Length()
	if got := p.Text("[data-testid=tx-count]"); got != fmt.Sprint(rows) {
		t.Errorf("count %q, %d rows", got, rows)
	}
	if p.Text("[data-testid=tx-refills]") == "" || p.Text("[data-testid=tx-charges]") == "" {
		t.Error("no totals")
	}
	// Too long a period: the Panel's 211, on the field.
	p = b.Get(fmt.Sprintf("/users/%d/transactions?from=2015-01-01&to=2030-12-31", u.ID))
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(fieldError(p, "from"), "too long") {
		t.Errorf("211: status %d, %q", p.Status, fieldError(p, "from"))
	}
	for q, field := range map[string]string{"from=2026-02-01&to=2026-01-01": "to", "from=yesterday&to=2026-01-01": "from"} {
		p := b.Get(fmt.Sprintf("/users/%d/transactions?%s", u.ID, q))
		if p.Status != http.StatusUnprocessableEntity || fieldError(p, field) == "" {
			t.Errorf("%s: status %d", q, p.Status)
		}
	}
}

func TestUserDelete(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	u := seededUser(t, env, func(u panelsim.User) bool { return u.ID > 30 })
	path := fmt.Sprintf("/users/%d/delete", u.ID)
	p := b.Get(path)
	if p.Status != http.StatusOK || !p.Has("[data-testid=delete-form]") {
		t.Fatalf("confirmation page: %d", p.Status)
	}
	if _, ok := p.Doc.Find("[data-testid=delete-clones]").Attr("checked"); !ok {
		t.Error("deleting clones is not the default (the API's default is true)")
	}
	p = b.Post(path, url.Values{"login": {"someone-else@example.com"}, "corrupt_clones": {"true"}})
	if p.Status != http.StatusUnprocessableEntity || fieldError(p, "login") == "" {
		t.Errorf("wrong login: status %d", p.Status)
	}
	if n := env.Sim.Attempts("user/corrupt"); n != 0 {
		t.Errorf("%d user/corrupt calls with the wrong login", n)
	}
	for code, want := range map[int]string{252: "already corrupted", 253: "clones"} {
		env.Sim.SetFault("user/corrupt", panelsim.Fault{Code: code})
		p = b.Post(path, url.Values{"login": {u.Login}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text("[data-testid=form-error]"), want) {
			t.Errorf("%d: status %d, message %q", code, p.Status, p.Text("[data-testid=form-error]"))
		}
	}
	env.Sim.ClearFaults()
	p = b.Post(path, url.Values{"login": {u.Login}, "corrupt_clones": {"true"}})
	if p.Status != http.StatusSeeOther || p.Location() != "/users" {
		t.Fatalf("delete: status %d location %q %s", p.Status, p.Location(), p.Text("[data-testid=form-error]"))
	}
	if list := b.Get("/users"); !strings.Contains(list.Text("[data-testid=flash]"), u.Login) {
		t.Errorf("flash %q", list.Text("[data-testid=flash]"))
	}
	if p := b.Get(fmt.Sprintf("/users/%d", u.ID)); p.Status != http.StatusNotFound {
		t.Errorf("deleted user's card: %d", p.Status)
	}
}

func TestUserMFA(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	b.Get("/users/25")
	for setting, want := range map[string]string{"allowed": "On", "disallowed": "Off"} {
		p := b.Post("/users/25/mfa", url.Values{"settings.type": {setting}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("%s: status %d", setting, p.Status)
		}
		if got := b.Get("/users/25").Text("[data-testid=prop-mfa]"); !strings.HasPrefix(got, want) {
			t.Errorf("%s: card says %q", setting, got)
		}
	}
	if p := b.Post("/users/25/mfa", url.Values{"settings.type": {"sometimes"}}); p.Status != http.StatusBadRequest {
		t.Errorf("unknown setting: %d", p.Status)
	}
}

func TestLoginAsUserRedirectsWithTheHashOnly(t *testing.T) {
	env := portaltest.New(t, portaltest.WithOptions(func(o *handlers.Options) {
		o.UserAppURL = "https://{domain}/pro/?lang=en&session_key={hash}"
	}))
	b := admin(t, env)
	b.Get("/users/30")
	p := b.Post("/users/30/session", nil)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("status %d", p.Status)
	}
	loc, err := url.Parse(p.Location())
	if err != nil || loc.Host != env.Sim.Store().Dealer().Domain || loc.Query().Get("session_key") == "" || loc.Query().Get("lang") != "en" {
		t.Fatalf("redirect %q", p.Location())
	}
	hash := loc.Query().Get("session_key")
	if strings.Contains(env.Logs(), hash) || strings.Contains(p.Body, hash) {
		t.Error("the user's session hash reached a log or a page")
	}
	if p.Header.Get("Cache-Control") != "no-store" {
		t.Error("the redirect may be cached")
	}
}
