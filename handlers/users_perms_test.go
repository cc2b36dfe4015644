package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/navixy-portal/portal/portaltest"
)

// forgedUserPosts are every state-changing Users route with the Panel
// action it would call.
var forgedUserPosts = []struct {
	path, action string
	form         url.Values
}{
	{"/users/new", "user/create", newUserForm("forged@example.com")},
	{"/users/40/edit", "user/update", url.Values{"login": {"x@example.com"}, "first_name": {"X"}, "last_name": {"Y"}}},
	{"/users/40/password", "user/change_password", url.Values{"password": {"Hh6FXTt%E!Rx*%f3"}, "password_confirm": {"Hh6FXTt%E!Rx*%f3"}}},
	{"/users/40/balance", "user/transaction/change_balance", url.Values{"_once": {"abcdefghijklmnopqrstuvwxyzABCDEF"}, "type": {"balance"}, "amount": {"100"}, "text": {"free money"}}},
	{"/users/40/delete", "user/corrupt", url.Values{"login": {"whatever@example.com"}, "corrupt_clones": {"true"}}},
	{"/users/40/mfa", "user/mfa/settings/update", url.Values{"settings.type": {"allowed"}}},
	{"/users/40/session", "user/session/create", nil},
	{"/users/import", "user/upload", nil},
}

func TestUsersViewerSeesAndDoesNothingButRead(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("viewer", "viewer")
	list := b.Get("/users")
	if list.Status != http.StatusOK || len(rowIDs(list)) == 0 {
		t.Fatalf("viewer cannot read the list: %d", list.Status)
	}
	if !list.Has("[data-testid=export-form]") {
		t.Error("viewer (users: read) cannot export")
	}
	for _, id := range []string{"user-create", "user-import"} {
		if list.Has("[data-testid=" + id + "]") {
			t.Errorf("viewer sees %s", id)
		}
	}
	card := b.Get("/users/40")
	if card.Status != http.StatusOK {
		t.Fatalf("viewer cannot read a card: %d", card.Status)
	}
	for _, id := range []string{"user-edit", "user-password", "user-balance-change", "user-delete", "delete-dialog", "user-login-as", "mfa-form"} {
		if card.Has("[data-testid=" + id + "]") {
			t.Errorf("viewer sees %s", id)
		}
	}
	if !card.Has("[data-testid=user-transactions]") {
		t.Error("viewer (transactions: read) has no transaction history link")
	}
	for _, path := range []string{"/users/new", "/users/40/edit", "/users/40/password", "/users/40/balance", "/users/40/delete", "/users/import", "/users/import/template.csv"} {
		if p := b.Get(path); p.Status != http.StatusForbidden {
			t.Errorf("viewer GET %s: %d, want 403", path, p.Status)
		}
	}
	env.Sim.ResetCalls()
	for _, f := range forgedUserPosts {
		if p := b.Post(f.path, f.form); p.Status != http.StatusForbidden {
			t.Errorf("viewer POST %s: %d, want 403", f.path, p.Status)
		}
		if n := env.Sim.Attempts(f.action); n != 0 {
			t.Errorf("viewer POST %s reached %s %d times", f.path, f.action, n)
		}
	}
	if n := env.Sim.Attempts("user/read"); n != 0 {
		t.Errorf("forged posts read %d users first", n)
	}
}

func TestUsersTechCreatesAndEditsButCannotDelete(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("tech", "tech")
	list := b.Get("/users")
	if !list.Has("[data-testid=user-create]") || !list.Has("[data-testid=user-import]") {
		t.Error("tech (users: create) cannot create or import")
	}
	card := b.Get("/users/40")
	for _, id := range []string{"user-edit", "user-password", "user-balance-change", "user-login-as", "mfa-form"} {
		if !card.Has("[data-testid=" + id + "]") {
			t.Errorf("tech lacks %s", id)
		}
	}
	if card.Has("[data-testid=user-delete]") || card.Has("[data-testid=delete-dialog]") {
		t.Error("tech (no users: corrupt) sees delete")
	}
	if p := b.Get("/users/40/delete"); p.Status != http.StatusForbidden {
		t.Errorf("tech GET delete page: %d", p.Status)
	}
	env.Sim.ResetCalls()
	p := b.Post("/users/40/delete", url.Values{"login": {"whatever@example.com"}})
	if p.Status != http.StatusForbidden {
		t.Errorf("tech forged delete: %d, want 403", p.Status)
	}
	if n := env.Sim.Attempts("user/corrupt") + env.Sim.Attempts("user/read"); n != 0 {
		t.Errorf("tech's forged delete reached the Panel %d times", n)
	}
	// What tech may do, works.
	b.Get("/users/new")
	if p := b.Post("/users/new", newUserForm("tech-made@example.com")); p.Status != http.StatusSeeOther {
		t.Errorf("tech create: %d %s", p.Status, p.Text("[data-testid=form-error]"))
	}
	tok := balanceToken(t, b, 40)
	if p := b.Post("/users/40/balance", url.Values{"_once": {tok}, "type": {"bonus"}, "amount": {"3"}, "text": {"goodwill bonus"}}); p.Status != http.StatusSeeOther {
		t.Errorf("tech balance change: %d %s", p.Status, p.Text("[data-testid=form-error]"))
	}
}

// The docs and the official console disagree on "log in as user":
// user/session/create lists users: update and user_sessions: create, the
// console shows the action with users: read and user_sessions: create.
// The portal and its emulator follow the console.
func TestLoginAsFollowsTheConsoleGate(t *testing.T) {
	env := portaltest.New(t)
	env.Sim.AddAccount("support", "support", map[string][]string{
		"base": {"get_dealer_info"}, "users": {"read"}, "user_sessions": {"create"},
	})
	b := env.NewBrowser(t)
	b.Login("support", "support")
	card := b.Get("/users/40")
	if !card.Has("[data-testid=user-login-as]") {
		t.Fatal("users: read with user_sessions: create does not offer log in as user")
	}
	p := b.Post("/users/40/session", nil)
	if p.Status != http.StatusSeeOther || env.Sim.CallCount("user/session/create") != 1 {
		t.Errorf("status %d, %d upstream calls: users: read with user_sessions: create may log in as the user", p.Status, env.Sim.CallCount("user/session/create"))
	}
}

// Every action on a user that does not exist (or belongs to another
// dealer) ends on the not-found page: user/* answer 201.
func TestUserActionsOnAMissingUser(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	tok := balanceToken(t, b, 40)
	const missing = "/users/987654"
	for path, form := range map[string]url.Values{
		missing + "/password": {"password": {"Hh6FXTt%E!Rx*%f3"}, "password_confirm": {"Hh6FXTt%E!Rx*%f3"}},
		missing + "/balance":  {"_once": {tok}, "type": {"balance"}, "amount": {"1"}, "text": {"correction"}},
		missing + "/mfa":      {"settings.type": {"allowed"}},
		missing + "/session":  nil,
		missing + "/delete":   {"login": {"x@example.com"}},
		missing + "/edit":     {"login": {"x@example.com"}, "first_name": {"X"}, "last_name": {"Y"}},
	} {
		if p := b.Post(path, form); p.Status != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", path, p.Status)
		}
	}
	for _, path := range []string{missing, missing + "/edit", missing + "/password", missing + "/balance", missing + "/delete", missing + "/transactions"} {
		if p := b.Get(path); p.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, p.Status)
		}
	}
}
