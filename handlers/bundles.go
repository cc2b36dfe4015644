package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// Permissions of the bundle actions (tracker.md tracker/bundle/*,
// equipment.md, order.md).
var (
	permBundlesRead   = auth.P("tracker_bundles", "read")
	permBundlesCreate = auth.P("tracker_bundles", "create")
	permBundlesUpdate = auth.P("tracker_bundles", "update")
)

// bundlesAPI is what the Package contents section calls.
type bundlesAPI interface {
	ListBundles(ctx context.Context, hash string, p panelclient.BundleListParams) (*panelclient.BundleList, error)
	ReadBundle(ctx context.Context, hash, imei string) (*panelclient.Bundle, error)
	AssignBundleICCID(ctx context.Context, hash string, p panelclient.BundleAssignParams) error
	UpdateBundleEquipment(ctx context.Context, hash string, bundleID, equipID int) error
	AssignBundleOrder(ctx context.Context, hash string, bundleID int, orderID *int) error
	ImportBundles(ctx context.Context, hash string, p panelclient.BundleImportParams) error
	ListEquipment(ctx context.Context, hash string) ([]panelclient.Equipment, error)
	ReadOrder(ctx context.Context, hash string, orderID int) (*panelclient.Order, error)
}

type bundleHandlers struct {
	*app
	api bundlesAPI
	// once makes a resent import form import nothing more.
	once *onceGuard
}

func newBundleHandlers(a *app, api bundlesAPI) *bundleHandlers {
	return &bundleHandlers{app: a, api: api, once: newOnceGuard(a.o.Now, onceTTL, onceMaxEntries)}
}

// bundleListSpec is the bundle list. The markdown's order_by keys are
// tracker/list's (copied); the official console sorts by the bundle's own
// columns, which the portal offers too.
var bundleListSpec = listSpec{
	path:   "/bundles",
	target: "#bundles-table",
	sorts:  []string{"id", "imei", "iccid", "order_id", "model_code", "assign_time"},
}

// bundleIMEI is what a lookup accepts: a device ID of digits and letters.
var bundleIMEI = regexp.MustCompile(`^[0-9A-Za-z]{1,32}$`)

// list shows the bundles with search, sort and paging, and the lookup by
// IMEI and by order.
func (h *bundleHandlers) list(c echo.Context) error {
	s := session(c)
	ctx := c.Request().Context()
	state := parseList(c, bundleListSpec)
	p := panelclient.BundleListParams{Filter: state.Q, OrderBy: state.Sort, Offset: state.Offset(), Limit: state.PerPage}
	if state.Sort != "" {
		p.Ascending = panelclient.Ptr(!state.Desc)
	}
	list, err := h.api.ListBundles(ctx, s.Hash, p)
	if err != nil {
		return err
	}
	state.Total = list.Count
	if clampPage(&state) && list.Count > 0 {
		p.Offset = state.Offset()
		if list, err = h.api.ListBundles(ctx, s.Hash, p); err != nil {
			return err
		}
	}
	v := templates.BundlesPageView{List: state, CanUpdate: s.Perms.CanAll(permBundlesUpdate), CanImport: s.Perms.CanAll(permBundlesCreate),
		LookupIMEI: strings.TrimSpace(c.QueryParam("imei"))}
	for _, b := range list.List {
		v.Rows = append(v.Rows, bundleRow(b))
	}
	if wantsPartial(c) {
		return h.render(c, http.StatusOK, templates.BundlesTable(v))
	}
	return h.render(c, http.StatusOK, templates.BundlesPage(v))
}

func bundleRow(b panelclient.Bundle) templates.BundleRow {
	return templates.BundleRow{ID: b.ID, IMEI: b.IMEI, ICCID: b.ICCID, OrderID: b.OrderID, ModelCode: b.ModelCode,
		AssignTime: b.AssignTime, EquipID: b.EquipID, EquipName: b.EquipName, EquipModel: b.EquipModel, EquipVendor: b.EquipVendor}
}

// bundleURL is a bundle's page.
func bundleURL(imei string) string { return "/bundles/" + url.PathEscape(imei) }

// lookup opens the bundle of a scanned or typed IMEI.
func (h *bundleHandlers) lookup(c echo.Context) error {
	imei := strings.TrimSpace(c.QueryParam("imei"))
	if !bundleIMEI.MatchString(imei) {
		setFlash(c, "bad", "bundles.err.imei_format")
		return c.Redirect(http.StatusSeeOther, "/bundles?imei="+url.QueryEscape(imei))
	}
	return c.Redirect(http.StatusSeeOther, bundleURL(imei))
}

// cardView builds a bundle's page: the bundle and, for staff who may
// change it, the equipment to choose from.
func (h *bundleHandlers) cardView(c echo.Context, b *panelclient.Bundle, errs templates.FieldErrors, v map[string]string) (templates.BundleCardView, error) {
	s := session(c)
	view := templates.BundleCardView{Bundle: bundleRow(*b), CanUpdate: s.Perms.CanAll(permBundlesUpdate), Errs: errs, V: v}
	if view.CanUpdate {
		eq, err := h.api.ListEquipment(c.Request().Context(), s.Hash)
		if err != nil {
			return view, err
		}
		view.Equipment = equipmentChoices(eq)
	}
	if view.V == nil {
		// The ICCID field starts empty, focused for the next scan.
		view.V = map[string]string{"equip_id": strconv.Itoa(b.EquipID)}
	}
	return view, nil
}

// equipmentChoices groups the equipment by vendor, as the picker shows it.
func equipmentChoices(eq []panelclient.Equipment) []templates.Choice {
	eq = slices.Clone(eq)
	slices.SortStableFunc(eq, func(a, b panelclient.Equipment) int {
		if c := strings.Compare(a.Vendor, b.Vendor); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	out := make([]templates.Choice, len(eq))
	for i, q := range eq {
		label := q.Name
		if q.ModelName != "" && q.ModelName != q.Name {
			label += " · " + q.ModelName
		}
		label += " (" + q.ModelCode + ", #" + strconv.Itoa(q.EquipID) + ")"
		out[i] = templates.Choice{Value: strconv.Itoa(q.EquipID), Label: label, Group: q.Vendor}
	}
	return out
}

// readBundle reads the bundle of the URL's IMEI; a bundle that does not
// exist is the not-found page.
func (h *bundleHandlers) readBundle(c echo.Context) (*panelclient.Bundle, error) {
	imei := c.Param("imei")
	if !bundleIMEI.MatchString(imei) {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	return h.api.ReadBundle(c.Request().Context(), session(c).Hash, imei)
}

// card shows one bundle: IMEI, equipment, SIM card and order, with the
// forms that change them.
func (h *bundleHandlers) card(c echo.Context) error {
	b, err := h.readBundle(c)
	if err != nil {
		if panelclient.Code(err) == 201 {
			return h.render(c, http.StatusNotFound, templates.BundleMissingPage(c.Param("imei")))
		}
		return err
	}
	v, err := h.cardView(c, b, nil, nil)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.BundleCardPage(v))
}

// cardAgain shows the bundle's page again with what is wrong (422).
func (h *bundleHandlers) cardAgain(c echo.Context, b *panelclient.Bundle, status int, errs templates.FieldErrors, v map[string]string) error {
	view, err := h.cardView(c, b, errs, v)
	if err != nil {
		return err
	}
	return h.render(c, status, templates.BundleCardPage(view))
}

// checkICCID applies tracker.md: printable characters, 3 to 20 of them.
func checkICCID(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 3 && n <= 20 && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0
}

// bundleAPIText words the refusals of the bundle actions.
func bundleAPIText(l *i18n.Localizer, err error) string {
	key := "bundles.api." + strconv.Itoa(panelclient.Code(err))
	if i18n.Has(key) {
		return l.T(key)
	}
	var ae *panelclient.APIError
	if errors.As(err, &ae) {
		return apiMessage(l, ae)
	}
	return ""
}

// assignICCID puts a SIM card in the bundle, replaces it, or (the clear
// button) takes it out (tracker/bundle/assign).
func (h *bundleHandlers) assignICCID(c echo.Context) error {
	b, err := h.readBundle(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	iccid := strings.TrimSpace(c.FormValue("iccid"))
	clear := c.FormValue("clear") == "true"
	v := map[string]string{"iccid": iccid, "equip_id": strconv.Itoa(b.EquipID)}
	if clear {
		iccid = ""
	} else if !checkICCID(iccid) {
		return h.cardAgain(c, b, statusUnprocessable, templates.FieldErrors{"iccid": l.T("bundles.err.iccid")}, v)
	}
	err = h.api.AssignBundleICCID(c.Request().Context(), session(c).Hash, panelclient.BundleAssignParams{BundleID: b.ID, ICCID: iccid})
	h.audit(c, "tracker/bundle/assign", b.IMEI+" iccid="+iccid, err)
	if err != nil {
		if panelclient.IsSessionEnded(err) || panelclient.IsForbidden(err) || panelclient.Code(err) == 201 {
			return err
		}
		if msg := bundleAPIText(l, err); msg != "" {
			return h.cardAgain(c, b, statusUnprocessable, templates.FieldErrors{"iccid": msg}, v)
		}
		return err
	}
	switch {
	case clear:
		setFlash(c, "ok", "bundles.flash.iccid_cleared")
	case b.ICCID != "" && b.ICCID != iccid:
		setFlash(c, "ok", "bundles.flash.iccid_replaced", iccid)
	default:
		setFlash(c, "ok", "bundles.flash.iccid_assigned", iccid)
	}
	return redirect(c, bundleURL(b.IMEI))
}

// changeEquipment gives the bundle another equipment model
// (tracker/bundle/update).
func (h *bundleHandlers) changeEquipment(c echo.Context) error {
	b, err := h.readBundle(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	raw := strings.TrimSpace(c.FormValue("equip_id"))
	v := map[string]string{"iccid": b.ICCID, "equip_id": raw}
	equipID := positiveInt(raw)
	if equipID == 0 {
		return h.cardAgain(c, b, statusUnprocessable, templates.FieldErrors{"equip_id": l.T("bundles.err.equipment")}, v)
	}
	err = h.api.UpdateBundleEquipment(c.Request().Context(), session(c).Hash, b.ID, equipID)
	h.audit(c, "tracker/bundle/update", b.IMEI+" equip="+raw, err)
	if err != nil {
		if panelclient.Code(err) == 204 {
			return h.cardAgain(c, b, statusUnprocessable, templates.FieldErrors{"equip_id": l.T("bundles.api.204")}, v)
		}
		return err
	}
	setFlash(c, "ok", "bundles.flash.equipment")
	return redirect(c, bundleURL(b.IMEI))
}

// attachOrder attaches the bundle to an order (tracker/bundle/order/assign).
// The order is read first: the action documents no error for an order that
// does not exist.
func (h *bundleHandlers) attachOrder(c echo.Context) error {
	b, err := h.readBundle(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	ctx, hash := c.Request().Context(), session(c).Hash
	raw := strings.TrimSpace(c.FormValue("order_id"))
	v := map[string]string{"iccid": b.ICCID, "equip_id": strconv.Itoa(b.EquipID), "order_id": raw}
	orderID := positiveInt(raw)
	if orderID == 0 {
		return h.cardAgain(c, b, statusUnprocessable, templates.FieldErrors{"order_id": l.T("bundles.err.order_id")}, v)
	}
	if _, err := h.api.ReadOrder(ctx, hash, orderID); err != nil {
		if panelclient.Code(err) == 201 {
			return h.cardAgain(c, b, statusUnprocessable, templates.FieldErrors{"order_id": l.T("bundles.err.no_order", orderID)}, v)
		}
		return err
	}
	err = h.api.AssignBundleOrder(ctx, hash, b.ID, &orderID)
	h.audit(c, "tracker/bundle/order/assign", b.IMEI+" order="+raw, err)
	if err != nil {
		return err
	}
	setFlash(c, "ok", "bundles.flash.attached", "#"+raw)
	return redirect(c, bundleURL(b.IMEI))
}

// detachForm asks before taking the bundle out of its order.
func (h *bundleHandlers) detachForm(c echo.Context) error {
	b, err := h.readBundle(c)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.BundleDetachPage(templates.BundleDetachView{Bundle: bundleRow(*b), Next: safeNext(c.QueryParam("next"))}))
}

// detach takes the bundle out of its order (tracker/bundle/order/assign
// with order_id null, "nullable" in the docs, as the official console
// does).
func (h *bundleHandlers) detach(c echo.Context) error {
	b, err := h.readBundle(c)
	if err != nil {
		return err
	}
	next := safeNext(c.FormValue("next"))
	if next == "" {
		next = bundleURL(b.IMEI)
	}
	if b.OrderID == 0 {
		setFlash(c, "info", "bundles.flash.not_in_order")
		return redirect(c, next)
	}
	err = h.api.AssignBundleOrder(c.Request().Context(), session(c).Hash, b.ID, nil)
	h.audit(c, "tracker/bundle/order/assign", b.IMEI+" order=null (was "+strconv.Itoa(b.OrderID)+")", err)
	if err != nil {
		return err
	}
	setFlash(c, "ok", "bundles.flash.detached", "#"+strconv.Itoa(b.OrderID))
	return redirect(c, next)
}

// orderView reads an order for its page.
func (h *bundleHandlers) orderView(c echo.Context, orderID int) (templates.BundleOrderView, error) {
	s := session(c)
	v := templates.BundleOrderView{OrderID: orderID, CanUpdate: s.Perms.CanAll(permBundlesUpdate)}
	if orderID == 0 {
		return v, nil
	}
	o, err := h.api.ReadOrder(c.Request().Context(), s.Hash, orderID)
	if err != nil {
		if panelclient.Code(err) == 201 {
			v.Missing = true
			return v, nil
		}
		return v, err
	}
	v.Order = &templates.OrderView{ID: o.ID, UserID: o.UserID, Type: o.Type, Status: o.Status, Amount: o.Amount, Sum: o.Sum,
		Payer: o.Payer, Recipient: o.Recipient, Contacts: o.Contacts, Place: o.Place, Comment: o.Comment, CreationTime: o.CreationTime}
	for _, b := range o.Bundles {
		v.Order.Bundles = append(v.Order.Bundles, bundleRow(b))
	}
	for _, p := range o.Positions {
		v.Order.Positions = append(v.Order.Positions, templates.OrderPositionView{Name: p.Name, Type: p.Type, EquipID: p.EquipID, Amount: p.Amount, Price: p.Price})
	}
	return v, nil
}

// order shows an order (order/read) with the bundles attached to it, and
// lets staff who may change bundles attach more by IMEI.
func (h *bundleHandlers) order(c echo.Context) error {
	raw := strings.TrimSpace(c.QueryParam("order_id"))
	id := positiveInt(raw)
	v, err := h.orderView(c, id)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if raw != "" && id == 0 {
		v.Errs = templates.FieldErrors{"order_id": i18n.From(c.Request().Context()).T("bundles.err.order_id")}
		status = statusUnprocessable
	}
	if v.Missing {
		status = http.StatusNotFound
	}
	v.Typed = raw
	return h.render(c, status, templates.BundleOrderPage(v))
}

// bundleAttachMax is the most IMEIs one attach takes.
const bundleAttachMax = 200

// attachToOrder attaches the bundles of the typed or scanned IMEIs to an
// order, one tracker/bundle/order/assign each, and says what happened to
// each. A bundle already in another order is left there: it is detached
// first, on purpose.
func (h *bundleHandlers) attachToOrder(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	v, err := h.orderView(c, id)
	if err != nil {
		return err
	}
	if v.Missing {
		return h.render(c, http.StatusNotFound, templates.BundleOrderPage(v))
	}
	text := c.FormValue("imeis")
	v.IMEIs = text
	lines := parseIMEIs(text)
	var imeis []string
	for _, ln := range lines {
		if ln.Status != imeiDuplicate {
			imeis = append(imeis, ln.Value)
		}
	}
	switch {
	case len(imeis) == 0:
		v.Errs = templates.FieldErrors{"imeis": l.T("bundles.err.no_imeis")}
	case len(imeis) > bundleAttachMax:
		v.Errs = templates.FieldErrors{"imeis": l.T("bundles.err.too_many", bundleAttachMax)}
	}
	if v.Errs != nil {
		return h.render(c, statusUnprocessable, templates.BundleOrderPage(v))
	}
	v.Results = h.attachEach(c, id, imeis)
	v.IMEIs = ""
	if again, err := h.orderView(c, id); err == nil {
		v.Order = again.Order
	}
	return h.render(c, http.StatusOK, templates.BundleOrderPage(v))
}

// attachEach attaches each IMEI's bundle, bulkConcurrency at a time.
func (h *bundleHandlers) attachEach(c echo.Context, orderID int, imeis []string) []templates.AttachResult {
	ctx, hash := c.Request().Context(), session(c).Hash
	l := i18n.From(ctx)
	out := make([]templates.AttachResult, len(imeis))
	sem := make(chan struct{}, bulkConcurrency)
	var wg sync.WaitGroup
	for i, imei := range imeis {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r := templates.AttachResult{IMEI: imei}
			defer func() { out[i] = r }()
			if !bundleIMEI.MatchString(imei) {
				r.Text = l.T("bundles.err.imei_format")
				return
			}
			b, err := h.api.ReadBundle(ctx, hash, imei)
			switch {
			case panelclient.Code(err) == 201:
				r.Text = l.T("bundles.attach.no_bundle")
				return
			case err != nil:
				r.Text = bulkErrorText(l, "bundle", err)
				return
			case b.OrderID == orderID:
				r.OK, r.Text = true, l.T("bundles.attach.already")
				return
			case b.OrderID != 0:
				r.Text = l.T("bundles.attach.other_order", b.OrderID)
				return
			}
			err = h.api.AssignBundleOrder(ctx, hash, b.ID, &orderID)
			h.audit(c, "tracker/bundle/order/assign", imei+" order="+strconv.Itoa(orderID), err)
			if err != nil {
				r.Text = bulkErrorText(l, "bundle", err)
				return
			}
			r.OK, r.Text = true, l.T("bundles.attach.done")
		}()
	}
	wg.Wait()
	return out
}
