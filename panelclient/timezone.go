package panelclient

import "context"

// Timezone is one time zone the platform supports, as offered when a staff
// member creates a user.
type Timezone struct {
	// ZoneID is the ID used throughout the API, e.g. "Europe/London".
	ZoneID string `json:"zone_id"`
	// Description is the zone's name in the requested locale.
	Description string `json:"description"`
	// BaseOffset is the standard offset from UTC in hours; it may be
	// negative or fractional (5.5).
	BaseOffset float64 `json:"base_offset"`
	// DSTOffset is the extra offset in hours while DST applies, 0 without
	// DST. Documented as an integer; a float also carries half-hour DST.
	DSTOffset float64 `json:"dst_offset"`
	// CountryCode is the ISO 3166-1 alpha-2 code of the zone's country.
	CountryCode string `json:"country_code"`
	// AltIDs are other IDs for the same zone; often absent.
	AltIDs []string `json:"alt_ids,omitempty"`
}

// Timezones lists the supported time zones with descriptions in locale,
// e.g. "en" (timezone/list). It needs no session.
func (c *Client) Timezones(ctx context.Context, locale string) ([]Timezone, error) {
	params := struct {
		Locale string `json:"locale"`
	}{locale}
	var out struct {
		List []Timezone `json:"list"`
	}
	if err := c.call(ctx, readOnly, "", "timezone/list", params, &out); err != nil {
		return nil, err
	}
	return out.List, nil
}
