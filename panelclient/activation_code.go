package panelclient

import (
	"context"
	"errors"
)

// ActivationCode is a code an end user enters to register a device with a
// plan, a bonus and free days chosen in advance (dealer/activation_code).
type ActivationCode struct {
	Code string `json:"code"`
	// TariffID and TariffName are the plan the device starts on.
	TariffID   int    `json:"tariff_id"`
	TariffName string `json:"tariff_name"`
	// BonusAmount is added to the user's bonus balance and MoneyAmount to
	// the user's balance on activation. The docs say int; they are read as
	// numbers so a fractional amount does not fail the whole list.
	BonusAmount float64 `json:"bonus_amount"`
	MoneyAmount float64 `json:"money_amount"`
	FreeDays    int     `json:"free_days"`
	// DeviceType is the device type of the plan ("tracker", "camera"...).
	DeviceType string `json:"device_type"`
	Activated  bool   `json:"activated"`
	// ActivationDate is when the code was used (DateTimeLayout), nil when
	// it has not been.
	ActivationDate *string `json:"activation_date"`
	// DeviceID is the device registered with the code, 0 until then.
	DeviceID int `json:"device_id"`
}

// ActivationCodeListParams filter, sort and page the code list
// (dealer/activation_code/list). Zero values are left out.
type ActivationCodeListParams struct {
	// Filter matches code, tariff_id, device_id and device_type.
	Filter string `json:"filter,omitempty"`
	// OrderBy is one of code, activated, tariff_id, tariff_name,
	// device_type, money_amount, bonus_amount, free_days.
	OrderBy   string `json:"order_by,omitempty"`
	Ascending *bool  `json:"ascending,omitempty"`
	Offset    int    `json:"offset,omitempty"`
	Limit     int    `json:"limit,omitempty"`
}

// ActivationCodeOrderKeys are the documented order_by values of
// dealer/activation_code/list.
var ActivationCodeOrderKeys = []string{"code", "activated", "tariff_id", "tariff_name", "device_type", "money_amount", "bonus_amount", "free_days"}

// ActivationCodeList is one page of codes and the total number matching.
type ActivationCodeList struct {
	List  []ActivationCode `json:"list"`
	Count int              `json:"count"`
}

// ListActivationCodes returns a page of the dealer's activation codes
// (dealer/activation_code/list; activation_code: read). The list has no
// activated filter: a caller that wants one filters the rows itself.
func (c *Client) ListActivationCodes(ctx context.Context, hash string, p ActivationCodeListParams) (*ActivationCodeList, error) {
	var out ActivationCodeList
	if err := c.call(ctx, readOnly, hash, "dealer/activation_code/list", p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ActivationCodeCreateParams are the parameters of
// dealer/activation_code/create; all four are required.
type ActivationCodeCreateParams struct {
	// Count is how many codes to create, at least 1.
	Count int `json:"count"`
	// TariffID is a plan of the dealer (code 201 otherwise).
	TariffID    int `json:"tariff_id"`
	BonusAmount int `json:"bonus_amount"`
	// FreeDays is at least 0.
	FreeDays int `json:"free_days"`
}

// CreateActivationCodes creates a batch of codes and returns how many the
// Panel actually created, which may be fewer than asked
// (dealer/activation_code/create; activation_code: read and create). The
// answer does not name the new codes.
func (c *Client) CreateActivationCodes(ctx context.Context, hash string, p ActivationCodeCreateParams) (int, error) {
	if p.Count < 1 {
		return 0, errors.New("panelclient: dealer/activation_code/create: Count must be at least 1")
	}
	var out struct {
		Count int `json:"count"`
	}
	if err := c.call(ctx, mutation, hash, "dealer/activation_code/create", p, &out); err != nil {
		return 0, err
	}
	return out.Count, nil
}

// ActivationCodeUpdateParams are the parameters of
// dealer/activation_code/update; all four are required.
type ActivationCodeUpdateParams struct {
	// Codes are the codes to change, at least one.
	Codes []string `json:"codes"`
	// TariffID is the new plan, a plan of the dealer (code 201 otherwise).
	TariffID    int `json:"tariff_id"`
	BonusAmount int `json:"bonus_amount"`
	FreeDays    int `json:"free_days"`
}

// UpdateActivationCodes changes the plan, bonus and free days of codes and
// returns how many it changed (dealer/activation_code/update;
// activation_code: update). Only codes of the dealer that are not yet
// activated and have the new plan's device type change; the others are
// skipped without an error, so the count may be lower than len(Codes).
func (c *Client) UpdateActivationCodes(ctx context.Context, hash string, p ActivationCodeUpdateParams) (int, error) {
	if len(p.Codes) == 0 {
		return 0, errors.New("panelclient: dealer/activation_code/update: no codes")
	}
	var out struct {
		Count int `json:"count"`
	}
	if err := c.call(ctx, mutation, hash, "dealer/activation_code/update", p, &out); err != nil {
		return 0, err
	}
	return out.Count, nil
}
