package panelclient

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The documented example answers of activation_code.md, equipment.md,
// order.md and tracker.md (bundle/*). tracker.md shows a bundle only as
// "<bundle>"; the bundle here is the one in order.md's example.
const (
	exBundleObject = `{
    "id": 2, "equip_id": 117, "equip_vendor": "Trackers of different manufacturers",
    "equip_name": "GPS/GSM terminal Teltonika FM1100", "equip_model": "FM1200", "model_code": "gv500",
    "imei": "355085050027285", "iccid": "89701010064407635201", "assign_time": "2014-12-15 13:42:54", "order_id": 3}`
	exCodeList = `{
  "success": true,
  "list": [
    {"tariff_id": 12163, "bonus_amount": 0, "free_days": 14, "money_amount": 0, "device_type": "tracker",
     "code": "1201245293", "activated": true, "activation_date": "2020-11-12 20:00:08", "device_id": 464606,
     "tariff_name": "Tracker demo tariff"},
    {"tariff_id": 12163, "bonus_amount": 0, "free_days": 14, "money_amount": 0, "device_type": "tracker",
     "code": "5248654776", "activated": false, "activation_date": null, "device_id": 0, "tariff_name": "Tracker demo plan"}
  ],
  "count": 1
}`
	exCodeCount     = `{"success": true, "count": 10}`
	exCodeUpdated   = `{"success": true, "count": 5}`
	exEquipmentList = `{"success": true, "list": [{"equip_id": 33, "model_name": "SPT10 SB", "model_code": "pt10",
    "vendor": "3. NAVIXY S Series (personal)", "name": "NAVIXY S10"}]}`
	exOrderRead = `{
  "success": true,
  "value": {
    "id": 3, "user_id": 11346, "seller_id": 1, "amount": 1, "sum": 34300.00, "type": "equip",
    "payer": "Leonard Bernstein", "recipient": "Leonard Bernstein", "contacts": "",
    "place": "111111 Leipzig, Leipzig Tieckstrasse, 2", "comment": "", "creation_time": "2009-12-10 01:00:36",
    "status": "created", "bundles": [` + exBundleObject + `]
  }
}`
	// exOrderReadOpenAPI is the OpenAPI file's Order: positions, no bundles.
	exOrderReadOpenAPI = `{"success": true, "value": {"id": 3, "type": "equip", "status": "shipped", "sum": 10, "with_vat": true,
    "positions": [{"id": 8, "order_id": 3, "equip_id": 117, "type": "equip", "name": "FM1200", "amount": 2, "price": 5}]}}`
	exBundleList = `{"success": true, "list": [` + exBundleObject + `], "count": 42}`
	exBundleRead = `{"success": true, "value": ` + exBundleObject + `}`
	// A bundle without a SIM card or an order (nulls).
	exBundleReadBare = `{"success": true, "value": {"id": 9, "imei": "356938035643809", "iccid": null, "order_id": null,
    "equip_id": 33, "model_code": "pt10", "assign_time": null}}`
)

func TestCodesBundlesRequestShapeAndDecode(t *testing.T) {
	cases := []struct {
		name, action, resp, wantBody string
		call                         func(ctx context.Context, c *Client) (any, error)
		check                        func(t *testing.T, got any)
	}{
		{
			name: "code list", action: "dealer/activation_code/list", resp: exCodeList,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListActivationCodes(ctx, testHash, ActivationCodeListParams{Filter: "1201", OrderBy: "activated", Ascending: Ptr(false), Offset: 20, Limit: 20})
			},
			wantBody: `{"filter":"1201","order_by":"activated","ascending":false,"offset":20,"limit":20}`,
			check: func(t *testing.T, got any) {
				l := got.(*ActivationCodeList)
				if l.Count != 1 || len(l.List) != 2 {
					t.Fatalf("codes: %+v", l)
				}
				a, b := l.List[0], l.List[1]
				if a.Code != "1201245293" || !a.Activated || a.ActivationDate == nil || *a.ActivationDate != "2020-11-12 20:00:08" ||
					a.DeviceID != 464606 || a.TariffID != 12163 || a.FreeDays != 14 || a.DeviceType != DeviceTracker || a.TariffName != "Tracker demo tariff" {
					t.Errorf("activated code: %+v", a)
				}
				if b.Activated || b.ActivationDate != nil || b.DeviceID != 0 {
					t.Errorf("code not activated: %+v", b)
				}
			},
		},
		{
			name: "code list, no parameters", action: "dealer/activation_code/list", resp: exCodeList,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListActivationCodes(ctx, testHash, ActivationCodeListParams{})
			},
			wantBody: `{}`,
		},
		{
			name: "code create", action: "dealer/activation_code/create", resp: exCodeCount,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateActivationCodes(ctx, testHash, ActivationCodeCreateParams{Count: 10, TariffID: 12457, BonusAmount: 3, FreeDays: 5})
			},
			wantBody: `{"count":10,"tariff_id":12457,"bonus_amount":3,"free_days":5}`,
			check: func(t *testing.T, got any) {
				if got.(int) != 10 {
					t.Errorf("created %v", got)
				}
			},
		},
		{
			// Zero bonus and free days are still sent: all four are required.
			name: "code create, zeros sent", action: "dealer/activation_code/create", resp: exCodeCount,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateActivationCodes(ctx, testHash, ActivationCodeCreateParams{Count: 1, TariffID: 7})
			},
			wantBody: `{"count":1,"tariff_id":7,"bonus_amount":0,"free_days":0}`,
		},
		{
			name: "code update", action: "dealer/activation_code/update", resp: exCodeUpdated,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateActivationCodes(ctx, testHash, ActivationCodeUpdateParams{Codes: []string{"12315124", "12451576"}, TariffID: 12457, BonusAmount: 3, FreeDays: 5})
			},
			wantBody: `{"codes":["12315124","12451576"],"tariff_id":12457,"bonus_amount":3,"free_days":5}`,
			check: func(t *testing.T, got any) {
				if got.(int) != 5 {
					t.Errorf("updated %v", got)
				}
			},
		},
		{
			name: "equipment list", action: "equipment/list", resp: exEquipmentList,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.ListEquipment(ctx, testHash) },
			wantBody: `{}`,
			check: func(t *testing.T, got any) {
				l := got.([]Equipment)
				if len(l) != 1 || l[0] != (Equipment{EquipID: 33, ModelName: "SPT10 SB", ModelCode: "pt10", Vendor: "3. NAVIXY S Series (personal)", Name: "NAVIXY S10"}) {
					t.Errorf("equipment: %+v", l)
				}
			},
		},
		{
			name: "order read", action: "order/read", resp: exOrderRead,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.ReadOrder(ctx, testHash, 12341) },
			wantBody: `{"order_id":12341}`,
			check: func(t *testing.T, got any) {
				o := got.(*Order)
				if o.ID != 3 || o.UserID != 11346 || o.Sum != 34300 || o.Status != "created" || o.Type != "equip" || o.Place == "" ||
					o.CreationTime != "2009-12-10 01:00:36" || len(o.Bundles) != 1 || o.Bundles[0].IMEI != "355085050027285" || o.Bundles[0].OrderID != 3 {
					t.Errorf("order: %+v", o)
				}
			},
		},
		{
			name: "bundle list", action: "tracker/bundle/list", resp: exBundleList,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListBundles(ctx, testHash, BundleListParams{Filter: "3550", OrderBy: "id", Ascending: Ptr(true), Limit: 50})
			},
			wantBody: `{"filter":"3550","order_by":"id","ascending":true,"limit":50}`,
			check: func(t *testing.T, got any) {
				l := got.(*BundleList)
				want := Bundle{ID: 2, EquipID: 117, EquipVendor: "Trackers of different manufacturers", EquipName: "GPS/GSM terminal Teltonika FM1100",
					EquipModel: "FM1200", ModelCode: "gv500", IMEI: "355085050027285", ICCID: "89701010064407635201", AssignTime: "2014-12-15 13:42:54", OrderID: 3}
				if l.Count != 42 || len(l.List) != 1 || l.List[0] != want {
					t.Errorf("bundles: %+v", l)
				}
			},
		},
		{
			name: "bundle read", action: "tracker/bundle/read", resp: exBundleRead,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ReadBundle(ctx, testHash, "835664527777452")
			},
			wantBody: `{"imei":"835664527777452"}`,
			check: func(t *testing.T, got any) {
				if b := got.(*Bundle); b.ID != 2 || b.ICCID != "89701010064407635201" {
					t.Errorf("bundle: %+v", b)
				}
			},
		},
		{
			name: "bundle read, nulls", action: "tracker/bundle/read", resp: exBundleReadBare,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ReadBundle(ctx, testHash, "356938035643809")
			},
			wantBody: `{"imei":"356938035643809"}`,
			check: func(t *testing.T, got any) {
				if b := got.(*Bundle); b.ID != 9 || b.ICCID != "" || b.OrderID != 0 || b.AssignTime != "" {
					t.Errorf("bundle: %+v", b)
				}
			},
		},
		{
			name: "bundle assign", action: "tracker/bundle/assign", resp: exOK,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.AssignBundleICCID(ctx, testHash, BundleAssignParams{BundleID: 1241, ICCID: "78974217758"})
			},
			wantBody: `{"bundle_id":1241,"iccid":"78974217758"}`,
		},
		{
			// The official console takes the SIM card off without an iccid.
			name: "bundle assign, clear", action: "tracker/bundle/assign", resp: exOK,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.AssignBundleICCID(ctx, testHash, BundleAssignParams{BundleID: 1241})
			},
			wantBody: `{"bundle_id":1241}`,
		},
		{
			name: "bundle update", action: "tracker/bundle/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.UpdateBundleEquipment(ctx, testHash, 13457, 35468)
			},
			wantBody: `{"bundle_id":13457,"equip_id":35468}`,
		},
		{
			name: "bundle order assign", action: "tracker/bundle/order/assign", resp: exOK,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.AssignBundleOrder(ctx, testHash, 1241, Ptr(78974))
			},
			wantBody: `{"bundle_id":1241,"order_id":78974}`,
		},
		{
			// "Nullable": detaching sends null, as the official console does.
			name: "bundle order detach", action: "tracker/bundle/order/assign", resp: exOK,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.AssignBundleOrder(ctx, testHash, 1241, nil)
			},
			wantBody: `{"bundle_id":1241,"order_id":null}`,
		},
		{
			name: "bundle import", action: "tracker/bundle/import", resp: exOK,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.ImportBundles(ctx, testHash, BundleImportParams{IMEIs: []string{"896654523569742", "754854"}, EquipID: 13785})
			},
			wantBody: `{"imeis":["896654523569742","754854"],"equip_id":13785,"factory_preset":false}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakePanel(t, http.StatusOK, tc.resp)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			got, err := tc.call(ctx, f.client(t))
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != http.MethodPost || r.Path != "/v2/panel/"+tc.action || r.RawQuery != "" {
				t.Errorf("request %s %s?%s, want POST /v2/panel/%s", r.Method, r.Path, r.RawQuery, tc.action)
			}
			if got := r.Header.Get("Authorization"); got != "NVX "+testHash {
				t.Errorf("Authorization %q", got)
			}
			if bytes.Contains(r.Body, []byte(testHash)) {
				t.Errorf("hash in the body: %s", r.Body)
			}
			jsonEqual(t, r.Body, tc.wantBody)
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

// Both references' order shapes are read.
func TestOrderReadsOpenAPIShape(t *testing.T) {
	c := newFakePanel(t, http.StatusOK, exOrderReadOpenAPI).client(t)
	o, err := c.ReadOrder(context.Background(), testHash, 3)
	if err != nil {
		t.Fatal(err)
	}
	if o.WithVAT == nil || !*o.WithVAT || len(o.Positions) != 1 || o.Positions[0].Amount != 2 || o.Positions[0].Price != 5 || len(o.Bundles) != 0 {
		t.Errorf("order: %+v", o)
	}
}

// One documented error per action comes back as *APIError with its code.
func TestCodesBundlesDocumentedErrors(t *testing.T) {
	err := func(code int, status int, desc string) (int, string) {
		return status, `{"success": false, "status": {"code": ` + strconv.Itoa(code) + `, "description": "` + desc + `"}}`
	}
	cases := []struct {
		name string
		code int
		http int
		desc string
		call func(ctx context.Context, c *Client) error
	}{
		{"code list after logout", 4, 400, "User or API key not found or session ended", func(ctx context.Context, c *Client) error {
			_, err := c.ListActivationCodes(ctx, testHash, ActivationCodeListParams{})
			return err
		}},
		{"code create, plan not found", 201, 400, "Not found in database", func(ctx context.Context, c *Client) error {
			_, err := c.CreateActivationCodes(ctx, testHash, ActivationCodeCreateParams{Count: 1, TariffID: 9})
			return err
		}},
		{"code update, plan not found", 201, 400, "Not found in database", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateActivationCodes(ctx, testHash, ActivationCodeUpdateParams{Codes: []string{"1"}, TariffID: 9})
			return err
		}},
		{"code update, not permitted", 13, 403, "Operation not permitted", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateActivationCodes(ctx, testHash, ActivationCodeUpdateParams{Codes: []string{"1"}, TariffID: 9})
			return err
		}},
		{"equipment list, not permitted", 13, 403, "Operation not permitted", func(ctx context.Context, c *Client) error {
			_, err := c.ListEquipment(ctx, testHash)
			return err
		}},
		{"order read, not found", 201, 400, "Not found in database", func(ctx context.Context, c *Client) error {
			_, err := c.ReadOrder(ctx, testHash, 5)
			return err
		}},
		{"bundle list, not permitted", 13, 403, "Operation not permitted", func(ctx context.Context, c *Client) error {
			_, err := c.ListBundles(ctx, testHash, BundleListParams{})
			return err
		}},
		{"bundle read, not found", 201, 400, "Not found in database", func(ctx context.Context, c *Client) error {
			_, err := c.ReadBundle(ctx, testHash, "1")
			return err
		}},
		{"bundle assign, ICCID exists", 247, 409, "Entity already exists", func(ctx context.Context, c *Client) error {
			return c.AssignBundleICCID(ctx, testHash, BundleAssignParams{BundleID: 1, ICCID: "123"})
		}},
		{"bundle assign, wrong ICCID", 226, 400, "Wrong ICCID", func(ctx context.Context, c *Client) error {
			return c.AssignBundleICCID(ctx, testHash, BundleAssignParams{BundleID: 1, ICCID: "123"})
		}},
		{"bundle update, no equipment", 204, 404, "Entity not found", func(ctx context.Context, c *Client) error {
			return c.UpdateBundleEquipment(ctx, testHash, 1, 2)
		}},
		{"bundle order assign, no bundle", 201, 400, "Not found in database", func(ctx context.Context, c *Client) error {
			return c.AssignBundleOrder(ctx, testHash, 1, nil)
		}},
		{"bundle import, IMEI exists", 247, 409, "Entity already exists", func(ctx context.Context, c *Client) error {
			return c.ImportBundles(ctx, testHash, BundleImportParams{IMEIs: []string{"356938035643809"}, EquipID: 1})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := err(tc.code, tc.http, tc.desc)
			f := newFakePanel(t, status, body)
			got := tc.call(context.Background(), f.client(t))
			var ae *APIError
			if !errors.As(got, &ae) || ae.Code != tc.code || ae.HTTPStatus != tc.http {
				t.Fatalf("got %v, want APIError %d (HTTP %d)", got, tc.code, tc.http)
			}
			if strings.Contains(got.Error(), testHash) {
				t.Error("the error carries the hash")
			}
			if len(f.requests()) != 1 {
				t.Errorf("%d requests: a call was resent", len(f.requests()))
			}
		})
	}
}

// Arguments the Panel would refuse are refused before anything is sent.
func TestCodesBundlesRefuseEmptyArguments(t *testing.T) {
	f := newFakePanel(t, http.StatusOK, exOK)
	c := f.client(t)
	ctx := context.Background()
	if _, err := c.CreateActivationCodes(ctx, testHash, ActivationCodeCreateParams{TariffID: 1}); err == nil {
		t.Error("count 0 sent")
	}
	if _, err := c.UpdateActivationCodes(ctx, testHash, ActivationCodeUpdateParams{TariffID: 1}); err == nil {
		t.Error("no codes sent")
	}
	if err := c.ImportBundles(ctx, testHash, BundleImportParams{EquipID: 1}); err == nil {
		t.Error("no IMEIs sent")
	}
	if err := c.AssignBundleICCID(ctx, testHash, BundleAssignParams{ICCID: "123"}); err == nil {
		t.Error("no bundle sent")
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests reached the Panel", n)
	}
}
