package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/navixy-portal/portal/portaltest"
)

func TestOwnPasswordChange(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	home := b.Get("/")
	if href := home.Doc.Find(`[data-testid="account-password"]`).AttrOr("href", ""); href != "/account/password" {
		t.Fatalf("account menu link %q", href)
	}
	p := b.Get("/account/password")
	if p.Status != http.StatusOK || !strings.Contains(p.Text("main"), "admin") {
		t.Fatalf("form: %d", p.Status)
	}
	const newPw = "Adm1n!Portal-2026"
	// The portal's checks: nothing sent.
	for _, tc := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"new_password": {newPw}, "new_password_confirm": {newPw}}, "old_password"},
		{url.Values{"old_password": {"admin"}, "new_password": {"short"}, "new_password_confirm": {"short"}}, "new_password"},
		{url.Values{"old_password": {"admin"}, "new_password": {newPw}, "new_password_confirm": {newPw + "x"}}, "new_password_confirm"},
		{url.Values{"old_password": {newPw}, "new_password": {newPw}, "new_password_confirm": {newPw}}, "new_password"},
	} {
		p := b.Post("/account/password", tc.form)
		if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-`+tc.field+`"]`) {
			t.Errorf("%v: %d, errors %q", tc.form, p.Status, p.Text(".field-error"))
		}
		if strings.Contains(p.Body, newPw) || strings.Contains(p.Body, `value="admin"`) {
			t.Error("a password came back in the page")
		}
	}
	if n := env.Sim.Attempts("dealer/password/update"); n != 0 {
		t.Errorf("refused forms reached the Panel %d times", n)
	}
	// The Panel's 248: the old password is wrong.
	p = b.Post("/account/password", url.Values{"old_password": {"not-admin"}, "new_password": {newPw}, "new_password_confirm": {newPw}})
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="error-old_password"]`), "wrong") {
		t.Errorf("wrong old password: %d %q", p.Status, p.Text(".field-error"))
	}
	// Success ends every session of the dealer, this one included: back
	// to the login page with a notice, and the new password works.
	other := env.NewBrowser(t)
	other.Login("tech", "tech")
	p = b.Post("/account/password", url.Values{"old_password": {"admin"}, "new_password": {newPw}, "new_password_confirm": {newPw}})
	if p.Status != http.StatusSeeOther || p.Location() != "/login" {
		t.Fatalf("change: %d %q %s", p.Status, p.Location(), p.Text(`[data-testid="form-error"]`))
	}
	if b.Cookie("portal_session") != "" {
		t.Error("the session cookie is still set")
	}
	login := b.Get("/login")
	if !strings.Contains(login.Text(`[data-testid="flash"]`), "password was changed") {
		t.Errorf("login page notice %q", login.Text(`[data-testid="flash"]`))
	}
	if p := other.Get("/users"); p.Status != http.StatusSeeOther || !strings.Contains(p.Location(), "/login") {
		t.Errorf("another session of the dealer still works: %d", p.Status)
	}
	b.Login("admin", newPw)
	if p := b.Get("/users"); p.Status != http.StatusOK {
		t.Errorf("signing in with the new password: %d", p.Status)
	}
}

// The Panel's 7 on new_password (one of the last ten passwords) lands on
// the field.
func TestOwnPasswordPanelRefusal(t *testing.T) {
	env := overrideEnv(t, map[string]http.HandlerFunc{
		"dealer/password/update": panelAnswer(400, `{"success":false,"status":{"code":7,"description":"Invalid parameters"},"errors":[{"parameter":"new_password","error":"Password was recently used"}]}`),
	})
	b := admin(t, env)
	b.Get("/account/password")
	p := b.Post("/account/password", url.Values{"old_password": {"admin"}, "new_password": {"Adm1n!Portal-2026"}, "new_password_confirm": {"Adm1n!Portal-2026"}})
	if p.Status != http.StatusUnprocessableEntity || p.Text(`[data-testid="error-new_password"]`) != "Password was recently used" {
		t.Errorf("%d %q", p.Status, p.Text(".field-error"))
	}
}
