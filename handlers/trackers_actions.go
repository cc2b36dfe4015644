package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// editForm shows the label, comment and deleted mark, and the device's
// blocked mark, ready to change.
func (h *trackerHandlers) editForm(c echo.Context) error {
	t, err := h.readTracker(c)
	if errors.Is(err, errTrackerGone) {
		return h.trackerGone(c)
	}
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.TrackerEditPage(trackerEditView(t)))
}

func trackerEditView(t *panelclient.Tracker) templates.TrackerEditView {
	return templates.TrackerEditView{ID: t.ID, Label: t.Label, Comment: t.Comment, Deleted: t.Deleted, Blocked: t.Source.Blocked}
}

// editAgain shows the edit page again with what was sent and what is
// wrong with it (422).
func (h *trackerHandlers) editAgain(c echo.Context, form string, values map[string]string, errs templates.FieldErrors) error {
	id, _ := pathID(c)
	v := templates.TrackerEditView{ID: id}
	if t, err := h.api.ReadTracker(c.Request().Context(), session(c).Hash, id); err == nil {
		v = trackerEditView(t)
	} else if panelclient.IsSessionEnded(err) {
		return err
	}
	v.Form, v.Values, v.Errs = form, values, errs
	return h.render(c, statusUnprocessable, templates.TrackerEditPage(v))
}

// saveSettings saves the label, comment and deleted mark
// (tracker/settings/update).
func (h *trackerHandlers) saveSettings(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	label := strings.TrimSpace(c.FormValue("label"))
	comment := strings.ReplaceAll(c.FormValue("comment"), "\r\n", "\n")
	deleted := c.FormValue("deleted") == "true"
	values := map[string]string{"label": label, "comment": comment, "deleted": boolString(deleted)}
	errs := templates.FieldErrors{}
	if msg := checkLabel(l, label, true); msg != "" {
		errs["label"] = msg
	}
	if len([]rune(comment)) > 3000 {
		errs["comment"] = l.T("trackers.val.comment_long")
	}
	if len(errs) > 0 {
		return h.editAgain(c, "settings", values, errs)
	}
	err = h.api.UpdateTrackerSettings(c.Request().Context(), session(c).Hash, panelclient.TrackerSettingsParams{
		TrackerID: id, Label: label, Deleted: deleted, Comment: &comment,
	})
	h.audit(c, "tracker/settings/update", id, err)
	if err != nil {
		if errs, err := trackerFormErrors(c, "settings", err); err != nil {
			return err
		} else {
			return h.editAgain(c, "settings", values, errs)
		}
	}
	setFlash(c, "ok", "common.saved")
	return redirect(c, trackerURLOf(id))
}

// saveSource blocks or unblocks the device (tracker/source/update).
func (h *trackerHandlers) saveSource(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	blocked := c.FormValue("blocked") == "true"
	err = h.api.UpdateTrackerSource(c.Request().Context(), session(c).Hash, id, blocked)
	h.audit(c, "tracker/source/update", id, err)
	if err != nil {
		if errs, err := trackerFormErrors(c, "source", err); err != nil {
			return err
		} else {
			return h.editAgain(c, "source", map[string]string{"blocked": boolString(blocked)}, errs)
		}
	}
	setFlash(c, "ok", "common.saved")
	return redirect(c, trackerURLOf(id))
}

// errFormResent is the audit result of a money-moving form sent twice.
var errFormResent = errors.New("refused: form already sent")

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// actionForm shows one action's form on a page of its own (the path
// without script, where the detail page opens a dialog).
func (h *trackerHandlers) actionForm(op string) echo.HandlerFunc {
	return func(c echo.Context) error {
		return h.actionPage(c, http.StatusOK, op, nil, nil)
	}
}

// actionPage renders an action's form page; with values and errs it is
// the form coming back (422).
func (h *trackerHandlers) actionPage(c echo.Context, status int, op string, values map[string]string, errs templates.FieldErrors) error {
	t, err := h.readTracker(c)
	if errors.Is(err, errTrackerGone) {
		return h.trackerGone(c)
	}
	if err != nil {
		return err
	}
	s := session(c)
	f := templates.TrackerFormsView{
		ID: t.ID, Label: t.Label, UserID: t.UserID, TariffID: t.Source.TariffID,
		PickUsers: s.Perms.Can("users", "read"), Values: values, Errs: errs,
	}
	if op == "plan" {
		if f.Plans, err = h.trackerPlanChoices(c, t.Source.TariffID); err != nil {
			return err
		}
		f.Once = h.once.Issue()
	}
	return h.render(c, status, templates.TrackerActionPage(templates.TrackerActionPageView{Op: op, Forms: f}))
}

// refused shows the form again with the Panel's refusal worded on it, or
// hands the error to the error page when it belongs there.
func (h *trackerHandlers) refused(c echo.Context, op, apiOp string, values map[string]string, err error) error {
	errs, err := trackerFormErrors(c, apiOp, err)
	if err != nil {
		return err
	}
	return h.actionPage(c, statusUnprocessable, op, values, errs)
}

// move gives the tracker to another user (tracker/move). The Panel gives
// the moved tracker a new ID and answers with it; the staff member lands
// on the tracker under that ID (or the old one when the Panel sent none).
func (h *trackerHandlers) move(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	raw := strings.TrimSpace(c.FormValue("user_id"))
	values := map[string]string{"user_id": raw}
	userID := positiveInt(raw)
	if userID == 0 {
		return h.actionPage(c, statusUnprocessable, "move", values, templates.FieldErrors{"user_id": l.T("trackers.val.user_id"), "": l.T("form.errors")})
	}
	newID, err := h.api.MoveTracker(c.Request().Context(), session(c).Hash, panelclient.TrackerMoveParams{TrackerID: id, UserID: userID})
	h.audit(c, "tracker/move", id, err)
	if err != nil {
		return h.refused(c, "move", "move", values, err)
	}
	if newID > 0 && newID != id {
		h.log().Info("tracker moved", "request_id", requestID(c), "tracker", id, "new_id", newID, "user", userID)
		setFlash(c, "ok", "trackers.flash.moved_new_id", itoa(newID))
		return redirect(c, trackerURLOf(newID))
	}
	setFlash(c, "ok", "trackers.flash.moved", itoa(userID))
	return redirect(c, trackerURLOf(id))
}

// clone gives another user a clone of the tracker (tracker/clone).
func (h *trackerHandlers) clone(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	label := strings.TrimSpace(c.FormValue("label"))
	raw := strings.TrimSpace(c.FormValue("user_id"))
	values := map[string]string{"user_id": raw, "label": label}
	errs := templates.FieldErrors{}
	if msg := checkLabel(l, label, false); msg != "" {
		errs["label"] = msg
	}
	userID := positiveInt(raw)
	if userID == 0 {
		errs["user_id"] = l.T("trackers.val.user_id")
	}
	if len(errs) > 0 {
		errs[""] = l.T("form.errors")
		return h.actionPage(c, statusUnprocessable, "clone", values, errs)
	}
	cloneID, err := h.api.CloneTracker(c.Request().Context(), session(c).Hash, panelclient.TrackerCloneParams{TrackerID: id, UserID: userID, Label: label})
	h.audit(c, "tracker/clone", id, err)
	if err != nil {
		return h.refused(c, "clone", "clone", values, err)
	}
	setFlash(c, "ok", "trackers.flash.cloned", itoa(cloneID))
	return redirect(c, trackerURLOf(id))
}

// changePlan moves the tracker to another plan (tracker/tariff/change),
// repaying and charging as the staff member chose. The change may move
// money, so the form's one-time token is claimed first: the same form sent
// again (a double click, "resend form") never reaches the Panel.
func (h *trackerHandlers) changePlan(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	raw := strings.TrimSpace(c.FormValue("tariff_id"))
	repay, charge := c.FormValue("repay") == "true", c.FormValue("charge") == "true"
	values := map[string]string{"tariff_id": raw, "repay": boolString(repay), "charge": boolString(charge)}
	tariffID := positiveInt(raw)
	if tariffID == 0 {
		return h.actionPage(c, statusUnprocessable, "plan", values, templates.FieldErrors{"tariff_id": l.T("trackers.val.tariff_id"), "": l.T("form.errors")})
	}
	token := c.FormValue(onceField)
	if !h.once.Valid(token) {
		return h.actionPage(c, statusUnprocessable, "plan", values, templates.FieldErrors{"": l.T("trackers.plan.expired")})
	}
	if !h.once.Claim(token) {
		h.audit(c, "tracker/tariff/change", id, errFormResent)
		setFlash(c, "warn", "trackers.plan.already")
		return redirect(c, trackerURLOf(id))
	}
	err = h.api.ChangeTrackerTariff(c.Request().Context(), session(c).Hash, panelclient.TariffChangeParams{TrackerID: id, TariffID: tariffID, Repay: repay, Charge: charge})
	h.audit(c, "tracker/tariff/change", id, err)
	if err != nil {
		return h.refused(c, "plan", "tariff_change", values, err)
	}
	setFlash(c, "ok", "trackers.flash.plan_changed")
	return redirect(c, trackerURLOf(id))
}

// retryRegistration resends the device's registration commands
// (tracker/register_retry).
func (h *trackerHandlers) retryRegistration(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	err = h.api.RetryTrackerRegistration(c.Request().Context(), session(c).Hash, panelclient.RegisterRetryParams{TrackerID: id})
	h.audit(c, "tracker/register_retry", id, err)
	if err != nil {
		return h.refused(c, "retry", "register_retry", nil, err)
	}
	setFlash(c, "ok", "trackers.flash.retried")
	return redirect(c, trackerURLOf(id))
}

// deleteClone deletes a clone (tracker/delete_clone).
func (h *trackerHandlers) deleteClone(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	err = h.api.DeleteClone(c.Request().Context(), session(c).Hash, id)
	h.audit(c, "tracker/delete_clone", id, err)
	if err != nil {
		return h.refused(c, "delete-clone", "delete_clone", nil, err)
	}
	setFlash(c, "ok", "trackers.flash.clone_deleted", itoa(id))
	return redirect(c, "/trackers")
}

// corrupt cancels the tracker's registration for good (tracker/corrupt).
// The staff member must tick the agreement; without it nothing is sent.
func (h *trackerHandlers) corrupt(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	withClones := c.FormValue("corrupt_clones") == "true"
	values := map[string]string{"corrupt_clones": boolString(withClones)}
	if c.FormValue("confirm") != "true" {
		return h.actionPage(c, statusUnprocessable, "corrupt", values, templates.FieldErrors{"confirm": l.T("trackers.val.confirm"), "": l.T("form.errors")})
	}
	err = h.api.CorruptTracker(c.Request().Context(), session(c).Hash, panelclient.TrackerCorruptParams{TrackerID: id, CorruptClones: &withClones})
	h.audit(c, "tracker/corrupt", id, err)
	if err != nil {
		if panelclient.Code(err) == 252 {
			return h.trackerGone(c)
		}
		return h.refused(c, "corrupt", "corrupt", values, err)
	}
	setFlash(c, "ok", "trackers.flash.corrupted", itoa(id))
	return redirect(c, "/trackers")
}
