package panelclient

import "context"

// Equipment is a device model that can be assigned to tracker bundles
// (equipment/list).
type Equipment struct {
	EquipID int `json:"equip_id"`
	// ModelName is the model's original name, Name the vendor's name for it.
	ModelName string `json:"model_name"`
	// ModelCode is the model code written to the bundles.
	ModelCode string `json:"model_code"`
	Vendor    string `json:"vendor"`
	Name      string `json:"name"`
}

// ListEquipment returns every equipment model bundles can have
// (equipment/list; tracker_bundles: read). The list is not paged.
func (c *Client) ListEquipment(ctx context.Context, hash string) ([]Equipment, error) {
	var out struct {
		List []Equipment `json:"list"`
	}
	if err := c.call(ctx, readOnly, hash, "equipment/list", nil, &out); err != nil {
		return nil, err
	}
	return out.List, nil
}
