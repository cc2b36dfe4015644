package handlers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// bulkConcurrency is how many per-tracker calls a bulk action runs at a
// time: quick for the staff member, gentle on the Panel API.
const bulkConcurrency = 4

// bulkMax is the most trackers one bulk action takes (the Panel's batch
// calls accept up to 500).
const bulkMax = 500

// bulkIDs reads the selected tracker IDs: unique, positive, in the order
// given.
func bulkIDs(values []string) []int {
	var ids []int
	for _, v := range values {
		if id := positiveInt(v); id > 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// bulkForm shows what a bulk action will do with the selected trackers and
// asks for what it needs (new owner, plan).
func (h *trackerHandlers) bulkForm(op string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ids := bulkIDs(c.QueryParams()["tracker_id"])
		v, err := h.bulkView(c, op, ids, nil, nil)
		if err != nil {
			return err
		}
		if len(ids) > bulkMax {
			v.Errs = templates.FieldErrors{"": i18n.From(c.Request().Context()).T("trackers.bulk.too_many", bulkMax)}
			v.IDs = ids[:bulkMax]
		}
		return h.render(c, http.StatusOK, templates.TrackerBulkPage(v))
	}
}

func (h *trackerHandlers) bulkView(c echo.Context, op string, ids []int, values map[string]string, errs templates.FieldErrors) (templates.TrackerBulkView, error) {
	v := templates.TrackerBulkView{Op: op, IDs: ids, Values: values, Errs: errs, PickUsers: session(c).Perms.Can("users", "read")}
	if op == "plan" && len(ids) > 0 {
		plans, err := h.trackerPlanChoices(c, 0)
		if err != nil {
			return v, err
		}
		v.Plans = plans
		v.Once = h.once.Issue()
	}
	return v, nil
}

// bulkAgain shows the bulk form again with what is wrong (422).
func (h *trackerHandlers) bulkAgain(c echo.Context, op string, ids []int, values map[string]string, errs templates.FieldErrors) error {
	v, err := h.bulkView(c, op, ids, values, errs)
	if err != nil {
		return err
	}
	return h.render(c, statusUnprocessable, templates.TrackerBulkPage(v))
}

// bulkRun runs a bulk action and shows one result per tracker: what
// succeeded, and what failed and why. A failed tracker is never tried
// again by the portal; the result page offers to open the action again
// for the failed ones, and the staff member decides.
func (h *trackerHandlers) bulkRun(op string) echo.HandlerFunc {
	return func(c echo.Context) error {
		form, _ := c.FormParams()
		ids := bulkIDs(form["tracker_id"])
		l := i18n.From(c.Request().Context())
		values := map[string]string{}
		for _, k := range []string{"user_id", "tariff_id"} {
			values[k] = strings.TrimSpace(c.FormValue(k))
		}
		values["repay"] = boolString(c.FormValue("repay") == "true")
		values["charge"] = boolString(c.FormValue("charge") == "true")
		if len(ids) == 0 {
			return h.bulkAgain(c, op, nil, values, nil)
		}
		if len(ids) > bulkMax {
			return h.bulkAgain(c, op, ids[:bulkMax], values, templates.FieldErrors{"": l.T("trackers.bulk.too_many", bulkMax)})
		}
		var (
			v   templates.TrackerBulkView
			err error
		)
		switch op {
		case "move", "clone":
			userID := positiveInt(values["user_id"])
			if userID == 0 {
				return h.bulkAgain(c, op, ids, values, templates.FieldErrors{"user_id": l.T("trackers.val.user_id"), "": l.T("form.errors")})
			}
			if op == "move" {
				v.Results = h.bulkEach(c, ids, "tracker/move", func(ctx context.Context, id int) (templates.BulkResult, error) {
					newID, err := h.api.MoveTracker(ctx, session(c).Hash, panelclient.TrackerMoveParams{TrackerID: id, UserID: userID})
					return templates.BulkResult{NewID: newID, Text: l.T("trackers.bulk.moved", userID)}, err
				}, "move")
			} else {
				v, err = h.bulkClone(c, ids, userID)
			}
		case "plan":
			tariffID := positiveInt(values["tariff_id"])
			if tariffID == 0 {
				return h.bulkAgain(c, op, ids, values, templates.FieldErrors{"tariff_id": l.T("trackers.val.tariff_id"), "": l.T("form.errors")})
			}
			token := c.FormValue(onceField)
			if !h.once.Valid(token) {
				return h.bulkAgain(c, op, ids, values, templates.FieldErrors{"": l.T("trackers.plan.expired")})
			}
			if !h.once.Claim(token) {
				h.audit(c, "tracker/tariff/change", joinIDs(ids), errFormResent)
				setFlash(c, "warn", "trackers.plan.already")
				return redirect(c, "/trackers")
			}
			p := panelclient.TariffChangeParams{TariffID: tariffID, Repay: values["repay"] == "true", Charge: values["charge"] == "true"}
			v.Results = h.bulkEach(c, ids, "tracker/tariff/change", func(ctx context.Context, id int) (templates.BulkResult, error) {
				q := p
				q.TrackerID = id
				return templates.BulkResult{Text: l.T("trackers.bulk.plan_changed")}, h.api.ChangeTrackerTariff(ctx, session(c).Hash, q)
			}, "tariff_change")
		case "delete-clones":
			v, err = h.bulkDeleteClones(c, ids)
		default:
			return echo.NewHTTPError(http.StatusNotFound)
		}
		if err != nil {
			return err
		}
		v.Op, v.IDs, v.Values = op, ids, values
		return h.render(c, http.StatusOK, templates.TrackerBulkPage(v))
	}
}

// bulkEach runs one call per tracker, bulkConcurrency at a time, each at
// most once. When the Panel session ends midway, the trackers not yet
// started are reported as not attempted.
func (h *trackerHandlers) bulkEach(c echo.Context, ids []int, action string, call func(context.Context, int) (templates.BulkResult, error), op string) []templates.BulkResult {
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	results := make([]templates.BulkResult, len(ids))
	sem := make(chan struct{}, bulkConcurrency)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		ended bool
	)
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			mu.Lock()
			stop := ended
			mu.Unlock()
			if stop || ctx.Err() != nil {
				results[i] = templates.BulkResult{TrackerID: id, Text: l.T("trackers.bulk.not_attempted")}
				return
			}
			r, err := call(ctx, id)
			h.audit(c, action, id, err)
			r.TrackerID = id
			if err != nil {
				if panelclient.IsSessionEnded(err) {
					mu.Lock()
					ended = true
					mu.Unlock()
				}
				r = templates.BulkResult{TrackerID: id, Text: bulkErrorText(l, op, err)}
			} else {
				r.OK = true
			}
			results[i] = r
		}()
	}
	wg.Wait()
	return results
}

// bulkErrorText words why one tracker failed.
func bulkErrorText(l *i18n.Localizer, op string, err error) string {
	var ae *panelclient.APIError
	var te *panelclient.TransportError
	switch {
	case panelclient.IsSessionEnded(err):
		return l.T("trackers.bulk.session_ended")
	case panelclient.IsForbidden(err):
		return l.T("error.403.text")
	case errors.As(err, &ae):
		if ae.Code == 201 {
			return l.T("trackers.bulk.not_found")
		}
		if ae.Code == 7 && len(ae.Errors) > 0 {
			var parts []string
			for name, msg := range ae.FieldMessages() {
				parts = append(parts, name+": "+msg)
			}
			slices.Sort(parts)
			return strings.Join(parts, "; ")
		}
		return trackerAPIText(l, op, ae)
	case errors.As(err, &te):
		msg := transportMessage(l, te)
		if te.Kind == panelclient.KindTimeout {
			msg = l.T("trackers.bulk.timeout")
		}
		return msg
	}
	return l.T("error.500.text")
}

// bulkClone gives the user clones of all the selected trackers in one
// tracker/batch_clone call. Trackers the user already has a clone of are
// skipped (ignore_existing) and reported; a refusal of the whole batch is
// reported on every tracker.
func (h *trackerHandlers) bulkClone(c echo.Context, ids []int, userID int) (templates.TrackerBulkView, error) {
	l := i18n.From(c.Request().Context())
	var v templates.TrackerBulkView
	res, err := h.api.BatchCloneTrackers(c.Request().Context(), session(c).Hash, panelclient.BatchCloneParams{UserID: userID, TrackerIDs: ids, IgnoreExisting: true})
	h.audit(c, "tracker/batch_clone", joinIDs(ids), err)
	if err != nil {
		if panelclient.IsSessionEnded(err) {
			return v, err
		}
		msg := bulkErrorText(l, "batch_clone", err)
		if panelclient.Code(err) == 201 {
			msg = trackerAPIText(l, "batch_clone", &panelclient.APIError{Code: 201})
		}
		// The batch is all or nothing: say so on every tracker.
		msg = l.T("trackers.bulk.none_cloned", msg)
		for _, id := range ids {
			v.Results = append(v.Results, templates.BulkResult{TrackerID: id, Text: msg})
		}
		return v, nil
	}
	for _, id := range ids {
		if slices.Contains(res.IgnoredTrackers, id) {
			v.Results = append(v.Results, templates.BulkResult{TrackerID: id, Text: l.T("trackers.bulk.clone_exists", userID)})
			continue
		}
		v.Results = append(v.Results, templates.BulkResult{TrackerID: id, OK: true, Text: l.T("trackers.bulk.cloned", userID)})
	}
	v.Created = res.CloneIDs
	return v, nil
}

// bulkDeleteClones deletes the selected clones in one
// tracker/batch_delete_clones call; the Panel says which it could not
// delete and why.
func (h *trackerHandlers) bulkDeleteClones(c echo.Context, ids []int) (templates.TrackerBulkView, error) {
	l := i18n.From(c.Request().Context())
	var v templates.TrackerBulkView
	res, err := h.api.BatchDeleteClones(c.Request().Context(), session(c).Hash, ids)
	h.audit(c, "tracker/batch_delete_clones", joinIDs(ids), err)
	if err != nil {
		if panelclient.IsSessionEnded(err) {
			return v, err
		}
		msg := l.T("trackers.bulk.none_deleted", bulkErrorText(l, "batch_delete_clones", err))
		for _, id := range ids {
			v.Results = append(v.Results, templates.BulkResult{TrackerID: id, Text: msg})
		}
		return v, nil
	}
	why := map[int]string{}
	for _, nd := range res.NotDeleted {
		why[nd.ID] = nd.Error
	}
	for _, id := range ids {
		if reason, failed := why[id]; failed {
			v.Results = append(v.Results, templates.BulkResult{TrackerID: id, Text: l.T("trackers.bulk.not_deleted", bulkReason(l, reason))})
			continue
		}
		v.Results = append(v.Results, templates.BulkResult{TrackerID: id, OK: true, Text: l.T("trackers.bulk.deleted")})
	}
	return v, nil
}

// bulkReason words a reason batch_delete_clones gives ("Not a clone",
// "Entity not found", "Already deleted"); others show as the Panel sent
// them.
func bulkReason(l *i18n.Localizer, reason string) string {
	key := "trackers.bulk.reason." + strings.ToLower(strings.ReplaceAll(strings.TrimSpace(reason), " ", "_"))
	if i18n.Has(key) {
		return l.T(key)
	}
	if reason == "" {
		return l.T("trackers.bulk.reason.unknown")
	}
	return reason
}
