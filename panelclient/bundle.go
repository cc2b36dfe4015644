package panelclient

import (
	"context"
	"errors"
)

// Bundle is a tracker bundle ("package contents"): a device's IMEI with
// its equipment model, the SIM card (ICCID) packed with it and the order
// it ships in. tracker.md names the object without describing it; its
// fields are those of the bundles in order.md's example.
type Bundle struct {
	ID int `json:"id"`
	// EquipID and the Equip* fields are the bundle's equipment model.
	EquipID     int    `json:"equip_id"`
	EquipVendor string `json:"equip_vendor"`
	EquipName   string `json:"equip_name"`
	EquipModel  string `json:"equip_model"`
	ModelCode   string `json:"model_code"`
	IMEI        string `json:"imei"`
	// ICCID is the SIM card, "" when none is assigned (the Panel may send
	// null).
	ICCID string `json:"iccid"`
	// AssignTime is when the SIM card was assigned (DateTimeLayout).
	AssignTime string `json:"assign_time"`
	// OrderID is the order the bundle ships in, 0 when none (null).
	OrderID int `json:"order_id"`
}

// BundleListParams filter, sort and page the bundle list
// (tracker/bundle/list). Zero values are left out.
type BundleListParams struct {
	// Filter matches id, imei, model_code, iccid and assign_time.
	Filter string `json:"filter,omitempty"`
	// OrderBy: the markdown lists tracker/list's keys (id, label, status,
	// model, device_id, phone, creation_date, user_id, comment), which
	// look copied; the official console sends the bundle's own fields
	// (id, imei, iccid, order_id, model_code, assign_time). Only "id" is
	// in both.
	OrderBy   string `json:"order_by,omitempty"`
	Ascending *bool  `json:"ascending,omitempty"`
	Offset    int    `json:"offset,omitempty"`
	Limit     int    `json:"limit,omitempty"`
	// ClonesFilter is documented here (one of the Clones constants),
	// though a bundle has no clones; the portal does not send it.
	ClonesFilter string `json:"clones_filter,omitempty"`
}

// BundleList is one page of bundles and the total number matching.
type BundleList struct {
	List  []Bundle `json:"list"`
	Count int      `json:"count"`
}

// ListBundles returns a page of the dealer's bundles (tracker/bundle/list;
// tracker_bundles: read).
func (c *Client) ListBundles(ctx context.Context, hash string, p BundleListParams) (*BundleList, error) {
	var out BundleList
	if err := c.call(ctx, readOnly, hash, "tracker/bundle/list", p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ReadBundle returns the bundle of a device's IMEI (tracker/bundle/read;
// tracker_bundles: read); code 201 when there is none.
func (c *Client) ReadBundle(ctx context.Context, hash, imei string) (*Bundle, error) {
	params := struct {
		IMEI string `json:"imei"`
	}{imei}
	var out struct {
		Value Bundle `json:"value"`
	}
	if err := c.call(ctx, readOnly, hash, "tracker/bundle/read", params, &out); err != nil {
		return nil, err
	}
	return &out.Value, nil
}

// BundleAssignParams are the parameters of tracker/bundle/assign.
type BundleAssignParams struct {
	BundleID int `json:"bundle_id"`
	// ICCID is 3 to 20 printable characters. Empty is not sent, which
	// takes the SIM card off the bundle (as the official console does).
	ICCID string `json:"iccid,omitempty"`
}

// AssignBundleICCID puts a SIM card (ICCID) in a bundle, replacing the one
// it had, or with an empty ICCID takes it out (tracker/bundle/assign;
// tracker_bundles: update). Documented refusals: 201 no such bundle, 208
// SIM card blocked, 223 SIM card in use, 226 SIM card not found, 247 ICCID
// already exists, 250 SIM card deleted.
func (c *Client) AssignBundleICCID(ctx context.Context, hash string, p BundleAssignParams) error {
	if p.BundleID <= 0 {
		return errors.New("panelclient: tracker/bundle/assign: BundleID is required")
	}
	return c.call(ctx, mutation, hash, "tracker/bundle/assign", p, nil)
}

// UpdateBundleEquipment gives a bundle another equipment model
// (tracker/bundle/update; tracker_bundles: update); 201 no such bundle,
// 204 no such equipment.
func (c *Client) UpdateBundleEquipment(ctx context.Context, hash string, bundleID, equipID int) error {
	params := struct {
		BundleID int `json:"bundle_id"`
		EquipID  int `json:"equip_id"`
	}{bundleID, equipID}
	return c.call(ctx, mutation, hash, "tracker/bundle/update", params, nil)
}

// AssignBundleOrder attaches a bundle to an order, or with a nil orderID
// detaches it (order_id is sent as null) (tracker/bundle/order/assign;
// tracker_bundles: update); 201 no such bundle.
func (c *Client) AssignBundleOrder(ctx context.Context, hash string, bundleID int, orderID *int) error {
	params := struct {
		BundleID int  `json:"bundle_id"`
		OrderID  *int `json:"order_id"`
	}{bundleID, orderID}
	return c.call(ctx, mutation, hash, "tracker/bundle/order/assign", params, nil)
}

// BundleImportParams are the parameters of tracker/bundle/import.
type BundleImportParams struct {
	IMEIs []string `json:"imeis"`
	// EquipID is the equipment model of every new bundle (204 when there
	// is no such equipment).
	EquipID int `json:"equip_id"`
	// FactoryPreset says the devices were configured at the factory.
	FactoryPreset bool `json:"factory_preset"`
}

// ImportBundles adds a bundle per IMEI (tracker/bundle/import;
// tracker_bundles: create). An IMEI that already has a bundle fails the
// call with code 247, which does not say which.
func (c *Client) ImportBundles(ctx context.Context, hash string, p BundleImportParams) error {
	if len(p.IMEIs) == 0 {
		return errors.New("panelclient: tracker/bundle/import: no IMEIs")
	}
	return c.call(ctx, mutation, hash, "tracker/bundle/import", p, nil)
}
