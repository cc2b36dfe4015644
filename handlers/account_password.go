package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// passwordAPI is what the staff member's own password change calls.
type passwordAPI interface {
	UpdateDealerPassword(ctx context.Context, hash, oldPassword, newPassword string) error
}

// passwordHandlers serve /account/password, the account menu's "Change
// password" (dealer/password/update; password: update), as the official
// console's header offers it.
type passwordHandlers struct {
	*app
	api passwordAPI
}

// form shows the form. Inside a reseller's panel the password would be
// the reseller's: the staff member changes that one on the reseller's
// card, so the form is refused there.
func (h *passwordHandlers) form(c echo.Context) error {
	sess := session(c)
	if sess.Parent != nil {
		return echo.NewHTTPError(http.StatusForbidden)
	}
	return h.render(c, http.StatusOK, templates.AccountPasswordPage(templates.AccountPasswordView{Login: sess.Login, Errs: templates.FieldErrors{}}))
}

// change sets the new password. On success the Panel ends every session
// of the dealer, this one included (the OpenAPI file), so the portal
// clears the cookie and asks for the new password on the login page.
func (h *passwordHandlers) change(c echo.Context) error {
	sess := session(c)
	if sess.Parent != nil {
		return echo.NewHTTPError(http.StatusForbidden)
	}
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	oldPw, newPw, confirm := c.FormValue("old_password"), c.FormValue("new_password"), c.FormValue("new_password_confirm")
	errs := templates.FieldErrors{}
	if oldPw == "" {
		errs["old_password"] = l.T("users.err.required")
	}
	switch {
	case newPw != "" && newPw == oldPw:
		errs["new_password"] = l.T("account.password.err.same")
	default:
		if msg := checkUserPassword(l, newPw); msg != "" {
			errs["new_password"] = msg
		} else if confirm != newPw {
			errs["new_password_confirm"] = l.T("account.password.err.confirm")
		}
	}
	if len(errs) > 0 {
		return h.render(c, statusUnprocessable, templates.AccountPasswordPage(templates.AccountPasswordView{Login: sess.Login, Errs: errs}))
	}
	err := h.api.UpdateDealerPassword(ctx, sess.Hash, oldPw, newPw)
	h.audit(c, "account.change_password", sess.Login, err)
	if err != nil {
		switch panelclient.Code(err) {
		case 248:
			errs["old_password"] = l.T("account.password.err.wrong")
		case 245:
			errs["new_password"] = l.T("account.password.err.same")
		default:
			var status int
			var ok bool
			errs, status, ok = userFormErrorsOf(l, err, func(p string) string {
				switch p {
				case "old_password", "new_password":
					return p
				}
				return ""
			})
			if !ok {
				return err
			}
			return h.render(c, status, templates.AccountPasswordPage(templates.AccountPasswordView{Login: sess.Login, Errs: errs}))
		}
		return h.render(c, statusUnprocessable, templates.AccountPasswordPage(templates.AccountPasswordView{Login: sess.Login, Errs: errs}))
	}
	h.o.Sessions.Clear(c.Response())
	setFlash(c, "ok", "account.password.done")
	return redirect(c, "/login")
}
