package panelclient

import (
	"context"
	"slices"
)

// Dealer is the reseller account the staff member works for: its PaaS
// plan, tracker counts and limit, branding, block status and features, as
// shown in the portal's header and dashboard.
//
// Nullable text fields (dates, favicon, logo) read as "" when null;
// nullable numbers are pointers.
type Dealer struct {
	ID             int `json:"id"`
	SellerID       int `json:"seller_id"`
	ParentDealerID int `json:"parent_dealer_id"`
	// ContractType is "PARTNER", "AGENT" or "PAAS".
	ContractType string     `json:"contract_type"`
	TariffID     int        `json:"tariff_id"`
	Tariff       PaasTariff `json:"tariff"`
	// DemoTariff is true on a trial PaaS plan.
	DemoTariff           bool   `json:"demo_tariff"`
	TrackerTariffEndDate string `json:"tracker_tariff_end_date"`
	// StorePeriod is the data store period for users on a demo plan, as an
	// ISO 8601 duration ("P6M").
	StorePeriod string `json:"store_period"`
	// DemoEnds is the trial end date, "" when not on a trial.
	DemoEnds string `json:"demo_ends"`
	Title    string `json:"title"`
	// BlockStatus is "NOT_BLOCKED", "INITIAL_BLOCK", "BLOCK_LOGIN" or
	// "CLIENTS_BLOCKED"; see the BlockStatus constants.
	BlockStatus string `json:"block_status"`
	LegalName   string `json:"legal_name"`
	// ActiveAmount counts active trackers including sub-dealers';
	// ActiveAmountOwn excludes them, ActiveAmountSubpaas is theirs alone.
	ActiveAmount        int `json:"active_amount"`
	ActiveAmountOwn     int `json:"active_amount_own"`
	ActiveAmountSubpaas int `json:"active_amount_subpaas"`
	// ActiveLimit is the most active trackers the dealer may have.
	ActiveLimit int    `json:"active_limit"`
	Locale      string `json:"locale"`
	Domain      string `json:"domain"`
	// Favicon and Logo are paths or URLs of the dealer's branding, "" when
	// none.
	Favicon            string  `json:"favicon"`
	Logo               string  `json:"logo"`
	EnableTrackers     bool    `json:"enable_trackers"`
	EnableCameras      bool    `json:"enable_cameras"`
	PaasActivationDate string  `json:"paas_activation_date"`
	LicenseBalance     float64 `json:"license_balance"`
	SellerCurrency     string  `json:"seller_currency"`
	// Features are the dealer features, e.g. "branding_web", "subpaas".
	Features []string `json:"features"`
	// DefaultUserTimeZone is preselected when a staff member creates a
	// user, and applied to users created by upload.
	DefaultUserTimeZone string `json:"default_user_time_zone"`
	// Subpaas, AllowBranding and PasswordPolicy come from the OpenAPI
	// file only; the markdown does not list them.
	Subpaas        bool            `json:"subpaas"`
	AllowBranding  bool            `json:"allow_branding"`
	PasswordPolicy *PasswordPolicy `json:"password_policy,omitempty"`
	// The OpenAPI file also lists standalone_token, a service credential of
	// on-premise installations. It is deliberately not decoded: the portal
	// holds no credentials of its own.
}

// HasFeature reports whether the dealer has feature, e.g. "subpaas".
func (d *Dealer) HasFeature(feature string) bool {
	return slices.Contains(d.Features, feature)
}

// Dealer block statuses.
const (
	BlockStatusNotBlocked     = "NOT_BLOCKED"
	BlockStatusInitialBlock   = "INITIAL_BLOCK"
	BlockStatusBlockLogin     = "BLOCK_LOGIN"
	BlockStatusClientsBlocked = "CLIENTS_BLOCKED"
)

// PaasTariff is the dealer's own PaaS plan.
type PaasTariff struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	// Type is the billing period, e.g. "monthly" or "daily".
	Type string `json:"type"`
	// Algorithm ("plain", "exponential") and GISPackage come from the
	// OpenAPI file only.
	Algorithm  string `json:"algorithm,omitempty"`
	GISPackage string `json:"gis_package,omitempty"`
	Currency   string `json:"currency"`
	// LicensePrice and MinLicensePay are nil when the plan has none.
	LicensePrice  *float64      `json:"license_price"`
	MinLicensePay *float64      `json:"min_license_pay"`
	VAT           bool          `json:"vat"`
	Trial         bool          `json:"trial"`
	PremiumGIS    bool          `json:"premium_gis"`
	ServicePrices ServicePrices `json:"service_prices"`
	// StorePeriod is the maximum data store period for users, as an ISO
	// 8601 duration ("P3Y").
	StorePeriod string `json:"store_period"`
}

// ServicePrices are per-unit prices of chargeable services.
type ServicePrices struct {
	IncomingSMS float64 `json:"incoming_sms"`
	OutgoingSMS float64 `json:"outgoing_sms"`
	ServiceSMS  float64 `json:"service_sms"`
	// PhoneCall is in the markdown, not in the OpenAPI file.
	PhoneCall float64 `json:"phone_call"`
	// Traffic is the price per MB.
	Traffic float64 `json:"traffic"`
}

// PasswordPolicy is the dealer's password rules, for end-user passwords;
// the portal shows them next to password fields.
type PasswordPolicy struct {
	MinLength            int    `json:"min_length"`
	MaxLength            int    `json:"max_length"`
	SpecialChars         string `json:"special_chars"`
	MinSpecialCharsCount int    `json:"min_special_chars_count"`
	MinDigitsCount       int    `json:"min_digits_count"`
	MinUppercaseCount    int    `json:"min_uppercase_count"`
	MinLowercaseCount    int    `json:"min_lowercase_count"`
}

// DealerInfo returns the dealer the session belongs to (dealer/get_info;
// requires base: get_dealer_info). The Panel answers with the dealer's
// fields at the top level, not under "value".
func (c *Client) DealerInfo(ctx context.Context, hash string) (*Dealer, error) {
	var out Dealer
	if err := c.call(ctx, readOnly, hash, "dealer/get_info", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
