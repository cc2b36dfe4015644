package handlers

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
)

const (
	sessionKey      = "staff_session"
	visitorTokenKey = "visitor_csrf"
	requestIDKey    = "request_id"
)

func requestID(c echo.Context) string {
	id, _ := c.Get(requestIDKey).(string)
	return id
}

// recoverPanics turns a panic into the generic error page; the stack goes
// to the log with the request id, never to the browser.
func (a *app) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				a.log().Error("panic", "request_id", requestID(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}

// requestID gives every request an id, shown on error pages and in logs.
func (a *app) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := newRequestID()
		c.Set(requestIDKey, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// newRequestID is 96 random bits in 16 URL-safe characters. An id only
// has to tell requests apart in the logs and on error pages, not resist
// guessing, so its bits come from math/rand/v2's generator (ChaCha8, one
// per thread, seeded by the runtime) rather than the system's random
// source, which cost a system call per request.
func newRequestID() string {
	var b [12]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint32(b[8:], rand.Uint32())
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// accessLog writes one line per request: never the query string of a
// sensitive path, never a cookie or a hash.
func (a *app) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		d := time.Since(start)
		a.o.Metrics.observeRequest(c.Request().Method, route, status, d)
		if route != "/healthz" && route != "/metrics" && !strings.HasPrefix(route, "/static") {
			// Typed attributes: one line per request, so no boxing.
			var buf [9]slog.Attr
			attrs := append(buf[:0], slog.String("request_id", requestID(c)), slog.String("method", c.Request().Method),
				slog.String("route", route), slog.String("path", c.Request().URL.Path), slog.Int("status", status),
				slog.Int64("ms", d.Milliseconds()), slog.Int64("bytes", c.Response().Size), slog.String("ip", c.RealIP()))
			if s := session(c); s != nil {
				attrs = append(attrs, slog.String("staff", s.Login))
			}
			a.log().LogAttrs(c.Request().Context(), slog.LevelInfo, "request", attrs...)
		}
		return nil
	}
}

// securityHeaders sets the headers every response carries: a CSP with no
// inline script and no eval, no Referer ever (a hash must not leak through
// one), no sniffing, and framing only by the configured intranet origins.
func (a *app) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	frame := "'none'"
	if len(a.o.FrameAncestors) > 0 {
		frame = strings.Join(a.o.FrameAncestors, " ")
	}
	csp := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors " + frame
	// The headers are made once; every response gets the same values,
	// which net/http and the handlers only ever replace, never change.
	set := http.Header{}
	set.Set("Content-Security-Policy", csp)
	set.Set("X-Content-Type-Options", "nosniff")
	set.Set("Referrer-Policy", "no-referrer")
	set.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
	set.Set("Cross-Origin-Opener-Policy", "same-origin")
	if len(a.o.FrameAncestors) == 0 {
		set.Set("X-Frame-Options", "DENY")
	}
	if a.o.TLS {
		set.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	return func(c echo.Context) error {
		maps.Copy(c.Response().Header(), set)
		return next(c)
	}
}

// limitInFlight lets n requests be worked on at once. Long-lived answers
// (the air console stream, exports, assets) do not take a place: they
// would hold it for minutes.
func (a *app) limitInFlight(n int) echo.MiddlewareFunc {
	slots := make(chan struct{}, n)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := c.Request().URL.Path
			if strings.HasPrefix(p, "/static/") || strings.HasSuffix(p, "/console/stream") || strings.Contains(p, "export") || p == "/healthz" || p == "/metrics" {
				return next(c)
			}
			select {
			case slots <- struct{}{}:
			case <-c.Request().Context().Done():
				return c.Request().Context().Err()
			}
			defer func() { <-slots }()
			return next(c)
		}
	}
}

// language puts the staff member's localizer into the request context.
func (a *app) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		l := i18n.For(i18n.FromRequest(r))
		c.SetRequest(r.WithContext(i18n.WithLocalizer(r.Context(), l)))
		return next(c)
	}
}

// loadSession decodes the staff cookie. A cookie that is tampered with,
// cut short, made with unknown keys or past its time is dropped (and
// cleared); the route gate then sends the request to the login page
// without anything reaching the Panel API.
func (a *app) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, err := a.o.Sessions.Load(c.Request())
		switch {
		case err == nil:
			c.Set(sessionKey, s)
			if a.o.Sessions.NeedsRefresh(s) {
				_ = a.o.Sessions.Save(c.Response(), s)
			}
		case errors.Is(err, auth.ErrNoSession):
		default:
			a.o.Sessions.Clear(c.Response())
			c.Set("session_problem", err.Error())
		}
		return next(c)
	}
}

// csrf refuses a state-changing request without the right token: the
// session's for a signed-in staff member, the visitor cookie's otherwise.
func (a *app) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		ok := false
		if s := session(c); s != nil {
			ok = auth.SameToken(s.CSRF, auth.SubmittedToken(r))
		} else {
			ok = a.o.Sessions.CheckVisitorToken(r)
		}
		if !ok {
			a.log().Warn("csrf refused", "request_id", requestID(c), "path", r.URL.Path)
			return errCSRF
		}
		return next(c)
	}
}

var errCSRF = errors.New("missing or wrong anti-forgery token")

// requireLogin sends a visitor without a valid session to the login page,
// remembering where they were going.
func (a *app) requireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if session(c) == nil {
			return a.toLogin(c, c.Get("session_problem") != nil)
		}
		return next(c)
	}
}

// require is the route permission gate: a session without every listed
// permission gets 403 before any Panel API call is made.
func (a *app) require(perms ...auth.Perm) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return a.requireLogin(func(c echo.Context) error {
			s := session(c)
			if !s.Perms.CanAll(perms...) {
				a.log().Warn("permission refused", "request_id", requestID(c), "staff", s.Login, "path", c.Request().URL.Path, "need", fmt.Sprint(perms))
				return echo.NewHTTPError(http.StatusForbidden)
			}
			return next(c)
		})
	}
}

// requireAny passes when the session holds at least one of the permissions
// (a page that shows several independent parts).
func (a *app) requireAny(perms ...auth.Perm) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return a.requireLogin(func(c echo.Context) error {
			s := session(c)
			for _, p := range perms {
				if s.Perms.Can(p.Category, p.Op) {
					return next(c)
				}
			}
			return echo.NewHTTPError(http.StatusForbidden)
		})
	}
}

// audit writes the line every mutation leaves: who, what, on what, result.
func (a *app) audit(c echo.Context, action string, target any, err error) {
	attrs := []any{"request_id", requestID(c), "action", action, "target", fmt.Sprint(target)}
	if s := session(c); s != nil {
		attrs = append(attrs, "staff", s.Login, "dealer_id", s.DealerID)
	}
	result := "ok"
	if err != nil {
		result = "error"
		attrs = append(attrs, "code", panelclient.Code(err), "error", err.Error())
	}
	attrs = append(attrs, "result", result)
	a.log().Info("audit", attrs...)
}
