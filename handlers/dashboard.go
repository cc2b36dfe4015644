package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// dashboardAPI is what the home page reads.
type dashboardAPI interface {
	DealerInfo(ctx context.Context, hash string) (*panelclient.Dealer, error)
}

type dashboardHandlers struct {
	*app
	api dashboardAPI
}

// show draws the dealer at a glance: title, legal name, plan, active
// devices against the limit, block status, features and balance.
func (h *dashboardHandlers) show(c echo.Context) error {
	s := session(c)
	d, err := h.api.DealerInfo(c.Request().Context(), s.Hash)
	if err != nil {
		return err
	}
	v := templates.DashboardView{
		Title: d.Title, LegalName: d.LegalName, ID: d.ID, Domain: d.Domain,
		Plan: d.Tariff.Name, PlanType: d.Tariff.Type,
		ActiveAmount: d.ActiveAmount, ActiveOwn: d.ActiveAmountOwn, ActiveSub: d.ActiveAmountSubpaas, ActiveLimit: d.ActiveLimit,
		BlockStatus: d.BlockStatus, Balance: d.LicenseBalance, Currency: d.SellerCurrency, Features: d.Features,
		DemoEnds: d.DemoEnds, Locale: d.Locale, TimeZone: d.DefaultUserTimeZone,
	}
	return h.render(c, http.StatusOK, templates.DashboardPage(v))
}
