package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// searchAPI is what the global search calls: the list call of each
// searchable section, with its text filter.
type searchAPI interface {
	ListUsers(ctx context.Context, hash string, p panelclient.UserListParams) (*panelclient.UserList, error)
	ListTrackers(ctx context.Context, hash string, p panelclient.TrackerListParams) (*panelclient.TrackerList, error)
	ListTariffs(ctx context.Context, hash string, p panelclient.TariffListParams) (*panelclient.TariffList, error)
	ListSubpaas(ctx context.Context, hash string, p panelclient.SubpaasListParams) (*panelclient.SubpaasList, error)
}

// searchHandlers serve /search.
type searchHandlers struct {
	*app
	api searchAPI
}

// searchPerms are the read permissions of the searchable lists: any one
// of them opens /search (and shows the header's search box); each group
// needs its own.
var searchPerms = []auth.Perm{permUsersRead, permTrackersRead, permTariffsRead, auth.P("subpaas", "read")}

// searchRows is how many rows each group shows; the group links to its
// whole filtered list for the rest.
const searchRows = 10

// searchMaxQuery bounds the search text, as the lists do.
const searchMaxQuery = 200

// search finds q in users, trackers, plans and resellers at once, with
// each list call's own `filter`, as the official console's search page
// does: one group per list the session may read (users, trackers,
// tariffs, subpaas: read), each with its count, its first rows and a link
// to the whole filtered list. The groups are asked in parallel; a group
// whose call fails shows its own notice and the others still show. Only a
// session that has ended turns the whole page into the login page.
//
// The resellers group also needs a dealer that may have resellers: the
// Panel answers code 13 to a dealer that may not (not PaaS, no `subpaas`
// feature, or itself a reseller), and the group is then left out, as the
// official console leaves it out; inside a reseller's panel it is not
// asked at all.
//
// The header's search box asks with htmx as the staff member types; it
// gets the content of the page alone and pushes /search?q= to the address
// bar, so the results can be reloaded, bookmarked and shared.
func (h *searchHandlers) search(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len(q) > searchMaxQuery {
		q = strings.ToValidUTF8(q[:searchMaxQuery], "")
	}
	v := templates.SearchView{Q: q}
	if q != "" {
		if err := h.find(c, q, &v); err != nil {
			return err
		}
	}
	if wantsPartial(c) {
		return h.render(c, http.StatusOK, templates.SearchMain(v))
	}
	return h.render(c, http.StatusOK, templates.SearchPage(v))
}

// find runs every group the session may read, in parallel, and fills v.
// It returns an error only when the Panel session has ended.
func (h *searchHandlers) find(c echo.Context, q string, v *templates.SearchView) error {
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	hash, can, inReseller := sess.Hash, sess.Perms.Can, sess.Parent != nil
	more := func(path string) string { return path + "?q=" + url.QueryEscape(q) }
	var (
		wg sync.WaitGroup
		// errs[i] is group i's failure: users, trackers, plans, resellers.
		errs [4]error
	)
	if can("users", "read") {
		g := &templates.SearchUsers{SearchGroupHead: templates.SearchGroupHead{More: more("/users")}}
		v.Users = g
		wg.Go(func() {
			list, err := h.api.ListUsers(ctx, hash, panelclient.UserListParams{Filter: q, Limit: searchRows})
			if err != nil {
				errs[0] = err
				return
			}
			g.Count = list.Count
			for _, u := range list.List {
				g.Rows = append(g.Rows, userRow(u))
			}
		})
	}
	if can("trackers", "read") {
		g := &templates.SearchTrackers{SearchGroupHead: templates.SearchGroupHead{More: more("/trackers")}, LinkUsers: can("users", "read")}
		v.Trackers = g
		wg.Go(func() {
			list, err := h.api.ListTrackers(ctx, hash, panelclient.TrackerListParams{Filter: q, Limit: searchRows})
			if err != nil {
				errs[1] = err
				return
			}
			g.Count = list.Count
			for _, t := range list.List {
				g.Rows = append(g.Rows, trackerRow(t, nil))
			}
		})
	}
	if can("tariffs", "read") {
		g := &templates.SearchPlans{SearchGroupHead: templates.SearchGroupHead{More: more("/plans")}}
		v.Plans = g
		wg.Go(func() {
			list, err := h.api.ListTariffs(ctx, hash, panelclient.TariffListParams{Filter: q, Limit: searchRows})
			if err != nil {
				errs[2] = err
				return
			}
			g.Count = list.Count
			for _, p := range list.List {
				g.Rows = append(g.Rows, templates.PlanRow{
					ID: p.ID, Name: p.Name, Type: p.Type, DeviceType: p.DeviceType,
					GroupID: p.GroupID, Price: p.Price, Active: p.Active,
				})
			}
		})
	}
	if can("subpaas", "read") && !inReseller {
		g := &templates.SearchResellers{SearchGroupHead: templates.SearchGroupHead{More: more("/resellers")}}
		v.Resellers = g
		wg.Go(func() {
			list, err := h.api.ListSubpaas(ctx, hash, panelclient.SubpaasListParams{Filter: q, Limit: searchRows})
			if err != nil {
				errs[3] = err
				return
			}
			g.Count = list.Count
			for _, s := range list.List {
				g.Rows = append(g.Rows, templates.SearchResellerRow{
					ID: s.ID, Title: s.Title, JurName: s.JurName, Login: s.Login, BlockType: s.BlockType,
					Users: s.UsersCount, ActiveUsers: s.ActiveUsersCount,
					Trackers: s.TrackersCount, ActiveTrackers: s.ActiveTrackersCount,
				})
			}
		})
	}
	wg.Wait()

	heads := [4]*templates.SearchGroupHead{}
	if v.Users != nil {
		heads[0] = &v.Users.SearchGroupHead
	}
	if v.Trackers != nil {
		heads[1] = &v.Trackers.SearchGroupHead
	}
	if v.Plans != nil {
		heads[2] = &v.Plans.SearchGroupHead
	}
	if v.Resellers != nil {
		heads[3] = &v.Resellers.SearchGroupHead
	}
	for i, err := range errs {
		switch {
		case err == nil:
		case panelclient.IsSessionEnded(err):
			return err
		case i == 3 && panelclient.IsForbidden(err):
			// This dealer may not have resellers: no group, as in the
			// official console.
			v.Resellers = nil
		default:
			h.log().Warn("search: a group failed", "request_id", requestID(c), "group", [4]string{"users", "trackers", "plans", "resellers"}[i], "error", err.Error())
			heads[i].Err = l.T("search.group_failed", userUpstreamMessage(l, err))
		}
	}
	return nil
}
