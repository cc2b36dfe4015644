// Package handlers is the portal's HTTP layer: Echo middleware, one file
// of handlers per section, the permission gate on every route, and the one
// place where errors become pages.
package handlers

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/static"
)

// Options is everything the HTTP layer needs, built once in main.
type Options struct {
	Client   *panelclient.Client
	Sessions *auth.Manager
	Throttle *auth.Throttle
	Assets   *static.Assets
	Logger   *slog.Logger
	Metrics  *Metrics
	// Ready reports whether the Panel API answers (for /readyz).
	Ready func() error
	// FrameAncestors lists the origins allowed to embed the portal in an
	// iframe; empty means none may.
	FrameAncestors []string
	// TLS says the portal serves HTTPS itself (HSTS is sent then).
	TLS bool
	// TrustProxy makes the portal read the client address and scheme from
	// X-Forwarded-For / X-Forwarded-Proto.
	TrustProxy bool
	// UserAppURL opens a user's web application: {domain} and {hash}.
	UserAppURL string
	// TrackerRegisterURL opens the owner's web application at its tracker
	// registration page: {domain}, {hash} (DefaultTrackerRegisterURL when
	// empty).
	TrackerRegisterURL string
	// TrackerSettingsURL opens the owner's web application at a tracker's
	// settings page: {domain}, {hash}, {tracker_id}
	// (DefaultTrackerSettingsURL when empty).
	TrackerSettingsURL string
	// UserAPIURL is the user API's address (e.g.
	// https://api.eu.navixy.com/v2), for bulk activation; empty derives it
	// from the Panel client's (…/v2/panel → …/v2).
	UserAPIURL string
	// ConsoleWSURL is the Panel's air console socket, e.g.
	// wss://panel.navixy.com/console; empty turns the air console off.
	ConsoleWSURL string
	// BrandingImageURL locates a branding image the Panel names by path
	// ("paas/5001/logo.png"): a URL template with {path}, e.g.
	// https://static.example.com/{path}. The settings page shows previews
	// through the portal (GET /settings/images/{type}), fetched from there;
	// empty shows paths without previews (absolute https URLs still show).
	BrandingImageURL string
	// MaxInFlight is how many page requests are worked on at once; the
	// rest wait their turn (until their browser gives up). A page holds a
	// rendered buffer and the decoded Panel answer while it works, so this
	// bounds memory under a burst of staff; 0 means 64.
	MaxInFlight int
	// Now is the clock (tests move it).
	Now func() time.Time
}

// New builds the portal's Echo instance with every middleware and route.
func New(o Options) *echo.Echo {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = defaultMaxInFlight
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics(nil)
	}
	if o.TrackerRegisterURL == "" {
		o.TrackerRegisterURL = DefaultTrackerRegisterURL
	}
	if o.TrackerSettingsURL == "" {
		o.TrackerSettingsURL = DefaultTrackerSettingsURL
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	if o.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	e.Server.ReadHeaderTimeout = 10 * time.Second
	app := &app{o: o}
	if o.Assets != nil {
		app.css = []string{o.Assets.URL("vendor/pico.min.css"), o.Assets.URL("portal.css")}
		app.js = []string{o.Assets.URL("vendor/htmx.min.js"), o.Assets.URL("portal.js")}
	}
	e.HTTPErrorHandler = app.handleError
	e.Use(app.recoverPanics, app.requestID, app.accessLog, app.securityHeaders, middleware.BodyLimit(maxBody), app.limitInFlight(o.MaxInFlight), app.language, app.loadSession, app.csrf)
	registerRoutes(e, app)
	return e
}

// maxBody bounds every request body before anything reads it (the
// anti-forgery check reads form fields): the largest upload the portal
// accepts is 10 MB, plus the multipart envelope.
const maxBody = "12M"

// defaultMaxInFlight is how many page requests are worked on at once
// unless Options say otherwise.
const defaultMaxInFlight = 64

// app is the shared state of the handlers: options and helpers. Section
// handlers are small structs that hold only the client calls they use.
type app struct {
	o Options
	// css and js are the page frame's hashed asset URLs, worked out once;
	// every page's shell shares them and only reads them.
	css, js []string
}

func (a *app) log() *slog.Logger { return a.o.Logger }

// redirect answers a form post: 303 for a plain browser request, and
// HX-Redirect for htmx so the whole page moves.
func redirect(c echo.Context, to string) error {
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

func isHTMX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }

// wantsPartial is an htmx request that swaps part of a page (not a boosted
// navigation, which wants the whole document).
func wantsPartial(c echo.Context) bool {
	h := c.Request().Header
	return isHTMX(c) && h.Get("HX-Boosted") != "true" && h.Get("HX-History-Restore-Request") != "true"
}
