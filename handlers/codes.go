package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
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

// Permissions of the activation code actions (activation_code.md). The
// official console never checks activation_code: update before its bulk
// edit; the portal does.
var (
	permCodesRead   = auth.P("activation_code", "read")
	permCodesCreate = auth.P("activation_code", "create")
	permCodesUpdate = auth.P("activation_code", "update")
)

// codesAPI is what the Activation codes section calls.
type codesAPI interface {
	ListActivationCodes(ctx context.Context, hash string, p panelclient.ActivationCodeListParams) (*panelclient.ActivationCodeList, error)
	CreateActivationCodes(ctx context.Context, hash string, p panelclient.ActivationCodeCreateParams) (int, error)
	UpdateActivationCodes(ctx context.Context, hash string, p panelclient.ActivationCodeUpdateParams) (int, error)
	ListTariffs(ctx context.Context, hash string, p panelclient.TariffListParams) (*panelclient.TariffList, error)
}

type codeHandlers struct {
	*app
	api codesAPI
	// once makes a resent create form create no second batch.
	once *onceGuard
}

func newCodeHandlers(a *app, api codesAPI) *codeHandlers {
	return &codeHandlers{app: a, api: api, once: newOnceGuard(a.o.Now, onceTTL, onceMaxEntries)}
}

// codeListSpec is the code list: the documented order_by keys and the
// activated filter ("yes", "no").
var codeListSpec = listSpec{
	path:    "/codes",
	target:  "#codes-table",
	sorts:   panelclient.ActivationCodeOrderKeys,
	filters: []string{"activated"},
}

const (
	// codePageSize is the page the portal reads when it walks the list.
	codePageSize = 1000
	// codeScanMax is the most codes the portal reads to filter by
	// activation state, export, or find the codes a batch created.
	codeScanMax = 50_000
	// codeBatchMax is the most codes one batch creates (the portal's
	// limit: the docs name none).
	codeBatchMax = 1000
	// codeEditMax is the most codes one bulk edit takes.
	codeEditMax = 500
)

// codeQuery is a list's filter and order as the Panel takes them.
func codeQuery(state templates.ListState) panelclient.ActivationCodeListParams {
	p := panelclient.ActivationCodeListParams{Filter: state.Q, OrderBy: state.Sort}
	if state.Sort != "" {
		p.Ascending = panelclient.Ptr(!state.Desc)
	}
	return p
}

// scanCodes walks the list in pages and keeps the codes keep accepts (all
// when nil), up to codeScanMax codes read. truncated is true when the
// list had more.
func (h *codeHandlers) scanCodes(ctx context.Context, hash string, p panelclient.ActivationCodeListParams, keep func(panelclient.ActivationCode) bool) (out []panelclient.ActivationCode, truncated bool, err error) {
	p.Limit = codePageSize
	for p.Offset = 0; p.Offset < codeScanMax; {
		page, err := h.api.ListActivationCodes(ctx, hash, p)
		if err != nil {
			return nil, false, err
		}
		for _, c := range page.List {
			if keep == nil || keep(c) {
				out = append(out, c)
			}
		}
		p.Offset += len(page.List)
		if len(page.List) == 0 || p.Offset >= page.Count {
			return out, false, nil
		}
	}
	return out, true, nil
}

// activatedFilter reads the activated filter: "yes", "no" or "" (all).
func activatedFilter(state *templates.ListState) string {
	switch f := state.Filter("activated"); f {
	case "yes", "no":
		return f
	}
	state.Filters.Del("activated")
	return ""
}

func keepActivated(f string) func(panelclient.ActivationCode) bool {
	if f == "" {
		return nil
	}
	want := f == "yes"
	return func(c panelclient.ActivationCode) bool { return c.Activated == want }
}

// list shows the dealer's codes: search, sort, paging, and the activated
// filter. dealer/activation_code/list has no activated filter, so with
// the filter on the portal reads the matching codes (in the chosen order)
// and pages them itself.
func (h *codeHandlers) list(c echo.Context) error {
	s := session(c)
	ctx := c.Request().Context()
	state := parseList(c, codeListSpec)
	activated := activatedFilter(&state)
	p := codeQuery(state)
	var (
		rows      []panelclient.ActivationCode
		truncated bool
	)
	if activated == "" {
		p.Offset, p.Limit = state.Offset(), state.PerPage
		list, err := h.api.ListActivationCodes(ctx, s.Hash, p)
		if err != nil {
			return err
		}
		state.Total = list.Count
		if clampPage(&state) && list.Count > 0 {
			p.Offset = state.Offset()
			if list, err = h.api.ListActivationCodes(ctx, s.Hash, p); err != nil {
				return err
			}
		}
		rows = list.List
	} else {
		all, more, err := h.scanCodes(ctx, s.Hash, p, keepActivated(activated))
		if err != nil {
			return err
		}
		truncated = more
		state.Total = len(all)
		clampPage(&state)
		from := min(state.Offset(), len(all))
		rows = all[from:min(from+state.PerPage, len(all))]
	}
	v := templates.CodesPageView{
		List: state, Truncated: truncated, ScanMax: codeScanMax,
		CanCreate: s.Perms.CanAll(permCodesRead, permCodesCreate), CanEdit: s.Perms.CanAll(permCodesRead, permCodesUpdate),
		PlanLinks: s.Perms.CanAll(permTariffsRead), TrackerLinks: s.Perms.CanAll(permTrackersRead),
	}
	for _, ac := range rows {
		v.Rows = append(v.Rows, codeRow(ac))
	}
	if wantsPartial(c) {
		return h.render(c, http.StatusOK, templates.CodesTable(v))
	}
	return h.render(c, http.StatusOK, templates.CodesPage(v))
}

func codeRow(ac panelclient.ActivationCode) templates.CodeRow {
	r := templates.CodeRow{Code: ac.Code, TariffID: ac.TariffID, TariffName: ac.TariffName, DeviceType: ac.DeviceType,
		Money: ac.MoneyAmount, Bonus: ac.BonusAmount, FreeDays: ac.FreeDays, Activated: ac.Activated, DeviceID: ac.DeviceID}
	if ac.ActivationDate != nil {
		r.ActivationDate = *ac.ActivationDate
	}
	return r
}

// export writes the codes of the current list (search, order, activated
// filter; every page) as CSV.
func (h *codeHandlers) export(c echo.Context) error {
	s := session(c)
	l := i18n.From(c.Request().Context())
	state := parseList(c, codeListSpec)
	activated := activatedFilter(&state)
	all, truncated, err := h.scanCodes(c.Request().Context(), s.Hash, codeQuery(state), keepActivated(activated))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // spreadsheets read the file as UTF-8
	w := csv.NewWriter(&buf)
	w.Comma = csvSeparator(l)
	w.UseCRLF = true
	_ = w.Write([]string{l.T("codes.col.code"), l.T("codes.col.status"), l.T("codes.csv.activation_date"), l.T("codes.csv.device_id"),
		l.T("codes.csv.tariff_id"), l.T("codes.col.plan"), l.T("codes.col.device_type"), l.T("codes.col.money"), l.T("codes.col.bonus"), l.T("codes.col.free_days")})
	for _, ac := range all {
		status, date, device := l.T("codes.status.fresh"), "", ""
		if ac.Activated {
			status, device = l.T("codes.status.activated"), strconv.Itoa(ac.DeviceID)
		}
		if ac.ActivationDate != nil {
			date = *ac.ActivationDate
		}
		_ = w.Write([]string{csvSafe(ac.Code), status, csvSafe(date), device, strconv.Itoa(ac.TariffID), csvSafe(ac.TariffName),
			csvSafe(ac.DeviceType), codeAmount(l, ac.MoneyAmount), codeAmount(l, ac.BonusAmount), strconv.Itoa(ac.FreeDays)})
	}
	w.Flush()
	h.audit(c, "dealer/activation_code/export", strconv.Itoa(len(all))+" rows", nil)
	hdr := c.Response().Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Disposition", `attachment; filename="activation-codes-`+h.o.Now().UTC().Format("2006-01-02")+`.csv"`)
	if truncated {
		hdr.Set("X-Portal-Truncated", strconv.Itoa(codeScanMax))
	}
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func codeAmount(l *i18n.Localizer, f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if l.Lang == i18n.RU {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// planChoices lists the dealer's plans for a plan field, grouped by device
// type; nil (a plain number field) without tariffs: read.
func (h *codeHandlers) planChoices(c echo.Context) ([]templates.Choice, error) {
	s := session(c)
	if !s.Perms.CanAll(permTariffsRead) {
		return nil, nil
	}
	list, err := h.api.ListTariffs(c.Request().Context(), s.Hash, panelclient.TariffListParams{OrderBy: "device_type", Limit: 1000})
	if err != nil {
		return nil, err
	}
	l := i18n.From(c.Request().Context())
	plans := slices.Clone(list.List)
	slices.SortStableFunc(plans, func(a, b panelclient.Plan) int { return strings.Compare(a.DeviceType, b.DeviceType) })
	out := make([]templates.Choice, 0, len(plans))
	for _, p := range plans {
		group := p.DeviceType
		if key := "plans.device." + p.DeviceType; i18n.Has(key) {
			group = l.T(key)
		}
		out = append(out, templates.Choice{Value: strconv.Itoa(p.ID), Label: p.Name + " (#" + strconv.Itoa(p.ID) + ")", Group: group})
	}
	return out, nil
}

// codeTerms are the plan, bonus and free days create and update share.
type codeTerms struct {
	tariffID, bonus, freeDays int
}

// readCodeTerms checks tariff_id, bonus_amount and free_days: all
// required (the OpenAPI file), whole numbers (the docs' int), free days
// not negative (OpenAPI minimum 0) and, in the portal, no negative bonus.
func readCodeTerms(l *i18n.Localizer, v map[string]string, errs templates.FieldErrors) codeTerms {
	var t codeTerms
	if t.tariffID = positiveInt(v["tariff_id"]); t.tariffID == 0 {
		errs["tariff_id"] = l.T("codes.err.plan")
	}
	for name, dst := range map[string]*int{"bonus_amount": &t.bonus, "free_days": &t.freeDays} {
		if v[name] == "" {
			errs[name] = l.T("plans.err.required")
			continue
		}
		*dst, _ = countField(l, v, name, true, errs)
	}
	return t
}

func readCodeValues(c echo.Context, names ...string) map[string]string {
	v := map[string]string{}
	for _, n := range names {
		v[n] = strings.TrimSpace(c.FormValue(n))
	}
	return v
}

// codeFormErrors maps the Panel's refusal of a create or update: 201 (no
// such plan for this dealer) on the plan field, 7 on the fields it names.
func codeFormErrors(l *i18n.Localizer, err error) (templates.FieldErrors, int, bool) {
	if panelclient.Code(err) == 201 {
		return templates.FieldErrors{"tariff_id": l.T("codes.err.plan_gone"), "": l.T("form.errors")}, statusUnprocessable, true
	}
	return userFormErrorsOf(l, err, func(p string) string {
		switch p {
		case "count", "tariff_id", "bonus_amount", "free_days", "codes":
			return p
		}
		return ""
	})
}

func (h *codeHandlers) createView(c echo.Context, v map[string]string, errs templates.FieldErrors) (templates.CodeCreateView, error) {
	plans, err := h.planChoices(c)
	if err != nil {
		return templates.CodeCreateView{}, err
	}
	return templates.CodeCreateView{V: v, Errs: errs, Plans: plans, PickPlan: plans != nil, Max: codeBatchMax, Once: h.once.Issue()}, nil
}

// newForm shows the batch form: count, plan, bonus, free days.
func (h *codeHandlers) newForm(c echo.Context) error {
	v := map[string]string{"count": "10", "bonus_amount": "0", "free_days": "0"}
	if id := positiveInt(c.QueryParam("tariff_id")); id > 0 {
		v["tariff_id"] = strconv.Itoa(id)
	}
	view, err := h.createView(c, v, nil)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.CodeCreatePage(view))
}

// create makes a batch of codes (dealer/activation_code/create) and shows
// them. The Panel answers only how many it made, so the portal lists the
// codes on the plan before and after and shows the new ones (a batch made
// at the same moment by someone else with the same terms would show too).
// A resent form makes no second batch.
func (h *codeHandlers) create(c echo.Context) error {
	l := i18n.From(c.Request().Context())
	ctx, hash := c.Request().Context(), session(c).Hash
	v := readCodeValues(c, "count", "tariff_id", "bonus_amount", "free_days")
	again := func(status int, errs templates.FieldErrors) error {
		view, err := h.createView(c, v, errs)
		if err != nil {
			return err
		}
		return h.render(c, status, templates.CodeCreatePage(view))
	}
	errs := templates.FieldErrors{}
	count, ok := countField(l, v, "count", true, errs)
	if ok && (count < 1 || count > codeBatchMax) {
		errs["count"] = l.T("codes.err.count", codeBatchMax)
	}
	terms := readCodeTerms(l, v, errs)
	if len(errs) > 0 {
		errs[""] = l.T("form.errors")
		return again(statusUnprocessable, errs)
	}
	token := c.FormValue(onceField)
	if !h.once.Valid(token) {
		return again(statusUnprocessable, templates.FieldErrors{"": l.T("plans.err.expired")})
	}
	if !h.once.Claim(token) {
		h.audit(c, "dealer/activation_code/create", "plan "+strconv.Itoa(terms.tariffID), errFormResent)
		setFlash(c, "warn", "codes.flash.already")
		return redirect(c, "/codes")
	}
	onPlan := panelclient.ActivationCodeListParams{Filter: strconv.Itoa(terms.tariffID)}
	before, beforeCut, beforeErr := h.scanCodes(ctx, hash, onPlan, nil)
	made, err := h.api.CreateActivationCodes(ctx, hash, panelclient.ActivationCodeCreateParams{Count: count, TariffID: terms.tariffID, BonusAmount: terms.bonus, FreeDays: terms.freeDays})
	h.audit(c, "dealer/activation_code/create", "plan "+strconv.Itoa(terms.tariffID)+" x"+strconv.Itoa(count), err)
	if err != nil {
		errs, status, ok := codeFormErrors(l, err)
		if !ok {
			return err
		}
		return again(status, errs)
	}
	res := templates.CodeCreatedView{Asked: count, Made: made, TariffID: terms.tariffID, Bonus: terms.bonus, FreeDays: terms.freeDays}
	if beforeErr == nil && !beforeCut && made > 0 {
		old := make(map[string]bool, len(before))
		for _, ac := range before {
			old[ac.Code] = true
		}
		after, afterCut, err := h.scanCodes(ctx, hash, onPlan, func(ac panelclient.ActivationCode) bool {
			return !old[ac.Code] && !ac.Activated && ac.TariffID == terms.tariffID && int(ac.BonusAmount) == terms.bonus && ac.FreeDays == terms.freeDays
		})
		if err == nil && !afterCut {
			for _, ac := range after {
				res.Codes = append(res.Codes, codeRow(ac))
				res.TariffName = ac.TariffName
			}
			slices.SortFunc(res.Codes, func(a, b templates.CodeRow) int { return strings.Compare(a.Code, b.Code) })
		}
	}
	return h.render(c, http.StatusOK, templates.CodeCreatedPage(res))
}

// selectedCodes reads the codes a bulk edit is for: trimmed, unique, in
// the order given.
func selectedCodes(values []string) []string {
	var out []string
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v != "" && len(v) <= 64 && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func (h *codeHandlers) editView(c echo.Context, codes []string, v map[string]string, errs templates.FieldErrors) (templates.CodeEditView, error) {
	plans, err := h.planChoices(c)
	if err != nil {
		return templates.CodeEditView{}, err
	}
	return templates.CodeEditView{Codes: codes, V: v, Errs: errs, Plans: plans, PickPlan: plans != nil, Max: codeEditMax}, nil
}

// editForm shows the bulk edit of the codes selected in the list.
func (h *codeHandlers) editForm(c echo.Context) error {
	codes := selectedCodes(c.QueryParams()["codes"])
	var errs templates.FieldErrors
	if len(codes) > codeEditMax {
		codes = codes[:codeEditMax]
		errs = templates.FieldErrors{"": i18n.From(c.Request().Context()).T("codes.err.too_many", codeEditMax)}
	}
	v, err := h.editView(c, codes, map[string]string{}, errs)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.CodeEditPage(v))
}

// update gives the selected codes a plan, bonus and free days
// (dealer/activation_code/update) and says how many changed: the Panel
// skips codes that are activated, of another device type than the plan,
// or not the dealer's, without an error.
func (h *codeHandlers) update(c echo.Context) error {
	l := i18n.From(c.Request().Context())
	form, _ := c.FormParams()
	codes := selectedCodes(form["codes"])
	v := readCodeValues(c, "tariff_id", "bonus_amount", "free_days")
	again := func(status int, errs templates.FieldErrors) error {
		view, err := h.editView(c, codes, v, errs)
		if err != nil {
			return err
		}
		return h.render(c, status, templates.CodeEditPage(view))
	}
	errs := templates.FieldErrors{}
	switch {
	case len(codes) == 0:
		errs[""] = l.T("codes.edit.none")
	case len(codes) > codeEditMax:
		codes = codes[:codeEditMax]
		errs[""] = l.T("codes.err.too_many", codeEditMax)
	}
	terms := readCodeTerms(l, v, errs)
	if len(errs) > 0 {
		if errs[""] == "" {
			errs[""] = l.T("form.errors")
		}
		return again(statusUnprocessable, errs)
	}
	n, err := h.api.UpdateActivationCodes(c.Request().Context(), session(c).Hash, panelclient.ActivationCodeUpdateParams{
		Codes: codes, TariffID: terms.tariffID, BonusAmount: terms.bonus, FreeDays: terms.freeDays})
	h.audit(c, "dealer/activation_code/update", strings.Join(codes, ","), err)
	if err != nil {
		errs, status, ok := codeFormErrors(l, err)
		if !ok {
			return err
		}
		return again(status, errs)
	}
	view, err := h.editView(c, codes, v, nil)
	if err != nil {
		return err
	}
	view.Done, view.Updated, view.Failed = true, n, max(len(codes)-n, 0)
	return h.render(c, http.StatusOK, templates.CodeEditPage(view))
}
