package panelclient

import (
	"bytes"
	"context"
	"encoding/json"
)

// MenuPreset is a layout of the end users' sidebar that can be assigned
// to users (user/menu/preset). Titles are localisation keys
// ("common.menu.tracking") or the dealer's own words.
type MenuPreset struct {
	// ID is 0 for a preset not created yet (it is then left out).
	ID    int    `json:"id,omitempty"`
	Title string `json:"title"`
	// Main are the groups of the main menu area.
	Main []MenuGroup `json:"main"`
	// Footer is the one group of the sidebar's footer. The references
	// disagree on its shape: the OpenAPI file and the markdown's list
	// example say one group object, the markdown's type table an array of
	// items (its create example sends []). The client reads both and sends
	// the object.
	Footer MenuGroup `json:"footer"`
}

// UnmarshalJSON reads either footer shape.
func (p *MenuPreset) UnmarshalJSON(b []byte) error {
	var raw struct {
		ID     int             `json:"id"`
		Title  string          `json:"title"`
		Main   []MenuGroup     `json:"main"`
		Footer json.RawMessage `json:"footer"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*p = MenuPreset{ID: raw.ID, Title: raw.Title, Main: raw.Main}
	f := bytes.TrimSpace(raw.Footer)
	switch {
	case len(f) == 0 || bytes.Equal(f, []byte("null")):
	case f[0] == '[':
		return json.Unmarshal(f, &p.Footer.Items)
	default:
		return json.Unmarshal(f, &p.Footer)
	}
	return nil
}

// MenuGroup is a group of menu items, with an optional heading (Title ""
// is sent as null: a group without a heading).
type MenuGroup struct {
	Title string     `json:"title"`
	Items []MenuItem `json:"items"`
}

// MarshalJSON sends an empty title as null and no items as [].
func (g MenuGroup) MarshalJSON() ([]byte, error) {
	out := struct {
		Title *string    `json:"title"`
		Items []MenuItem `json:"items"`
	}{NullIfEmpty(g.Title), g.Items}
	if out.Items == nil {
		out.Items = []MenuItem{}
	}
	return json.Marshal(out)
}

// MenuItem is one entry of the sidebar, with an icon and one or more tabs.
type MenuItem struct {
	Title string    `json:"title"`
	Icon  string    `json:"icon,omitempty"`
	Tabs  []MenuTab `json:"tabs"`
}

// MenuTab is a destination inside a menu item.
type MenuTab struct {
	Title       string `json:"title"`
	Destination string `json:"destination"`
}

// Owners of a menu preset.
const (
	PresetOwnerPlatform = "platform"
	PresetOwnerDealer   = "dealer"
)

// Menu preset assignment types: the dealer's default (users without an
// assignment of their own get it) or the listed users.
const (
	PresetTargetDefault = "default"
	PresetTargetUsers   = "users"
)

// MaxPresetAssignIDs is the most user ids one assignment takes (OpenAPI).
const MaxPresetAssignIDs = 10000

// MenuPresetTarget is what a preset is assigned to: build it with
// PresetAsDefault or PresetForUsers.
type MenuPresetTarget struct {
	Type string `json:"type"`
	IDs  []int  `json:"ids,omitempty"`
}

// PresetAsDefault targets the dealer's default preset.
func PresetAsDefault() MenuPresetTarget { return MenuPresetTarget{Type: PresetTargetDefault} }

// PresetForUsers targets the given users (1 to MaxPresetAssignIDs).
func PresetForUsers(ids ...int) MenuPresetTarget {
	return MenuPresetTarget{Type: PresetTargetUsers, IDs: ids}
}

// MenuPresetEntry is one preset of user/menu/preset/list, with its owner
// (a platform preset cannot be changed) and its current assignments.
type MenuPresetEntry struct {
	Preset      MenuPreset         `json:"preset"`
	Owner       string             `json:"owner"`
	Assignments []MenuPresetTarget `json:"assignments"`
}

// IsDefault reports whether the preset is the dealer's default.
func (e MenuPresetEntry) IsDefault() bool {
	for _, a := range e.Assignments {
		if a.Type == PresetTargetDefault {
			return true
		}
	}
	return false
}

// AssignedUsers returns the ids of the users the preset is assigned to.
func (e MenuPresetEntry) AssignedUsers() []int {
	var ids []int
	for _, a := range e.Assignments {
		if a.Type == PresetTargetUsers {
			ids = append(ids, a.IDs...)
		}
	}
	return ids
}

// MenuItemDestination is an item that can be put into a preset.
type MenuItemDestination struct {
	Title       string `json:"title"`
	Destination string `json:"destination"`
}

// ListMenuPresets returns the presets the dealer may assign, its own and
// the platform's (user/menu/preset/list).
func (c *Client) ListMenuPresets(ctx context.Context, hash string) ([]MenuPresetEntry, error) {
	var out struct {
		List []MenuPresetEntry `json:"list"`
	}
	if err := c.call(ctx, readOnly, hash, "user/menu/preset/list", nil, &out); err != nil {
		return nil, err
	}
	return out.List, nil
}

// CreateMenuPreset creates a preset (its ID is ignored) and returns the
// new id (user/menu/preset/create). An invalid structure is code 7.
func (c *Client) CreateMenuPreset(ctx context.Context, hash string, p MenuPreset) (int, error) {
	p.ID = 0
	params := struct {
		Preset MenuPreset `json:"preset"`
	}{p}
	var out struct {
		ID int `json:"id"`
	}
	if err := c.call(ctx, mutation, hash, "user/menu/preset/create", params, &out); err != nil {
		return 0, err
	}
	return out.ID, nil
}

// UpdateMenuPreset overwrites the preset p.ID (user/menu/preset/update).
// A missing preset is code 201; an invalid structure code 7.
func (c *Client) UpdateMenuPreset(ctx context.Context, hash string, p MenuPreset) error {
	params := struct {
		Preset MenuPreset `json:"preset"`
	}{p}
	return c.call(ctx, mutation, hash, "user/menu/preset/update", params, nil)
}

// DeleteMenuPreset deletes a preset; its users fall back to the default
// (user/menu/preset/delete). A missing preset is code 201.
func (c *Client) DeleteMenuPreset(ctx context.Context, hash string, presetID int) error {
	params := struct {
		PresetID int `json:"preset_id"`
	}{presetID}
	return c.call(ctx, mutation, hash, "user/menu/preset/delete", params, nil)
}

// AssignMenuPreset assigns a preset as the default or to users
// (user/menu/preset/assign). A missing preset is code 201.
func (c *Client) AssignMenuPreset(ctx context.Context, hash string, presetID int, target MenuPresetTarget) error {
	params := struct {
		PresetID int              `json:"preset_id"`
		Target   MenuPresetTarget `json:"target"`
	}{presetID, target}
	return c.call(ctx, mutation, hash, "user/menu/preset/assign", params, nil)
}

// ListMenuItems returns the catalogue of items a preset can hold. The
// OpenAPI file places it at user/menu/item/list ("not under
// menu/preset/") and answers {"list": [...]}; the markdown's
// user/menu/preset/items/list with a bare array is not what the Panel
// serves. The client follows the OpenAPI file.
func (c *Client) ListMenuItems(ctx context.Context, hash string) ([]MenuItemDestination, error) {
	var out struct {
		List []MenuItemDestination `json:"list"`
	}
	if err := c.call(ctx, readOnly, hash, "user/menu/item/list", nil, &out); err != nil {
		return nil, err
	}
	return out.List, nil
}
