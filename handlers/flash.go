package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/templates"
)

const flashCookie = "portal_flash"

// setFlash leaves a one-time notice for the page after a redirect. Only a
// catalogue key and one argument travel in the cookie; the text is
// rendered (and escaped) when the next page is drawn, and an unknown key is
// dropped, so the cookie cannot inject content.
func setFlash(c echo.Context, kind, key string, arg ...string) {
	v := kind + "|" + key
	if len(arg) > 0 {
		v += "|" + url.QueryEscape(arg[0])
	}
	http.SetCookie(c.Response(), &http.Cookie{Name: flashCookie, Value: url.QueryEscape(v), Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.IsTLS()})
}

func takeFlash(c echo.Context) *templates.Flash {
	ck, err := c.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	http.SetCookie(c.Response(), &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	raw, err := url.QueryUnescape(ck.Value)
	if err != nil {
		return nil
	}
	parts := strings.SplitN(raw, "|", 3)
	if len(parts) < 2 || !i18n.Has(parts[1]) {
		return nil
	}
	switch parts[0] {
	case "ok", "bad", "warn", "info":
	default:
		return nil
	}
	l := i18n.From(c.Request().Context())
	text := l.T(parts[1])
	if len(parts) == 3 {
		arg, _ := url.QueryUnescape(parts[2])
		text = l.T(parts[1], arg)
	}
	return &templates.Flash{Kind: parts[0], Text: text}
}
