package panelclient

import (
	"context"
	"errors"
)

// Plan types and device types.
const (
	PlanMonthly   = "monthly"
	PlanActiveDay = "activeday"

	DeviceTracker = "tracker"
	DeviceCamera  = "camera"
	DeviceSocket  = "socket"
)

// Plan is a service plan the dealer offers its users (a "tariff" in the
// API paths). The same type is read from tariff/list and tariff/read and
// sent to tariff/create and tariff/update.
type Plan struct {
	// ID is assigned by the Panel; left out on create.
	ID      int    `json:"id,omitempty"`
	Name    string `json:"name"`
	GroupID int    `json:"group_id"`
	// Active plans are ones a user may switch to.
	Active bool `json:"active"`
	// Type is PlanMonthly or PlanActiveDay (trackers only).
	Type  string  `json:"type"`
	Price float64 `json:"price"`
	// EarlyChangePrice is the price of changing plan again within 30 days;
	// nil means users cannot change plan that often.
	EarlyChangePrice *float64 `json:"early_change_price"`
	// DeviceLimit is the most devices per user.
	DeviceLimit int  `json:"device_limit"`
	HasReports  bool `json:"has_reports"`
	// StorePeriod is a short duration: "2h", "3d", "5m", "1y".
	StorePeriod string `json:"store_period"`
	// DeviceType is DeviceTracker, DeviceCamera or DeviceSocket. It cannot
	// change: UpdateTariff leaves it out.
	DeviceType string `json:"device_type,omitempty"`
	// ProportionalCharge lowers the monthly fee for days the device was
	// blocked (monthly plans).
	ProportionalCharge bool `json:"proportional_charge"`
	// AutoProlong, Features and MapFilter come from the OpenAPI file only;
	// nil values are not sent.
	AutoProlong   *bool          `json:"auto_prolong,omitempty"`
	Features      []string       `json:"features,omitempty"`
	MapFilter     *MapFilter     `json:"map_filter,omitempty"`
	ServicePrices *ServicePrices `json:"service_prices,omitempty"`
}

// MapFilter restricts the maps a plan may use: Values are the excluded
// maps when Exclusion is true, the only allowed ones otherwise.
type MapFilter struct {
	Exclusion bool     `json:"exclusion"`
	Values    []string `json:"values"`
}

// TariffListParams filter, sort and page the plan list (tariff/list).
type TariffListParams struct {
	// DeviceType restricts the list to one of the Device constants.
	DeviceType string `json:"device_type,omitempty"`
	// Filter matches id, name, price and device_type.
	Filter string `json:"filter,omitempty"`
	// OrderBy is one of id, name, device_type, group_id, price.
	OrderBy   string `json:"order_by,omitempty"`
	Ascending *bool  `json:"ascending,omitempty"`
	Offset    int    `json:"offset,omitempty"`
	Limit     int    `json:"limit,omitempty"`
}

// TariffList is one page of plans, the total number matching, and the
// wholesale prices the dealer itself pays for services.
type TariffList struct {
	List                   []Plan         `json:"list"`
	WholesaleServicePrices *ServicePrices `json:"wholesale_service_prices,omitempty"`
	Count                  int            `json:"count"`
}

// ListTariffs returns a page of the dealer's plans (tariff/list; tariffs:
// read).
func (c *Client) ListTariffs(ctx context.Context, hash string, p TariffListParams) (*TariffList, error) {
	var out TariffList
	if err := c.call(ctx, readOnly, hash, "tariff/list", p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ReadTariff returns one plan of the dealer (tariff/read; tariffs: read).
func (c *Client) ReadTariff(ctx context.Context, hash string, tariffID int) (*Plan, error) {
	params := struct {
		TariffID int `json:"tariff_id"`
	}{tariffID}
	var out struct {
		Value Plan `json:"value"`
	}
	if err := c.call(ctx, readOnly, hash, "tariff/read", params, &out); err != nil {
		return nil, err
	}
	return &out.Value, nil
}

// CreateTariff creates a plan and returns its ID (tariff/create; tariffs:
// create). plan.ID is ignored. A duplicate name fails with code 244.
func (c *Client) CreateTariff(ctx context.Context, hash string, plan Plan) (int, error) {
	plan.ID = 0
	params := struct {
		Tariff Plan `json:"tariff"`
	}{plan}
	var out struct {
		ID int `json:"id"`
	}
	if err := c.call(ctx, mutation, hash, "tariff/create", params, &out); err != nil {
		return 0, err
	}
	return out.ID, nil
}

// UpdateTariff saves a plan (tariff/update; tariffs: update). plan.ID is
// required; plan.DeviceType is not sent, as it cannot change.
func (c *Client) UpdateTariff(ctx context.Context, hash string, plan Plan) error {
	if plan.ID <= 0 {
		return errors.New("panelclient: tariff/update: Plan.ID is required")
	}
	plan.DeviceType = ""
	params := struct {
		Tariff Plan `json:"tariff"`
	}{plan}
	return c.call(ctx, mutation, hash, "tariff/update", params, nil)
}

// TariffDefaults is what a newly registered device of one type gets.
type TariffDefaults struct {
	// TariffID is the plan the device starts on.
	TariffID int `json:"tariff_id"`
	// ActivationBonus is added to the owner's bonus balance.
	ActivationBonus float64 `json:"activation_bonus"`
	// FreeDays is the fee-free period after registration.
	FreeDays int `json:"free_days"`
	// FreeDaysDeviceLimit caps how many of a user's devices get the free
	// period; nil means no limit (sent as null).
	FreeDaysDeviceLimit *int `json:"free_days_device_limit"`
}

// TariffDefaultsSet holds the defaults per device type. The Panel answers
// with them at the top level of the response; either may be absent.
type TariffDefaultsSet struct {
	Tracker *TariffDefaults `json:"tracker,omitempty"`
	Camera  *TariffDefaults `json:"camera,omitempty"`
}

// ReadTariffDefaults returns the plan defaults for new devices
// (tariff/defaults/read; tariffs: read).
func (c *Client) ReadTariffDefaults(ctx context.Context, hash string) (*TariffDefaultsSet, error) {
	var out TariffDefaultsSet
	if err := c.call(ctx, readOnly, hash, "tariff/defaults/read", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateTariffDefaults saves the plan defaults for new devices
// (tariff/defaults/update; tariffs: update). The Panel requires Tracker; a
// nil Camera is not sent. A missing plan fails with code 239, one for
// another device type with 237.
func (c *Client) UpdateTariffDefaults(ctx context.Context, hash string, d TariffDefaultsSet) error {
	if d.Tracker == nil {
		return errors.New("panelclient: tariff/defaults/update: Tracker defaults are required")
	}
	return c.call(ctx, mutation, hash, "tariff/defaults/update", d, nil)
}
