package handlers

import (
	"context"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// plansAPI is what the Plans section reads and changes.
type plansAPI interface {
	trackerTableAPI
	ReadTariff(ctx context.Context, hash string, tariffID int) (*panelclient.Plan, error)
	ReadTariffDefaults(ctx context.Context, hash string) (*panelclient.TariffDefaultsSet, error)
	DealerInfo(ctx context.Context, hash string) (*panelclient.Dealer, error)
	CreateTariff(ctx context.Context, hash string, plan panelclient.Plan) (int, error)
	UpdateTariff(ctx context.Context, hash string, plan panelclient.Plan) error
	UpdateTariffDefaults(ctx context.Context, hash string, d panelclient.TariffDefaultsSet) error
}

type planHandlers struct {
	*app
	api plansAPI
	// once makes a resent create form create nothing more.
	once *onceGuard
}

func newPlanHandlers(a *app, api plansAPI) *planHandlers {
	return &planHandlers{app: a, api: api, once: newOnceGuard(a.o.Now, onceTTL, onceMaxEntries)}
}

// planListSpec is the plan list: tariff/list's documented order_by keys
// and the device-type filter.
var planListSpec = listSpec{
	path:    "/plans",
	target:  "#plans-table",
	sorts:   []string{"id", "name", "device_type", "group_id", "price"},
	filters: []string{"device_type"},
}

var planDeviceTypes = []string{panelclient.DeviceTracker, panelclient.DeviceCamera, panelclient.DeviceSocket}

// planExtras are what plan pages read beside the plans: the defaults (for
// the "default" badge) and the dealer's currency. Both are a courtesy: a
// page without them still shows the plans.
type planExtras struct {
	defaults *panelclient.TariffDefaultsSet
	currency string
}

func (h *planHandlers) extras(c echo.Context, wg *sync.WaitGroup) *planExtras {
	s := session(c)
	ctx := c.Request().Context()
	x := &planExtras{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		x.defaults, _ = h.api.ReadTariffDefaults(ctx, s.Hash)
	}()
	if s.Perms.Can("base", "get_dealer_info") {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if d, err := h.api.DealerInfo(ctx, s.Hash); err == nil {
				x.currency = d.SellerCurrency
			}
		}()
	}
	return x
}

func (x *planExtras) isDefault(p panelclient.Plan) bool {
	if x.defaults == nil {
		return false
	}
	if d := x.defaults.Tracker; d != nil && d.TariffID == p.ID {
		return true
	}
	if d := x.defaults.Camera; d != nil && d.TariffID == p.ID {
		return true
	}
	return false
}

// list shows the dealer's plans: name with the default badge, type,
// device type, group and price; search, device-type filter, sort, paging.
func (h *planHandlers) list(c echo.Context) error {
	s := session(c)
	state := parseList(c, planListSpec)
	dev := state.Filter("device_type")
	if dev != "" && dev != panelclient.DeviceTracker && dev != panelclient.DeviceCamera && dev != panelclient.DeviceSocket {
		state.Filters.Del("device_type")
		dev = ""
	}
	p := panelclient.TariffListParams{DeviceType: dev, Filter: state.Q, OrderBy: state.Sort, Offset: state.Offset(), Limit: state.PerPage}
	if state.Sort != "" {
		asc := !state.Desc
		p.Ascending = &asc
	}
	var wg sync.WaitGroup
	x := h.extras(c, &wg)
	list, err := h.api.ListTariffs(c.Request().Context(), s.Hash, p)
	if err == nil {
		state.Total = list.Count
		if clampPage(&state) && list.Count > 0 {
			p.Offset = state.Offset()
			list, err = h.api.ListTariffs(c.Request().Context(), s.Hash, p)
		}
	}
	wg.Wait()
	if err != nil {
		return err
	}
	state.Total = list.Count
	v := templates.PlansPageView{List: state, Currency: x.currency, DeviceTypes: planDeviceTypes,
		CanCreate: s.Perms.CanAll(permTariffsCreate), CanUpdate: s.Perms.CanAll(permTariffsUpdate)}
	for _, pl := range list.List {
		v.Rows = append(v.Rows, templates.PlanRow{
			ID: pl.ID, Name: pl.Name, Type: pl.Type, DeviceType: pl.DeviceType, GroupID: pl.GroupID,
			Price: pl.Price, Active: pl.Active, Default: x.isDefault(pl),
		})
	}
	if wantsPartial(c) {
		return h.render(c, http.StatusOK, templates.PlansTable(v))
	}
	return h.render(c, http.StatusOK, templates.PlansPage(v))
}

// detail shows one plan and, for staff who may read trackers, the
// trackers on it (the same tracker table as the Trackers section).
func (h *planHandlers) detail(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	s := session(c)
	ctx := c.Request().Context()
	showTrackers := s.Perms.Can("trackers", "read")
	if wantsPartial(c) && showTrackers {
		// Sorting or paging the plan's trackers swaps the table alone.
		table, err := loadTrackerTable(c, h.api, "/plans/"+itoa(id), panelclient.TrackerListParams{TariffID: id})
		if err != nil {
			return err
		}
		return h.render(c, http.StatusOK, templates.TrackerTable(table))
	}
	var (
		wg       sync.WaitGroup
		table    templates.TrackerTableView
		tableErr error
	)
	x := h.extras(c, &wg)
	if showTrackers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			table, tableErr = loadTrackerTable(c, h.api, "/plans/"+itoa(id), panelclient.TrackerListParams{TariffID: id})
		}()
	}
	pl, err := h.api.ReadTariff(ctx, s.Hash, id)
	wg.Wait()
	if err != nil {
		return err
	}
	if tableErr != nil {
		return tableErr
	}
	v := templates.PlanDetailView{
		ID: pl.ID, Name: pl.Name, Type: pl.Type, DeviceType: pl.DeviceType, GroupID: pl.GroupID,
		Active: pl.Active, Price: pl.Price, EarlyChangePrice: pl.EarlyChangePrice, DeviceLimit: pl.DeviceLimit,
		HasReports: pl.HasReports, StorePeriod: pl.StorePeriod, ProportionalCharge: pl.ProportionalCharge,
		AutoProlong: pl.AutoProlong, Features: pl.Features, Currency: x.currency, Default: x.isDefault(*pl),
		ShowTrackers: showTrackers, Trackers: table, CanUpdate: s.Perms.CanAll(permTariffsUpdate),
	}
	if sp := pl.ServicePrices; sp != nil {
		v.Prices = []templates.PlanPrice{
			{Key: "incoming_sms", Price: sp.IncomingSMS}, {Key: "outgoing_sms", Price: sp.OutgoingSMS},
			{Key: "service_sms", Price: sp.ServiceSMS}, {Key: "phone_call", Price: sp.PhoneCall},
			{Key: "traffic", Price: sp.Traffic},
		}
	}
	if v.Default && x.defaults != nil {
		d := x.defaults.Tracker
		if pl.DeviceType == panelclient.DeviceCamera {
			d = x.defaults.Camera
		}
		if d != nil {
			v.FreeDays, v.ActivationBonus, v.FreeDaysLimit = d.FreeDays, d.ActivationBonus, d.FreeDaysDeviceLimit
		}
	}
	return h.render(c, http.StatusOK, templates.PlanDetailPage(v))
}
