package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// A tracker's page shows what tracker/read answers. Two things need that
// answer before they can be asked for, and come as fragments the page
// loads once it is shown (hx-trigger="load"), each a plain link without
// script:
//   - /trackers/{id}/owner?user_id=: the owner's name and login
//     (user/read; users: read);
//   - /trackers/{id}/clones?device_id=: the trackers over the same device
//     (tracker/list by device ID): an original's clones, a clone's
//     original.
//
// The page puts what it read from the tracker into the address, so each
// fragment makes one call. Opened without it (a hand-typed address), a
// fragment reads the tracker first.

// trackerOwnerURL is the owner fragment of a tracker.
func trackerOwnerURL(t *panelclient.Tracker) string {
	return trackerURLOf(t.ID) + "/owner?user_id=" + strconv.Itoa(t.UserID)
}

// trackerFamilyURL is the clones fragment of a tracker.
func trackerFamilyURL(t *panelclient.Tracker) string {
	return trackerURLOf(t.ID) + "/clones?" + url.Values{"device_id": {t.Source.DeviceID}}.Encode()
}

// trackerFamilyLimit is how many trackers the clone lookup reads: the
// trackers whose fields match the device ID.
const trackerFamilyLimit = 100

// owner answers the owner fragment: the owner's property with the name and
// login user/read gives.
func (h *trackerHandlers) owner(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// The page names the owner in the fragment's address to save a call;
	// opened as a page of its own (an address anyone may have edited),
	// the fragment asks the tracker who its owner is.
	v := templates.TrackerOwnerView{TrackerID: id}
	if wantsPartial(c) {
		v.UserID = positiveInt(c.QueryParam("user_id"))
	}
	if v.UserID == 0 {
		t, err := h.readTracker(c)
		if err != nil {
			return h.ownerFailed(c, v, err)
		}
		v.UserID, v.Name = t.UserID, t.OwnerName
	}
	u, err := h.api.ReadUser(c.Request().Context(), session(c).Hash, v.UserID)
	if err != nil {
		return h.ownerFailed(c, v, err)
	}
	v.Name, v.Login = userDisplayName(u.User), u.User.Login
	return h.render(c, http.StatusOK, templates.TrackerOwnerFragment(v))
}

// ownerFailed answers the owner fragment whose call failed (fragmentFailed).
func (h *trackerHandlers) ownerFailed(c echo.Context, v templates.TrackerOwnerView, err error) error {
	return h.fragmentFailed(c, "owner", err, func(gone bool, p *templates.FragmentProblem) templ.Component {
		v.Gone, v.Problem = gone, p
		return templates.TrackerOwnerFragment(v)
	})
}

// family answers the clones fragment: for an original, the clones over
// its device; for a clone, its original. Clones share the original's
// device: tracker/list searched by the device ID, keeping the trackers over
// the same source. The tracker itself is among them, which confirms what
// the address says about it (its device, whether it is a clone); when it
// is not, tracker/read decides.
func (h *trackerHandlers) family(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	s := session(c)
	ctx := c.Request().Context()
	v := templates.TrackerFamilyView{ID: id}
	device := strings.TrimSpace(c.QueryParam("device_id"))
	var (
		self *panelclient.Tracker
		list *panelclient.TrackerList
	)
	if device != "" {
		if list, err = h.api.ListTrackers(ctx, s.Hash, panelclient.TrackerListParams{Filter: device, Limit: trackerFamilyLimit}); err != nil {
			return h.familyFailed(c, v, err)
		}
		for i, o := range list.List {
			if o.ID == id && o.Source.DeviceID == device {
				self = &list.List[i]
				break
			}
		}
	}
	if self == nil {
		if self, err = h.readTracker(c); err != nil {
			return h.familyFailed(c, v, err)
		}
		if self.Source.DeviceID == "" {
			v.Clone, v.Unknown = self.Clone, true
			return h.render(c, http.StatusOK, templates.TrackerFamilyFragment(v))
		}
		if self.Source.DeviceID != device {
			if list, err = h.api.ListTrackers(ctx, s.Hash, panelclient.TrackerListParams{Filter: self.Source.DeviceID, Limit: trackerFamilyLimit}); err != nil {
				return h.familyFailed(c, v, err)
			}
		}
	}
	v.Clone = self.Clone
	if self.Source.Corrupted {
		// The list still shows a tracker whose registration was
		// cancelled; its page says it is gone, and so does this.
		return h.familyFailed(c, v, errTrackerGone)
	}
	v.Clones = templates.TrackerTableView{
		List:      templates.ListState{Path: trackerURLOf(id), Target: "#clones-table", Page: 1, PerPage: trackerFamilyLimit},
		LinkUsers: s.Perms.Can("users", "read"), LinkPlans: s.Perms.Can("tariffs", "read"),
		HidePlan: true, TestID: "clones-table", Static: true,
	}
	for _, o := range list.List {
		if o.ID == id || o.Source.ID != self.Source.ID {
			continue
		}
		if !o.Clone && self.Clone {
			v.CloneOf = o.ID
			continue
		}
		if o.Clone && !self.Clone {
			v.Clones.Rows = append(v.Clones.Rows, trackerRow(o, nil))
		}
	}
	v.Clones.List.Total = len(v.Clones.Rows)
	return h.render(c, http.StatusOK, templates.TrackerFamilyFragment(v))
}

// familyFailed answers the clones fragment whose call failed (fragmentFailed).
func (h *trackerHandlers) familyFailed(c echo.Context, v templates.TrackerFamilyView, err error) error {
	return h.fragmentFailed(c, "clones", err, func(gone bool, p *templates.FragmentProblem) templ.Component {
		v.Gone, v.Problem = gone, p
		return templates.TrackerFamilyFragment(v)
	})
}

// fragmentFailed decides what a failed call becomes in a fragment; show
// renders the fragment saying so. A cancelled tracker is said in the
// fragment, or as the tracker page says it when the fragment is opened as
// a page of its own. An ended session goes to the error handler, which
// sends the staff member to sign in again (HX-Redirect for htmx), and so
// does any failure of a fragment opened as a page of its own (the error
// page). For htmx the failure is worded, as the error page words it,
// inside the fragment, which replaces its placeholder with status 200: the
// notice stands where the owner or the clones would have, and the rest of
// the page stands.
func (h *trackerHandlers) fragmentFailed(c echo.Context, part string, err error, show func(gone bool, p *templates.FragmentProblem) templ.Component) error {
	switch {
	case errors.Is(err, errTrackerGone) && !wantsPartial(c):
		return h.trackerGone(c)
	case errors.Is(err, errTrackerGone):
		return h.render(c, http.StatusOK, show(true, nil))
	case panelclient.IsSessionEnded(err) || !wantsPartial(c):
		return err
	}
	h.log().Warn("tracker page: a fragment's call failed", "request_id", requestID(c), "part", part, "code", panelclient.Code(err), "error", err.Error())
	_, _, message := describeError(i18n.From(c.Request().Context()), err)
	return h.render(c, http.StatusOK, show(false, &templates.FragmentProblem{Message: message, RequestID: requestID(c)}))
}
