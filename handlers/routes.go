package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
)

// registerRoutes lists every route of the portal, grouped by section, each
// with the Panel permissions its Panel API calls require. The gate refuses
// a session without them (403) before any call is made.
func registerRoutes(e *echo.Echo, a *app) {
	e.GET("/healthz", a.healthz)
	e.GET("/readyz", a.readyz)
	e.GET("/metrics", a.o.Metrics.handler())
	e.GET("/static/*", echo.WrapHandler(a.o.Assets))

	acc := &accountHandlers{app: a, api: a.o.Client}
	e.GET("/login", acc.loginForm)
	e.POST("/login", acc.login)
	e.POST("/logout", acc.logout)
	e.GET("/lang", acc.switchLanguage)

	dash := &dashboardHandlers{app: a, api: a.o.Client}
	e.GET("/", dash.show, a.require(auth.P("base", "get_dealer_info")))
}
