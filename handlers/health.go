package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// healthz answers while the process serves requests.
func (a *app) healthz(c echo.Context) error { return c.String(http.StatusOK, "ok\n") }

// readyz answers 200 when the Panel API answers, 503 otherwise, so a load
// balancer sends staff only to replicas that can work.
func (a *app) readyz(c echo.Context) error {
	if a.o.Ready != nil {
		if err := a.o.Ready(); err != nil {
			return c.String(http.StatusServiceUnavailable, "panel api not ready\n")
		}
	}
	return c.String(http.StatusOK, "ready\n")
}
