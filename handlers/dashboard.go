package handlers

import (
	"context"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// dashboardAPI is what the home page reads.
type dashboardAPI interface {
	DealerInfo(ctx context.Context, hash string) (*panelclient.Dealer, error)
	ListUsers(ctx context.Context, hash string, p panelclient.UserListParams) (*panelclient.UserList, error)
	ListTrackers(ctx context.Context, hash string, p panelclient.TrackerListParams) (*panelclient.TrackerList, error)
}

type dashboardHandlers struct {
	*app
	api dashboardAPI
}

// show draws the dealer at a glance: title, legal name, plan, active
// devices against the limit, block status, features and balance.
func (h *dashboardHandlers) show(c echo.Context) error {
	s := session(c)
	ctx := c.Request().Context()
	// The users count (user/list with limit 1) is read alongside the
	// dealer, when the session may read users.
	var (
		wg       sync.WaitGroup
		users    *panelclient.UserList
		usersErr error
	)
	showUsers := s.Perms.Can("users", "read")
	if showUsers {
		wg.Go(func() { users, usersErr = h.api.ListUsers(ctx, s.Hash, panelclient.UserListParams{Limit: 1}) })
	}
	// The trackers count likewise (tracker/list with limit 1), when the
	// session may read trackers.
	var (
		trackers    *panelclient.TrackerList
		trackersErr error
	)
	showTrackers := s.Perms.Can("trackers", "read")
	if showTrackers {
		wg.Go(func() {
			trackers, trackersErr = h.api.ListTrackers(ctx, s.Hash, panelclient.TrackerListParams{Limit: 1})
		})
	}
	d, err := h.api.DealerInfo(ctx, s.Hash)
	wg.Wait()
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
	if showUsers && usersErr == nil {
		v.ShowUsers, v.UsersCount = true, users.Count
	} else if usersErr != nil {
		h.log().Warn("dashboard: users count unavailable", "request_id", requestID(c), "error", usersErr.Error())
	}
	if showTrackers && trackersErr == nil {
		v.ShowTrackers, v.TrackersCount = true, trackers.Count
	} else if trackersErr != nil {
		h.log().Warn("dashboard: trackers count unavailable", "request_id", requestID(c), "error", trackersErr.Error())
	}
	return h.render(c, http.StatusOK, templates.DashboardPage(v))
}
