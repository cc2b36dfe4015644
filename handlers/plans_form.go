package handlers

import (
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// Permissions of the plan actions (tariff.md).
var (
	permTariffsCreate = auth.P("tariffs", "create")
	permTariffsUpdate = auth.P("tariffs", "update")
)

// planServicePrices are the service_prices fields, in the form's order.
var planServicePrices = []string{"outgoing_sms", "service_sms", "incoming_sms", "phone_call", "traffic"}

// planStorePeriod is tariff.md's store_period: a count and a unit, hours,
// days, months or years ("2h", "3d", "5m", "1y").
var planStorePeriod = regexp.MustCompile(`^[1-9][0-9]{0,3}[hdmy]$`)

// planNameMax bounds a plan name; tariff.md names no limit, the official
// console's field takes 100 characters.
const planNameMax = 100

// planValuesOf prefills the edit form with a plan's fields, named as
// tariff.md names them.
func planValuesOf(p *panelclient.Plan) map[string]string {
	v := map[string]string{
		"name": p.Name, "type": p.Type, "device_type": p.DeviceType,
		"price":        formatAmount(p.Price),
		"device_limit": strconv.Itoa(p.DeviceLimit), "store_period": p.StorePeriod,
		"group_id": strconv.Itoa(p.GroupID),
	}
	if p.EarlyChangePrice != nil {
		v["early_change_price"] = formatAmount(*p.EarlyChangePrice)
	}
	v["active"] = boolString(p.Active)
	v["has_reports"] = boolString(p.HasReports)
	v["proportional_charge"] = boolString(p.ProportionalCharge)
	if sp := p.ServicePrices; sp != nil {
		v["service_prices.incoming_sms"] = formatAmount(sp.IncomingSMS)
		v["service_prices.outgoing_sms"] = formatAmount(sp.OutgoingSMS)
		v["service_prices.service_sms"] = formatAmount(sp.ServiceSMS)
		v["service_prices.phone_call"] = formatAmount(sp.PhoneCall)
		v["service_prices.traffic"] = formatAmount(sp.Traffic)
	}
	return v
}

// planNewValues are a new plan's starting values.
func planNewValues() map[string]string {
	return map[string]string{"type": panelclient.PlanMonthly, "device_type": panelclient.DeviceTracker, "active": "true", "has_reports": "true", "group_id": "0"}
}

// readPlanValues reads the submitted plan form.
func readPlanValues(c echo.Context) map[string]string {
	v := map[string]string{}
	for _, f := range []string{"name", "type", "device_type", "price", "early_change_price", "device_limit", "store_period", "group_id"} {
		v[f] = strings.TrimSpace(c.FormValue(f))
	}
	for _, f := range planServicePrices {
		v["service_prices."+f] = strings.TrimSpace(c.FormValue("service_prices." + f))
	}
	for _, f := range []string{"active", "has_reports", "proportional_charge"} {
		v[f] = boolString(c.FormValue(f) == "true")
	}
	v["store_period"] = strings.ToLower(v["store_period"])
	return v
}

// checkPlan applies tariff.md's rules to the form and builds the plan.
// deviceType is the plan's device type (the form's on create, the plan's
// own on edit, as it cannot change).
func checkPlan(l *i18n.Localizer, v map[string]string, deviceType string) (panelclient.Plan, templates.FieldErrors) {
	errs := templates.FieldErrors{}
	p := panelclient.Plan{Name: v["name"], Type: v["type"], DeviceType: deviceType, StorePeriod: v["store_period"],
		Active: v["active"] == "true", HasReports: v["has_reports"] == "true"}
	switch {
	case p.Name == "":
		errs["name"] = l.T("plans.err.required")
	case len([]rune(p.Name)) > planNameMax:
		errs["name"] = l.T("plans.err.max", planNameMax)
	case strings.IndexFunc(p.Name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		errs["name"] = l.T("plans.err.printable")
	}
	if !slices.Contains(planDeviceTypes, deviceType) {
		errs["device_type"] = l.T("plans.err.choice")
	}
	switch p.Type {
	case panelclient.PlanMonthly:
		p.ProportionalCharge = v["proportional_charge"] == "true"
	case panelclient.PlanActiveDay:
		// tariff.md: "activeday" for the tracker device type only (214).
		if deviceType != panelclient.DeviceTracker {
			errs["type"] = l.T("plans.err.activeday")
		}
	default:
		errs["type"] = l.T("plans.err.choice")
	}
	var ok bool
	if p.Price, ok = amountField(l, v, "price", true, errs); ok && p.Price < 0 {
		errs["price"] = l.T("plans.err.non_negative")
	}
	if v["early_change_price"] != "" {
		if f, ok := amountField(l, v, "early_change_price", false, errs); ok {
			p.EarlyChangePrice = &f
		}
	}
	// device_limit is "not used for cameras and sockets": required for
	// trackers only.
	p.DeviceLimit, _ = countField(l, v, "device_limit", deviceType == panelclient.DeviceTracker, errs)
	p.GroupID, _ = countField(l, v, "group_id", false, errs)
	switch {
	case p.StorePeriod == "":
		errs["store_period"] = l.T("plans.err.required")
	case !planStorePeriod.MatchString(p.StorePeriod):
		errs["store_period"] = l.T("plans.err.store_period")
	}
	sp := &panelclient.ServicePrices{}
	for _, f := range planServicePrices {
		amount, _ := amountField(l, v, "service_prices."+f, false, errs)
		switch f {
		case "incoming_sms":
			sp.IncomingSMS = amount
		case "outgoing_sms":
			sp.OutgoingSMS = amount
		case "service_sms":
			sp.ServiceSMS = amount
		case "phone_call":
			sp.PhoneCall = amount
		case "traffic":
			sp.Traffic = amount
		}
	}
	p.ServicePrices = sp
	return p, errs
}

// amountField reads a non-negative amount ("12.55", "12,55"); empty is 0
// unless required. It reports whether a value was read.
func amountField(l *i18n.Localizer, v map[string]string, name string, required bool, errs templates.FieldErrors) (float64, bool) {
	s := v[name]
	if s == "" {
		if required {
			errs[name] = l.T("plans.err.required")
		}
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f > 1e12 {
		errs[name] = l.T("plans.err.number")
		return 0, false
	}
	if f < 0 {
		errs[name] = l.T("plans.err.non_negative")
		return 0, false
	}
	return f, true
}

// countField reads a non-negative whole number; empty is 0 unless
// required.
func countField(l *i18n.Localizer, v map[string]string, name string, required bool, errs templates.FieldErrors) (int, bool) {
	s := v[name]
	if s == "" {
		if required {
			errs[name] = l.T("plans.err.required")
		}
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1<<31-1 {
		errs[name] = l.T("plans.err.count")
		return 0, false
	}
	return n, true
}

func formatAmount(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// planFieldOf maps a parameter a Panel validation error names
// ("tariff.store_period", "tariff.service_prices.traffic") to the form's
// field.
func planFieldOf(param string) string {
	f := strings.TrimPrefix(param, "tariff.")
	switch {
	case slices.Contains([]string{"name", "type", "device_type", "price", "early_change_price", "device_limit", "store_period", "group_id", "active", "has_reports", "proportional_charge"}, f):
		return f
	case strings.HasPrefix(f, "service_prices."):
		if slices.Contains(planServicePrices, strings.TrimPrefix(f, "service_prices.")) {
			return f
		}
		return "service_prices"
	case f == "service_prices":
		return f
	}
	return ""
}

// planFormErrors turns the Panel's refusal of a plan into messages on the
// fields: 244 on the name, 214 on the type, 7 on the fields it names.
// ok is false for failures the form cannot show (session ended, not
// allowed, plan gone), which go to the error handler.
func planFormErrors(l *i18n.Localizer, err error) (templates.FieldErrors, int, bool) {
	switch panelclient.Code(err) {
	case 244:
		return templates.FieldErrors{"name": l.T("plans.err.duplicate"), "": l.T("form.errors")}, statusUnprocessable, true
	case 214:
		return templates.FieldErrors{"type": l.T("plans.err.activeday"), "": l.T("form.errors")}, statusUnprocessable, true
	case 201, 204:
		return nil, 0, false
	}
	return userFormErrorsOf(l, err, planFieldOf)
}

func (h *planHandlers) formView(c echo.Context, v templates.PlanFormView) templates.PlanFormView {
	v.DeviceTypes = planDeviceTypes
	if !v.Edit {
		v.Once = h.once.Issue()
	}
	return v
}

// newForm shows the empty plan form (tariffs: create).
func (h *planHandlers) newForm(c echo.Context) error {
	return h.render(c, http.StatusOK, templates.PlanFormPage(h.formView(c, templates.PlanFormView{V: planNewValues()})))
}

// create creates a plan (tariff/create) and opens it. The form carries a
// one-time token: a resent form creates nothing more.
func (h *planHandlers) create(c echo.Context) error {
	l := i18n.From(c.Request().Context())
	v := readPlanValues(c)
	again := func(status int, errs templates.FieldErrors) error {
		return h.render(c, status, templates.PlanFormPage(h.formView(c, templates.PlanFormView{V: v, Errs: errs})))
	}
	plan, errs := checkPlan(l, v, v["device_type"])
	if len(errs) > 0 {
		return again(statusUnprocessable, errs)
	}
	token := c.FormValue(onceField)
	if !h.once.Valid(token) {
		return again(statusUnprocessable, templates.FieldErrors{"": l.T("plans.err.expired")})
	}
	if !h.once.Claim(token) {
		h.audit(c, "tariff/create", plan.Name, errFormResent)
		setFlash(c, "warn", "plans.flash.already")
		return redirect(c, "/plans")
	}
	id, err := h.api.CreateTariff(c.Request().Context(), session(c).Hash, plan)
	h.audit(c, "tariff/create", plan.Name, err)
	if err != nil {
		errs, status, ok := planFormErrors(l, err)
		if !ok {
			return err
		}
		return again(status, errs)
	}
	setFlash(c, "ok", "plans.flash.created", plan.Name)
	return redirect(c, "/plans/"+itoa(id))
}

// editForm shows a plan's form (tariffs: read, update).
func (h *planHandlers) editForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := h.api.ReadTariff(c.Request().Context(), session(c).Hash, id)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, templates.PlanFormPage(h.formView(c, templates.PlanFormView{Edit: true, ID: id, Title: p.Name, V: planValuesOf(p)})))
}

// update saves a plan (tariff/update). The plan is read first so the
// fields the form does not edit (features, map filter, renewal, which
// only the OpenAPI file names) go back unchanged; device_type is never
// sent.
func (h *planHandlers) update(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	ctx, hash := c.Request().Context(), session(c).Hash
	cur, err := h.api.ReadTariff(ctx, hash, id)
	if err != nil {
		return err
	}
	v := readPlanValues(c)
	v["device_type"] = cur.DeviceType
	again := func(status int, errs templates.FieldErrors) error {
		return h.render(c, status, templates.PlanFormPage(h.formView(c, templates.PlanFormView{Edit: true, ID: id, Title: cur.Name, V: v, Errs: errs})))
	}
	plan, errs := checkPlan(l, v, cur.DeviceType)
	if len(errs) > 0 {
		return again(statusUnprocessable, errs)
	}
	plan.ID = id
	plan.AutoProlong, plan.Features, plan.MapFilter = cur.AutoProlong, cur.Features, cur.MapFilter
	err = h.api.UpdateTariff(ctx, hash, plan)
	h.audit(c, "tariff/update", id, err)
	if err != nil {
		errs, status, ok := planFormErrors(l, err)
		if !ok {
			return err
		}
		return again(status, errs)
	}
	setFlash(c, "ok", "plans.flash.saved", plan.Name)
	return redirect(c, "/plans/"+itoa(id))
}

// planDefaultTypes are the device types with defaults (tariff.md: "for
// trackers and cameras").
var planDefaultTypes = []string{panelclient.DeviceTracker, panelclient.DeviceCamera}

// defaultsData reads the defaults and the plans they may point at.
func (h *planHandlers) defaultsData(c echo.Context) (*panelclient.TariffDefaultsSet, map[string][]panelclient.Plan, error) {
	ctx, hash := c.Request().Context(), session(c).Hash
	d, err := h.api.ReadTariffDefaults(ctx, hash)
	if err != nil {
		return nil, nil, err
	}
	list, err := h.api.ListTariffs(ctx, hash, panelclient.TariffListParams{OrderBy: "name", Limit: 1000})
	if err != nil {
		return nil, nil, err
	}
	byType := map[string][]panelclient.Plan{}
	for _, p := range list.List {
		byType[p.DeviceType] = append(byType[p.DeviceType], p)
	}
	return d, byType, nil
}

func defaultsOf(d *panelclient.TariffDefaultsSet, dev string) *panelclient.TariffDefaults {
	if d == nil {
		return nil
	}
	if dev == panelclient.DeviceCamera {
		return d.Camera
	}
	return d.Tracker
}

// defaultsView builds the defaults page: one section per device type that
// has defaults or plans. v holds the form values ("tracker.tariff_id"...).
func (h *planHandlers) defaultsView(c echo.Context, d *panelclient.TariffDefaultsSet, plans map[string][]panelclient.Plan, v map[string]string, errs templates.FieldErrors) templates.PlanDefaultsView {
	view := templates.PlanDefaultsView{CanEdit: session(c).Perms.Can("tariffs", "update"), Errs: errs, V: v}
	for _, dev := range planDefaultTypes {
		cur := defaultsOf(d, dev)
		if cur == nil && len(plans[dev]) == 0 {
			continue
		}
		sec := templates.PlanDefaultsSection{DeviceType: dev}
		for _, p := range plans[dev] {
			sec.Plans = append(sec.Plans, templates.PlanOption{ID: p.ID, Name: p.Name})
		}
		if cur != nil {
			sec.Current = &templates.PlanDefaultsTerms{TariffID: cur.TariffID, FreeDays: cur.FreeDays, ActivationBonus: cur.ActivationBonus, FreeDaysDeviceLimit: cur.FreeDaysDeviceLimit}
			for _, p := range plans[dev] {
				if p.ID == cur.TariffID {
					sec.Current.TariffName = p.Name
				}
			}
		}
		view.Sections = append(view.Sections, sec)
	}
	return view
}

// defaultsValues prefills the defaults form; makeDefault (a plan id from
// "Make default" on a plan's page) is preselected for its device type.
func defaultsValues(d *panelclient.TariffDefaultsSet, plans map[string][]panelclient.Plan, makeDefault int) map[string]string {
	v := map[string]string{}
	for _, dev := range planDefaultTypes {
		if cur := defaultsOf(d, dev); cur != nil {
			v[dev+".tariff_id"] = strconv.Itoa(cur.TariffID)
			v[dev+".free_days"] = strconv.Itoa(cur.FreeDays)
			v[dev+".activation_bonus"] = formatAmount(cur.ActivationBonus)
			if cur.FreeDaysDeviceLimit != nil {
				v[dev+".free_days_device_limit"] = strconv.Itoa(*cur.FreeDaysDeviceLimit)
			}
		}
		for _, p := range plans[dev] {
			if p.ID == makeDefault {
				v[dev+".tariff_id"] = strconv.Itoa(p.ID)
			}
		}
	}
	return v
}

// defaults shows the plan defaults for new devices of each type; staff
// who may update plans can change them (tariffs: read to see).
func (h *planHandlers) defaults(c echo.Context) error {
	d, plans, err := h.defaultsData(c)
	if err != nil {
		return err
	}
	v := defaultsValues(d, plans, positiveInt(c.QueryParam("tariff_id")))
	return h.render(c, http.StatusOK, templates.PlanDefaultsPage(h.defaultsView(c, d, plans, v, nil)))
}

// saveDefaults saves the defaults (tariff/defaults/update): the tracker
// defaults, which the Panel requires, and the camera defaults when the
// form has them.
func (h *planHandlers) saveDefaults(c echo.Context) error {
	l := i18n.From(c.Request().Context())
	d, plans, err := h.defaultsData(c)
	if err != nil {
		return err
	}
	v := map[string]string{}
	for _, dev := range planDefaultTypes {
		for _, f := range []string{"tariff_id", "free_days", "free_days_device_limit", "activation_bonus"} {
			v[dev+"."+f] = strings.TrimSpace(c.FormValue(dev + "." + f))
		}
	}
	errs := templates.FieldErrors{}
	set := panelclient.TariffDefaultsSet{}
	for _, dev := range planDefaultTypes {
		key := dev + ".tariff_id"
		if v[key] == "" {
			if dev == panelclient.DeviceTracker {
				errs[key] = l.T("plans.err.required")
			}
			continue
		}
		id := positiveInt(v[key])
		// The plan must be one of this device type (237) that exists (239).
		if !slices.ContainsFunc(plans[dev], func(p panelclient.Plan) bool { return p.ID == id }) {
			errs[key] = l.T("plans.err.default_plan")
			continue
		}
		t := &panelclient.TariffDefaults{TariffID: id}
		t.FreeDays, _ = countField(l, v, dev+".free_days", false, errs)
		t.ActivationBonus, _ = amountField(l, v, dev+".activation_bonus", false, errs)
		if n, ok := countField(l, v, dev+".free_days_device_limit", false, errs); ok {
			t.FreeDaysDeviceLimit = &n
		}
		if dev == panelclient.DeviceCamera {
			set.Camera = t
		} else {
			set.Tracker = t
		}
	}
	again := func(status int, errs templates.FieldErrors) error {
		return h.render(c, status, templates.PlanDefaultsPage(h.defaultsView(c, d, plans, v, errs)))
	}
	if len(errs) > 0 {
		errs[""] = l.T("form.errors")
		return again(statusUnprocessable, errs)
	}
	err = h.api.UpdateTariffDefaults(c.Request().Context(), session(c).Hash, set)
	h.audit(c, "tariff/defaults/update", defaultsTarget(set), err)
	if err != nil {
		switch panelclient.Code(err) {
		case 239, 237:
			key := map[int]string{239: "plans.err.default_gone", 237: "plans.err.default_type"}[panelclient.Code(err)]
			errs := templates.FieldErrors{"": l.T(key)}
			if set.Camera == nil {
				errs["tracker.tariff_id"] = l.T(key)
			}
			return again(statusUnprocessable, errs)
		}
		errs, status, ok := userFormErrorsOf(l, err, func(p string) string {
			if _, ok := v[p]; ok {
				return p
			}
			return ""
		})
		if !ok {
			return err
		}
		return again(status, errs)
	}
	setFlash(c, "ok", "plans.flash.defaults")
	return redirect(c, "/plans")
}

func defaultsTarget(set panelclient.TariffDefaultsSet) string {
	var parts []string
	if set.Tracker != nil {
		parts = append(parts, "tracker:"+strconv.Itoa(set.Tracker.TariffID))
	}
	if set.Camera != nil {
		parts = append(parts, "camera:"+strconv.Itoa(set.Camera.TariffID))
	}
	return strings.Join(parts, " ")
}
