package panelclient

import "context"

// Order is an equipment order (order/read).
//
// The references disagree on what an order lists: the markdown's example
// carries the bundles attached to it ("bundles"), the OpenAPI file its line
// items ("positions") and a few more fields (with_vat, remark, link). The
// client reads both; the OpenAPI file says null fields are left out.
type Order struct {
	ID       int `json:"id"`
	UserID   int `json:"user_id"`
	SellerID int `json:"seller_id"`
	// Type is one of bank, equip, bank_service, bank_license,
	// bank_license_camera (OpenAPI file).
	Type string `json:"type"`
	// Status is one of created, settled, gathered, shipped,
	// shipped_partially, canceled (OpenAPI file).
	Status string `json:"status"`
	// Amount is the number of items ordered, Sum the order's total.
	Amount    int     `json:"amount"`
	Sum       float64 `json:"sum"`
	WithVAT   *bool   `json:"with_vat,omitempty"`
	Payer     string  `json:"payer"`
	Recipient string  `json:"recipient"`
	Contacts  string  `json:"contacts"`
	// Place is the delivery address.
	Place   string `json:"place"`
	Comment string `json:"comment"`
	Remark  string `json:"remark,omitempty"`
	Link    string `json:"link,omitempty"`
	// CreationTime is DateTimeLayout.
	CreationTime string `json:"creation_time"`
	// Bundles are the bundles attached to the order (markdown).
	Bundles []Bundle `json:"bundles,omitempty"`
	// Positions are the order's line items (OpenAPI file).
	Positions []OrderPosition `json:"positions,omitempty"`
}

// OrderPosition is a line item of an order (OpenAPI file only).
type OrderPosition struct {
	ID      int     `json:"id"`
	OrderID int     `json:"order_id"`
	EquipID int     `json:"equip_id"`
	Type    string  `json:"type"`
	Name    string  `json:"name"`
	Amount  int     `json:"amount"`
	Price   float64 `json:"price"`
}

// ReadOrder returns one order of the dealer (order/read; tracker_bundles:
// read). An order of another dealer fails with code 201 like a missing one.
func (c *Client) ReadOrder(ctx context.Context, hash string, orderID int) (*Order, error) {
	params := struct {
		OrderID int `json:"order_id"`
	}{orderID}
	var out struct {
		Value Order `json:"value"`
	}
	if err := c.call(ctx, readOnly, hash, "order/read", params, &out); err != nil {
		return nil, err
	}
	return &out.Value, nil
}
