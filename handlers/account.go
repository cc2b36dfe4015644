package handlers

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// accountAPI is what signing in and out needs from the Panel API.
type accountAPI interface {
	Auth(ctx context.Context, login, password string) (*panelclient.AuthResult, error)
	Logout(ctx context.Context, hash string) error
	DealerInfo(ctx context.Context, hash string) (*panelclient.Dealer, error)
}

// accountHandlers are the login page, the logout action and the language
// switcher.
type accountHandlers struct {
	*app
	api accountAPI
}

func (h *accountHandlers) loginForm(c echo.Context) error {
	next := safeNext(c.QueryParam("next"))
	if session(c) != nil {
		return c.Redirect(http.StatusSeeOther, orHome(next))
	}
	l := i18n.From(c.Request().Context())
	v := templates.LoginView{Next: next, CSRF: h.visitorToken(c)}
	switch {
	case c.QueryParam("ended") != "":
		v.Reason = l.T("login.reason.ended")
	case c.QueryParam("out") != "":
		v.Reason = l.T("login.reason.out")
	}
	return h.render(c, http.StatusOK, templates.LoginPage(v))
}

func (h *accountHandlers) visitorToken(c echo.Context) string {
	tok := h.o.Sessions.VisitorToken(c.Response(), c.Request())
	c.Set(visitorTokenKey, tok)
	return tok
}

// login signs the staff member in with their Panel login and password. The
// password is never echoed back or logged. Failures are throttled per
// client address and per login, and a wrong login reads the same as a
// wrong password.
func (h *accountHandlers) login(c echo.Context) error {
	l := i18n.From(c.Request().Context())
	login := strings.TrimSpace(c.FormValue("login"))
	password := c.FormValue("password")
	v := templates.LoginView{Login: login, Next: safeNext(c.FormValue("next"))}
	fail := func(status int, msg string) error {
		v.Error = msg
		v.CSRF = h.visitorToken(c)
		return h.render(c, status, templates.LoginPage(v))
	}
	if login == "" || password == "" {
		return fail(statusUnprocessable, l.T("login.err.missing"))
	}
	ip := c.RealIP()
	if wait := h.o.Throttle.Wait(ip, login); wait > 0 {
		h.o.Metrics.LoginThrottled.Inc()
		secs := int(math.Ceil(wait.Seconds()))
		c.Response().Header().Set("Retry-After", itoa(secs))
		return fail(http.StatusTooManyRequests, l.T("login.err.throttled", secs))
	}
	res, err := h.api.Auth(c.Request().Context(), login, password)
	if err != nil {
		var apiErr *panelclient.APIError
		var tErr *panelclient.TransportError
		switch {
		case errors.As(err, &tErr):
			h.log().Warn("login: panel api unreachable", "request_id", requestID(c), "kind", string(tErr.Kind))
			return fail(http.StatusBadGateway, l.T("login.err.unreachable"))
		case errors.As(err, &apiErr) && apiErr.Code == 15:
			return fail(http.StatusTooManyRequests, l.T("login.err.rate"))
		case errors.As(err, &apiErr) && apiErr.Code == 11:
			h.o.Metrics.LoginFailures.WithLabelValues("blocked").Inc()
			h.audit(c, "login", login, err)
			return fail(http.StatusForbidden, l.T("login.err.blocked"))
		case errors.As(err, &apiErr):
			h.o.Throttle.Fail(ip, login)
			h.o.Metrics.LoginFailures.WithLabelValues("wrong").Inc()
			h.log().Info("audit", "request_id", requestID(c), "action", "login", "target", login, "result", "error", "code", apiErr.Code)
			return fail(http.StatusUnauthorized, l.T("login.err.wrong"))
		default:
			return err
		}
	}
	h.o.Throttle.Succeed(login)
	h.o.Metrics.Logins.Inc()
	s := h.o.Sessions.NewSession(res.Hash, login, auth.Permissions(res.Permissions))
	// The dealer's id and title go into the session for the header and the
	// audit lines; a failure here does not stop the sign-in.
	if s.Perms.Can("base", "get_dealer_info") {
		if d, err := h.api.DealerInfo(c.Request().Context(), res.Hash); err == nil {
			s.DealerID, s.DealerTitle = d.ID, d.Title
		}
	}
	if err := h.o.Sessions.Save(c.Response(), s); err != nil {
		return err
	}
	c.Set(sessionKey, s)
	h.audit(c, "login", login, nil)
	return c.Redirect(http.StatusSeeOther, orHome(v.Next))
}

// logout ends the Panel session (account/logout) and clears the cookie.
// The cookie is cleared even when the Panel cannot be reached.
func (h *accountHandlers) logout(c echo.Context) error {
	s := session(c)
	if s != nil {
		err := h.api.Logout(c.Request().Context(), s.Hash)
		if s.Parent != nil && err == nil {
			err = h.api.Logout(c.Request().Context(), s.Parent.Hash)
		}
		if err != nil && !panelclient.IsSessionEnded(err) {
			h.log().Warn("logout: panel session not ended upstream", "request_id", requestID(c), "error", err.Error())
		}
		h.audit(c, "logout", s.Login, nil)
	}
	h.o.Sessions.Clear(c.Response())
	// Drop cached private pages, the back/forward cache included.
	c.Response().Header().Set("Clear-Site-Data", `"cache"`)
	return redirect(c, "/login?out=1")
}

// switchLanguage remembers the chosen language for a year and goes back.
func (h *accountHandlers) switchLanguage(c echo.Context) error {
	lang, ok := i18n.Parse(c.QueryParam("to"))
	if ok {
		http.SetCookie(c.Response(), &http.Cookie{Name: i18n.CookieName, Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: c.IsTLS()})
	}
	return c.Redirect(http.StatusSeeOther, orHome(safeNext(c.QueryParam("next"))))
}

func orHome(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
