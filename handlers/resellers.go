package handlers

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// resellersAPI is what the Resellers section calls on the Panel API.
type resellersAPI interface {
	ListSubpaas(ctx context.Context, hash string, p panelclient.SubpaasListParams) (*panelclient.SubpaasList, error)
	ReadSubpaas(ctx context.Context, hash string, subpaasID int) (*panelclient.Subpaas, error)
	CreateSubpaas(ctx context.Context, hash string, p panelclient.SubpaasCreateParams) (int, error)
	UpdateSubpaas(ctx context.Context, hash string, p panelclient.SubpaasUpdateParams) error
	ChangeSubpaasPassword(ctx context.Context, hash string, subpaasID int, newPassword string) error
	CreateSubpaasSession(ctx context.Context, hash string, subpaasID int) (string, error)
	GetPermissions(ctx context.Context, hash string) (panelclient.Permissions, error)
	DealerInfo(ctx context.Context, hash string) (*panelclient.Dealer, error)
	Logout(ctx context.Context, hash string) error
}

// resellerHandlers serve /resellers: the list, a reseller's card, create,
// edit (with the block status), the password change, and working in a
// reseller's own panel and back.
type resellerHandlers struct {
	*app
	api resellersAPI
}

// The permissions of the Resellers section. subpaas/*.md name none; the
// official console gates reading on subpaas: read, creation on create,
// editing and the password on update.
var (
	permSubpaasRead   = auth.P("subpaas", "read")
	permSubpaasCreate = auth.P("subpaas", "create")
	permSubpaasUpdate = auth.P("subpaas", "update")
)

// needResellerSession gates "open this reseller's panel". The official
// console (and the emulator) let subpaas: read open it; but the session
// it opens has every right in the reseller's panel, so a read-only staff
// member would gain powers they lack at home. The portal also asks
// subpaas: update, the right to change the reseller.
var needResellerSession = []auth.Perm{permSubpaasRead, permSubpaasUpdate}

// resellerListSpec is the list's URL state: subpaas/list's order_by keys
// and the status filter.
var resellerListSpec = listSpec{
	path:    "/resellers",
	target:  "#resellers-table",
	sorts:   []string{"subpaas_id", "title", "jur_name", "login", "block_type", "creation_date"},
	filters: []string{"status"},
}

// resellerStatusFilter are the statuses the list can be filtered by.
var resellerStatusFilter = []string{panelclient.BlockStatusNotBlocked, panelclient.BlockStatusInitialBlock,
	panelclient.BlockStatusBlockLogin, panelclient.BlockStatusClientsBlocked, "DELETED"}

// list shows a page of resellers: search (filter), sort, paging, and the
// status filter. subpaas/list filters by text only, so with a status the
// portal reads every match (a dealer's resellers are few) and pages
// them itself.
func (h *resellerHandlers) list(c echo.Context) error {
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	s := parseList(c, resellerListSpec)
	status := s.Filter("status")
	if status != "" && !slices.Contains(resellerStatusFilter, status) {
		s.Filters.Del("status")
		status = ""
	}
	p := panelclient.SubpaasListParams{Filter: s.Q, OrderBy: s.Sort, Offset: s.Offset(), Limit: s.PerPage}
	if s.Sort != "" {
		p.Ascending = panelclient.Ptr(!s.Desc)
	}
	var rows []panelclient.Subpaas
	if status != "" {
		p.Offset, p.Limit = 0, 0
		res, err := h.api.ListSubpaas(ctx, sess.Hash, p)
		if err != nil {
			return err
		}
		var matched []panelclient.Subpaas
		for _, r := range res.List {
			if r.BlockType == status {
				matched = append(matched, r)
			}
		}
		s.Total = len(matched)
		clampPage(&s)
		rows = matched[min(s.Offset(), len(matched)):min(s.Offset()+s.PerPage, len(matched))]
	} else {
		res, err := h.api.ListSubpaas(ctx, sess.Hash, p)
		if err != nil {
			return err
		}
		s.Total = res.Count
		if len(res.List) == 0 && s.Total > 0 && clampPage(&s) {
			p.Offset = s.Offset()
			if res, err = h.api.ListSubpaas(ctx, sess.Hash, p); err != nil {
				return err
			}
			s.Total = res.Count
		}
		rows = res.List
	}
	v := templates.ResellersView{State: s, CanCreate: sess.Perms.CanAll(permSubpaasRead, permSubpaasCreate)}
	for _, st := range resellerStatusFilter {
		v.Statuses = append(v.Statuses, templates.Choice{Value: st, Label: l.T("resellers.status." + st)})
	}
	for _, r := range rows {
		v.Rows = append(v.Rows, resellerRow(r))
	}
	if listPartial(c) {
		return h.render(c, http.StatusOK, templates.ResellersTable(v))
	}
	return h.render(c, http.StatusOK, templates.ResellersPage(v))
}

func resellerRow(r panelclient.Subpaas) templates.ResellerRow {
	return templates.ResellerRow{
		ID: r.ID, Title: r.Title, JurName: r.JurName, Login: r.Login, Status: r.BlockType, Created: panelTime(r.CreationDate),
		Users: r.UsersCount, ActiveUsers: r.ActiveUsersCount, Trackers: r.TrackersCount, ActiveTrkrs: r.ActiveTrackersCount,
	}
}

// resellerName is how the portal names a reseller: its title, else its
// login.
func resellerName(r *panelclient.Subpaas) string {
	if t := strings.TrimSpace(r.Title); t != "" {
		return t
	}
	if r.Login != "" {
		return r.Login
	}
	return "#" + strconv.Itoa(r.ID)
}

func (h *resellerHandlers) read(c echo.Context) (*panelclient.Subpaas, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return h.api.ReadSubpaas(c.Request().Context(), session(c).Hash, id)
}

// show draws a reseller's card.
func (h *resellerHandlers) show(c echo.Context) error {
	r, err := h.read(c)
	if err != nil {
		return err
	}
	p := session(c).Perms
	v := templates.ResellerView{
		R: resellerRow(*r), Email: r.Email, Country: r.JurCountry, Domain: r.LinkMonitoring,
		ContactFio: r.ContactFio, ContactPost: r.ContactPost, ContactPhone: r.ContactPhone,
		CanEdit:  p.CanAll(permSubpaasRead, permSubpaasUpdate),
		CanOpen:  p.CanAll(needResellerSession...) && session(c).Parent == nil,
		Openable: r.BlockType == panelclient.BlockStatusNotBlocked,
	}
	v.R.Title = resellerName(r)
	return h.render(c, http.StatusOK, templates.ResellerPage(v))
}

// resellerFieldOf keeps the parameters the forms have.
func resellerFieldOf(p string) string {
	switch p {
	case "title", "email", "jur_name", "jur_country", "link_monitoring", "contact_fio", "contact_post",
		"contact_phone", "block_type", "password":
		return p
	case "new_password":
		return "new_password"
	}
	return ""
}

// resellerFormValues reads the form's fields.
func resellerFormValues(c echo.Context) map[string]string {
	v := map[string]string{}
	for _, k := range []string{"title", "email", "jur_name", "jur_country", "link_monitoring", "contact_fio", "contact_post", "contact_phone", "block_type"} {
		v[k] = strings.TrimSpace(c.FormValue(k))
	}
	return v
}

// checkReseller checks what the portal can before the Panel does: the
// required fields and the documented lengths.
func checkReseller(l *i18n.Localizer, v map[string]string) templates.FieldErrors {
	errs := templates.FieldErrors{}
	for _, f := range []struct {
		name     string
		max      int
		required bool
	}{
		{"title", 50, true}, {"email", 255, true}, {"link_monitoring", 255, true}, {"jur_name", 100, true},
		{"jur_country", 255, true}, {"contact_fio", 100, false}, {"contact_post", 50, false}, {"contact_phone", 255, false},
	} {
		switch n := len([]rune(v[f.name])); {
		case n == 0 && f.required:
			errs[f.name] = l.T("users.err.required")
		case n > f.max:
			errs[f.name] = l.T("users.err.max", f.max)
		}
	}
	if e := v["email"]; e != "" && !strings.Contains(e, "@") {
		errs["email"] = l.T("resellers.err.email")
	}
	return errs
}

// resellerRefused shows a form again after the Panel's refusal; false
// when the error is for the error pages.
func resellerRefused(l *i18n.Localizer, err error) (templates.FieldErrors, int, bool) {
	if panelclient.Code(err) == 247 {
		return templates.FieldErrors{"link_monitoring": l.T("settings.err.domain_taken")}, statusUnprocessable, true
	}
	if panelclient.IsNotFound(err) {
		return nil, 0, false
	}
	return userFormErrorsOf(l, err, resellerFieldOf)
}

// newForm shows the create form.
func (h *resellerHandlers) newForm(c echo.Context) error {
	return h.render(c, http.StatusOK, templates.ResellerFormPage(templates.ResellerFormView{V: map[string]string{}, Errs: templates.FieldErrors{}}))
}

// create adds a reseller (subpaas/create); it starts not paid.
func (h *resellerHandlers) create(c echo.Context) error {
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	v := templates.ResellerFormView{V: resellerFormValues(c)}
	password, confirm := c.FormValue("password"), c.FormValue("password_confirm")
	v.Errs = checkReseller(l, v.V)
	if msg := checkUserPassword(l, password); msg != "" {
		v.Errs["password"] = msg
	} else if confirm != password {
		v.Errs["password_confirm"] = l.T("users.err.password_confirm")
	}
	if len(v.Errs) > 0 {
		return h.render(c, statusUnprocessable, templates.ResellerFormPage(v))
	}
	id, err := h.api.CreateSubpaas(ctx, sess.Hash, panelclient.SubpaasCreateParams{
		Password: password, Title: v.V["title"], Email: v.V["email"], JurName: v.V["jur_name"],
		JurCountry: v.V["jur_country"], LinkMonitoring: v.V["link_monitoring"],
		ContactFio: v.V["contact_fio"], ContactPost: v.V["contact_post"], ContactPhone: v.V["contact_phone"],
	})
	h.audit(c, "reseller.create", id, err)
	if err != nil {
		errs, status, ok := resellerRefused(l, err)
		if !ok {
			return err
		}
		v.Errs = errs
		return h.render(c, status, templates.ResellerFormPage(v))
	}
	setFlash(c, "ok", "resellers.created", v.V["title"])
	if id > 0 {
		return redirect(c, "/resellers/"+strconv.Itoa(id))
	}
	return redirect(c, "/resellers")
}

// resellerStatuses are the block statuses a staff member may set: not
// INITIAL_BLOCK (only payment ends it, and it cannot be set again) nor
// DELETED (subpaas/update refuses both with code 13).
var resellerStatuses = []string{panelclient.BlockStatusNotBlocked, panelclient.BlockStatusBlockLogin, panelclient.BlockStatusClientsBlocked}

func (h *resellerHandlers) formView(c echo.Context, r *panelclient.Subpaas) templates.ResellerFormView {
	l := i18n.From(c.Request().Context())
	v := templates.ResellerFormView{Edit: true, ID: r.ID, Title: resellerName(r), Errs: templates.FieldErrors{}}
	v.Fixed = !slices.Contains(resellerStatuses, r.BlockType)
	for _, s := range resellerStatuses {
		v.Statuses = append(v.Statuses, templates.Choice{Value: s, Label: l.T("resellers.status." + s)})
	}
	return v
}

// editForm shows a reseller's edit form.
func (h *resellerHandlers) editForm(c echo.Context) error {
	r, err := h.read(c)
	if err != nil {
		return err
	}
	v := h.formView(c, r)
	v.V = map[string]string{
		"title": r.Title, "email": r.Email, "jur_name": r.JurName, "jur_country": r.JurCountry,
		"link_monitoring": r.LinkMonitoring, "contact_fio": r.ContactFio, "contact_post": r.ContactPost,
		"contact_phone": r.ContactPhone, "block_type": r.BlockType,
	}
	return h.render(c, http.StatusOK, templates.ResellerFormPage(v))
}

// update saves a reseller's details and block status (subpaas/update).
// A reseller not paid yet keeps INITIAL_BLOCK, as the Panel demands.
func (h *resellerHandlers) update(c echo.Context) error {
	r, err := h.read(c)
	if err != nil {
		return err
	}
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	v := h.formView(c, r)
	v.V = resellerFormValues(c)
	if v.Fixed {
		v.V["block_type"] = r.BlockType
	}
	v.Errs = checkReseller(l, v.V)
	if !v.Fixed && !slices.Contains(resellerStatuses, v.V["block_type"]) {
		v.Errs["block_type"] = l.T("users.err.choice")
	}
	if len(v.Errs) > 0 {
		return h.render(c, statusUnprocessable, templates.ResellerFormPage(v))
	}
	err = h.api.UpdateSubpaas(ctx, sess.Hash, panelclient.SubpaasUpdateParams{
		SubpaasID: r.ID, BlockType: v.V["block_type"], Title: v.V["title"], Email: v.V["email"],
		JurName: v.V["jur_name"], JurCountry: v.V["jur_country"], LinkMonitoring: v.V["link_monitoring"],
		ContactFio: v.V["contact_fio"], ContactPost: v.V["contact_post"], ContactPhone: v.V["contact_phone"],
	})
	h.audit(c, "reseller.update", r.ID, err)
	if err != nil {
		if panelclient.Code(err) == 13 && r.BlockType != v.V["block_type"] {
			// subpaas/update answers 13 for a status change it refuses.
			v.Errs = templates.FieldErrors{"block_type": l.T("resellers.err.status")}
			return h.render(c, statusUnprocessable, templates.ResellerFormPage(v))
		}
		errs, status, ok := resellerRefused(l, err)
		if !ok {
			return err
		}
		v.Errs = errs
		return h.render(c, status, templates.ResellerFormPage(v))
	}
	setFlash(c, "ok", "resellers.saved")
	return redirect(c, "/resellers/"+strconv.Itoa(r.ID))
}

// passwordForm shows the reseller's change-password form.
func (h *resellerHandlers) passwordForm(c echo.Context) error {
	r, err := h.read(c)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.ResellerPasswordPage(templates.ResellerPasswordView{ID: r.ID, Title: resellerName(r), Errs: templates.FieldErrors{}}))
}

// changePassword sets the reseller's panel password
// (subpaas/password/change); the old one is not needed.
func (h *resellerHandlers) changePassword(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	password, confirm := c.FormValue("new_password"), c.FormValue("password_confirm")
	errs := templates.FieldErrors{}
	if msg := checkUserPassword(l, password); msg != "" {
		errs["new_password"] = msg
	} else if confirm != password {
		errs["password_confirm"] = l.T("users.err.password_confirm")
	}
	if len(errs) == 0 {
		err = h.api.ChangeSubpaasPassword(ctx, sess.Hash, id, password)
		h.audit(c, "reseller.change_password", id, err)
		if err == nil {
			setFlash(c, "ok", "resellers.password.done")
			return redirect(c, "/resellers/"+strconv.Itoa(id))
		}
		var status int
		var ok bool
		errs, status, ok = resellerRefused(l, err)
		if !ok {
			return err
		}
		return h.renderPassword(c, id, status, errs)
	}
	return h.renderPassword(c, id, statusUnprocessable, errs)
}

func (h *resellerHandlers) renderPassword(c echo.Context, id, status int, errs templates.FieldErrors) error {
	r, err := h.api.ReadSubpaas(c.Request().Context(), session(c).Hash, id)
	if err != nil {
		return err
	}
	return h.render(c, status, templates.ResellerPasswordPage(templates.ResellerPasswordView{ID: id, Title: resellerName(r), Errs: errs}))
}

// openPanel switches the staff member into the reseller's own panel
// (subpaas/session/create). The reseller's session and the staff
// member's own both stay in the encrypted cookie: the own one as Parent,
// to come back to. The new session's rights are read with
// account/get_permissions, and the header names the reseller.
func (h *resellerHandlers) openPanel(c echo.Context) error {
	sess := session(c)
	if sess.Parent != nil {
		// Resellers cannot have resellers: one level only.
		return echo.NewHTTPError(http.StatusForbidden)
	}
	r, err := h.read(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if r.BlockType != panelclient.BlockStatusNotBlocked {
		setFlash(c, "warn", "resellers.open.not_active")
		return redirect(c, "/resellers/"+strconv.Itoa(r.ID))
	}
	hash, err := h.api.CreateSubpaasSession(ctx, sess.Hash, r.ID)
	h.audit(c, "reseller.open_panel", r.ID, err)
	if err != nil {
		return err
	}
	perms, err := h.api.GetPermissions(ctx, hash)
	if err != nil {
		// The new session is of no use without its rights: end it.
		_ = h.api.Logout(context.WithoutCancel(ctx), hash)
		return err
	}
	// The staff member's own rights are read again on return
	// (account/get_permissions): leaving them out keeps the cookie, which
	// now carries two sessions, well under the browsers' 4 KB.
	parent := *sess
	parent.Parent, parent.Perms = nil, nil
	child := &auth.Session{
		Hash: hash, Login: resellerName(r), Perms: auth.Permissions(perms),
		// The cookie ends with the staff member's own session.
		Issued: sess.Issued, CSRF: sess.CSRF, Parent: &parent,
		DealerID: r.ID, DealerTitle: resellerName(r),
	}
	if child.Perms.Can("base", "get_dealer_info") {
		if d, err := h.api.DealerInfo(ctx, hash); err == nil {
			child.DealerID, child.DealerTitle = d.ID, d.Title
		}
	}
	if err := h.o.Sessions.Save(c.Response(), child); err != nil {
		_ = h.api.Logout(context.WithoutCancel(ctx), hash)
		return err
	}
	c.Set(sessionKey, child)
	setFlash(c, "info", "resellers.opened", resellerName(r))
	return redirect(c, "/")
}

// returnHome ends the reseller's session (account/logout) and restores
// the staff member's own, kept in the cookie, with its rights read again
// (account/get_permissions).
func (h *resellerHandlers) returnHome(c echo.Context) error {
	sess := session(c)
	if sess.Parent == nil {
		return redirect(c, "/")
	}
	ctx := c.Request().Context()
	own := *sess.Parent
	own.CSRF = sess.CSRF
	perms, err := h.api.GetPermissions(ctx, own.Hash)
	if err != nil {
		// Most likely the own session ended meanwhile: the error page
		// sends the staff member to sign in again (a session that ended
		// clears the cookie, the reseller's session with it).
		if panelclient.IsSessionEnded(err) {
			_ = h.api.Logout(context.WithoutCancel(ctx), sess.Hash)
		}
		return err
	}
	own.Perms = auth.Permissions(perms)
	if err := h.api.Logout(ctx, sess.Hash); err != nil && !panelclient.IsSessionEnded(err) {
		h.log().Warn("reseller session not ended upstream", "request_id", requestID(c), "error", err.Error())
	}
	if err := h.o.Sessions.Save(c.Response(), &own); err != nil {
		return err
	}
	h.log().Info("audit", "request_id", requestID(c), "action", "reseller.return", "target", sess.Login,
		"staff", own.Login, "dealer_id", own.DealerID, "result", "ok")
	c.Set(sessionKey, &own)
	setFlash(c, "ok", "resellers.returned")
	return redirect(c, "/resellers")
}
