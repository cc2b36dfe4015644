package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// handleError is the one place where an error becomes what the staff
// member sees: the login page when the Panel session has ended, a 403 or
// 404 page, or a short message with the request id. Never a stack trace
// or an upstream body.
func (a *app) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if panelclient.IsSessionEnded(err) {
		a.o.Sessions.Clear(c.Response())
		_ = a.toLogin(c, true)
		return
	}
	v := templates.ErrorView{RequestID: requestID(c)}
	v.Status, v.Title, v.Message = describeError(i18n.From(c.Request().Context()), err)
	var apiErr *panelclient.APIError
	var tErr *panelclient.TransportError
	var he *echo.HTTPError
	switch {
	case v.Status == http.StatusForbidden || v.Status == http.StatusNotFound:
		// A refusal or an unknown address is an answer, not a failure.
	case errors.As(err, &tErr):
		a.log().Warn("panel api failure", "request_id", v.RequestID, "action", tErr.Action, "kind", string(tErr.Kind), "error", tErr.Error())
	case errors.As(err, &apiErr):
		a.log().Warn("panel api refused", "request_id", v.RequestID, "action", apiErr.Action, "code", apiErr.Code)
	case v.Status == http.StatusInternalServerError && !errors.As(err, &he):
		a.log().Error("request failed", "request_id", v.RequestID, "path", c.Request().URL.Path, "error", err.Error())
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(v.Status)
		return
	}
	if isHTMX(c) {
		// An htmx request shows the message in the page's notice area and
		// leaves the rest of the page (and what was typed) alone.
		c.Response().Header().Set("HX-Retarget", "#flash")
		c.Response().Header().Set("HX-Reswap", "innerHTML")
		_ = a.render(c, v.Status, templates.ErrorBox(v))
		return
	}
	_ = a.render(c, v.Status, templates.ErrorPage(v))
}

// describeError words an error for the staff member: the status, title
// and message of the notice or page that shows it. (An ended Panel session
// is not worded: it sends the staff member to sign in again.)
func describeError(l *i18n.Localizer, err error) (status int, title, message string) {
	var apiErr *panelclient.APIError
	var tErr *panelclient.TransportError
	var he *echo.HTTPError
	switch {
	case errors.Is(err, errCSRF):
		return http.StatusForbidden, l.T("error.csrf.title"), l.T("error.csrf.text")
	case panelclient.IsForbidden(err):
		return http.StatusForbidden, l.T("error.403.title"), l.T("error.403.text")
	case panelclient.IsNotFound(err):
		return http.StatusNotFound, l.T("error.404.title"), l.T("error.404.text")
	case errors.As(err, &tErr):
		status = http.StatusBadGateway
		if tErr.Kind == panelclient.KindTimeout {
			status = http.StatusGatewayTimeout
		}
		return status, l.T("error.upstream.title"), transportMessage(l, tErr)
	case errors.As(err, &apiErr):
		status = http.StatusBadGateway
		if apiErr.HTTPStatus >= 400 && apiErr.HTTPStatus < 500 {
			status = http.StatusUnprocessableEntity
		}
		return status, l.T("error.upstream.title"), apiMessage(l, apiErr)
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusForbidden:
			return he.Code, l.T("error.403.title"), l.T("error.403.text")
		case http.StatusRequestEntityTooLarge:
			return he.Code, l.T("error.413.title"), l.T("error.413.text")
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			return http.StatusNotFound, l.T("error.404.title"), l.T("error.404.text")
		default:
			message = l.T("error.bad_request")
			if he.Code >= 500 {
				message = l.T("error.500.text")
			}
			return he.Code, l.T("error.500.title"), message
		}
	}
	return http.StatusInternalServerError, l.T("error.500.title"), l.T("error.500.text")
}

// transportMessage words a failure to reach or read the Panel API.
func transportMessage(l *i18n.Localizer, e *panelclient.TransportError) string {
	switch e.Kind {
	case panelclient.KindTimeout:
		return l.T("error.timeout")
	case panelclient.KindNotJSON, panelclient.KindMalformed:
		return l.T("error.bad_response")
	default:
		return l.T("error.unreachable")
	}
}

// apiMessage words a documented Panel API error in the staff member's
// language: the catalogue has a text for the codes staff meet; others fall
// back to the code and the API's own description.
func apiMessage(l *i18n.Localizer, e *panelclient.APIError) string {
	key := "api.code." + itoa(e.Code)
	if i18n.Has(key) {
		return l.T(key)
	}
	switch e.Code {
	case 8:
		return l.T("error.busy")
	case 15:
		return l.T("error.rate")
	}
	return l.T("error.api", e.Description, e.Code)
}

// toLogin sends the browser to the login page with the page to come back
// to. For an htmx request the whole window moves (HX-Redirect).
func (a *app) toLogin(c echo.Context, ended bool) error {
	next := returnPath(c)
	q := url.Values{}
	if next != "" && next != "/" {
		q.Set("next", next)
	}
	if ended {
		q.Set("ended", "1")
	}
	to := "/login"
	if len(q) > 0 {
		to += "?" + q.Encode()
	}
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusUnauthorized)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// returnPath is where the staff member should land after signing in again:
// the page itself for a GET, the page the form was on for a POST (htmx
// names it in HX-Current-URL), else the dashboard.
func returnPath(c echo.Context) string {
	r := c.Request()
	if r.Method == http.MethodGet {
		if wantsPartial(c) {
			if p := localFromURL(r.Header.Get("HX-Current-URL")); p != "" {
				return p
			}
		}
		return r.URL.RequestURI()
	}
	if p := localFromURL(r.Header.Get("HX-Current-URL")); p != "" {
		return p
	}
	return "/"
}

func localFromURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return ""
	}
	return safeNext(u.RequestURI())
}

// safeNext accepts only a local path ("/users?q=x"); anything that could
// leave the portal (a scheme, a host, "//", a backslash) becomes "".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	if u.Path == "/login" || u.Path == "/logout" {
		return ""
	}
	return next
}
