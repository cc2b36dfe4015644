package panelclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const testHash = "fa7bf873fab9333144e171372a321b06"

// seenRequest is what the fake Panel received.
type seenRequest struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
}

// fakePanel is an httptest server answering every request with one canned
// response and recording what it received.
type fakePanel struct {
	*httptest.Server
	mu     sync.Mutex
	seen   []seenRequest
	status int
	ctype  string
	body   string
}

func newFakePanel(t *testing.T, status int, body string) *fakePanel {
	t.Helper()
	f := &fakePanel{status: status, ctype: "application/json; charset=utf-8", body: body}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.seen = append(f.seen, seenRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), b})
		f.mu.Unlock()
		w.Header().Set("Content-Type", f.ctype)
		w.WriteHeader(f.status)
		io.WriteString(w, f.body)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakePanel) requests() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seenRequest(nil), f.seen...)
}

func (f *fakePanel) client(t *testing.T, opts ...Option) *Client {
	t.Helper()
	c, err := New(f.URL+"/v2/panel", opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("request body is not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %s: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("request body\n got: %s\nwant: %s", got, want)
	}
}

func TestMethodsRequestShapeAndDecode(t *testing.T) {
	type result = any
	cases := []struct {
		name     string
		action   string
		noHash   bool // actions that need no session
		resp     string
		call     func(ctx context.Context, c *Client) (result, error)
		wantBody string
		check    func(t *testing.T, got result)
	}{
		{
			name: "auth", action: "account/auth", noHash: true, resp: exAuth,
			call:     func(ctx context.Context, c *Client) (result, error) { return c.Auth(ctx, "20410", "12f@14Y$") },
			wantBody: `{"login":"20410","password":"12f@14Y$"}`,
			check: func(t *testing.T, got result) {
				r := got.(*AuthResult)
				if r.Hash != testHash || !r.Permissions.Has("trackers", "report") || r.Permissions.Has("users", "delete") {
					t.Errorf("auth result: %+v", r.Permissions)
				}
			},
		},
		{
			name: "get_permissions", action: "account/get_permissions", resp: exPermissions,
			call:     func(ctx context.Context, c *Client) (result, error) { return c.GetPermissions(ctx, testHash) },
			wantBody: `{}`,
			check: func(t *testing.T, got result) {
				if p := got.(Permissions); !p.Has("base", "get_dealer_info") || len(p["users"]) != 4 {
					t.Errorf("permissions: %v", p)
				}
			},
		},
		{
			name: "logout", action: "account/logout", resp: exOK,
			call:     func(ctx context.Context, c *Client) (result, error) { return nil, c.Logout(ctx, testHash) },
			wantBody: `{}`,
		},
		{
			name: "dealer", action: "dealer/get_info", resp: exDealer,
			call:     func(ctx context.Context, c *Client) (result, error) { return c.DealerInfo(ctx, testHash) },
			wantBody: `{}`,
			check: func(t *testing.T, got result) {
				d := got.(*Dealer)
				if d.ID != 9000 || d.SellerID != 3 || d.Tariff.Name != "PaaS Tariff" || d.Tariff.LicensePrice != nil ||
					d.Tariff.ServicePrices.PhoneCall != 15 || d.ActiveAmountSubpaas != 19 || d.ActiveLimit != 100 ||
					d.BlockStatus != BlockStatusNotBlocked || d.Domain != "demo.navixy.com" || d.DemoEnds != "" ||
					d.DefaultUserTimeZone != "Europe/London" || !d.HasFeature("premium_gis") || !d.EnableTrackers {
					t.Errorf("dealer: %+v", d)
				}
			},
		},
		{
			name: "timezones", action: "timezone/list", noHash: true, resp: exTimezones,
			call:     func(ctx context.Context, c *Client) (result, error) { return c.Timezones(ctx, "en") },
			wantBody: `{"locale":"en"}`,
			check: func(t *testing.T, got result) {
				z := got.([]Timezone)
				if len(z) != 1 || z[0].ZoneID != "America/Tijuana" || z[0].BaseOffset != -8 || z[0].DSTOffset != 1 || len(z[0].AltIDs) != 2 {
					t.Errorf("timezones: %+v", z)
				}
			},
		},
		{
			name: "user list", action: "user/list", resp: exUserList,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.ListUsers(ctx, testHash, UserListParams{Filter: "smith", OrderBy: "login", Ascending: Ptr(false), Limit: 25, Offset: 50, HideInactive: true})
			},
			wantBody: `{"filter":"smith","order_by":"login","ascending":false,"limit":25,"offset":50,"hide_inactive":true}`,
			check: func(t *testing.T, got result) {
				l := got.(*UserList)
				if l.Count != 1 || len(l.List) != 1 || l.List[0].ID != 38935 || l.List[0].Balance != 10.01 || l.List[0].TIN != "1131145180" {
					t.Errorf("users: %+v", l)
				}
			},
		},
		{
			name: "user list defaults", action: "user/list", resp: exUserList,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.ListUsers(ctx, testHash, UserListParams{})
			},
			wantBody: `{}`,
		},
		{
			name: "user read", action: "user/read", resp: exUserRead,
			call:     func(ctx context.Context, c *Client) (result, error) { return c.ReadUser(ctx, testHash, 231485) },
			wantBody: `{"user_id":231485}`,
			check: func(t *testing.T, got result) {
				u := got.(*UserDetails)
				want := &Discount{Value: 5.5, MinTrackers: 10, EndDate: "2021-03-01", Strategy: DiscountSumWithProgressive}
				if u.User.ID != 38935 || !reflect.DeepEqual(u.Discount, want) || *u.DefaultTariffID != 123 ||
					u.DealerMFASettings.Type != MFADisallowed {
					t.Errorf("user read: %+v discount %+v", u, u.Discount)
				}
			},
		},
		{
			name: "user create", action: "user/create", resp: exCreated,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.CreateUser(ctx, testHash, UserCreateParams{
					User: UserForm{
						Activated: true, Login: "user@test.com", LegalType: LegalTypeIndividual,
						FirstName: "John", MiddleName: "", LastName: "Smith", Phone: "2135551234",
						LegalName: "ignored for individuals",
					},
					TimeZone: "America/Los_Angeles", Locale: "en_US", Password: "Hh6FXTt%E!Rx*%f3",
					Discount: &Discount{Value: 5.5, MinTrackers: 10, Strategy: DiscountSumWithProgressive},
					Comment:  "about user",
				})
			},
			wantBody: `{"user":{"activated":true,"login":"user@test.com","legal_type":"individual","first_name":"John",
				"middle_name":"","last_name":"Smith","phone":"2135551234","post_country":"","post_index":"",
				"post_region":"","post_city":"","post_street_address":""},
				"time_zone":"America/Los_Angeles","locale":"en_US","password":"Hh6FXTt%E!Rx*%f3",
				"discount":{"value":5.5,"min_trackers":10,"end_date":null,"strategy":"sum_with_progressive"},
				"comment":"about user"}`,
			check: func(t *testing.T, got result) {
				if got.(int) != 15534 {
					t.Errorf("id %v", got)
				}
			},
		},
		{
			name: "user update", action: "user/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.UpdateUser(ctx, testHash, UserUpdateParams{
					User: UserForm{
						ID: 38935, DealerID: 5001, Activated: true, Verified: Ptr(true), Login: "user@test.com",
						LegalType: LegalTypeSoleTrader, FirstName: "John", MiddleName: "William", LastName: "Smith",
						Phone: "3231234567", PostCountry: "USA", PostIndex: "90001", PostRegion: "California",
						PostCity: "Los Angeles", PostStreetAddress: "123 Main St", RegisteredCountry: "USA",
						RegisteredIndex: "90001", RegisteredRegion: "California", RegisteredCity: "Los Angeles",
						RegisteredStreetAddress: "123 Main St", StateRegNum: "123456789", TIN: "1131145180",
						DealerMFASettings: &MFASettings{Type: MFAAllowed, FactorTypes: []string{MFAFactorEmail}},
					},
					DefaultTariffID: Ptr(123),
					Comment:         Ptr(""),
				})
			},
			wantBody: `{"user":{"id":38935,"dealer_id":5001,"activated":true,"verified":true,"login":"user@test.com",
				"legal_type":"sole_trader","first_name":"John","middle_name":"William","last_name":"Smith",
				"phone":"3231234567","post_country":"USA","post_index":"90001","post_region":"California",
				"post_city":"Los Angeles","post_street_address":"123 Main St","registered_country":"USA",
				"registered_index":"90001","registered_region":"California","registered_city":"Los Angeles",
				"registered_street_address":"123 Main St","state_reg_num":"123456789","tin":"1131145180",
				"okpo_code":"","dealer_mfa_settings":{"type":"allowed","factor_types":["email"]}},
				"default_tariff_id":123,"comment":""}`,
		},
		{
			name: "user change_password", action: "user/change_password", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.ChangeUserPassword(ctx, testHash, UserPasswordParams{UserID: 231432, Password: "Hh6FXTt%E!Rx*%f3"})
			},
			wantBody: `{"user_id":231432,"password":"Hh6FXTt%E!Rx*%f3"}`,
		},
		{
			name: "user corrupt", action: "user/corrupt", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.CorruptUser(ctx, testHash, UserCorruptParams{UserID: 231432, Login: "user@login.com", CorruptClones: Ptr(false)})
			},
			wantBody: `{"user_id":231432,"login":"user@login.com","corrupt_clones":false}`,
		},
		{
			name: "user session create", action: "user/session/create", resp: exSessionCreate,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.CreateUserSession(ctx, testHash, 231485)
			},
			wantBody: `{"user_id":231485}`,
			check: func(t *testing.T, got result) {
				if got.(string) != "a2caa32267f028bd41b982980467132c" {
					t.Errorf("session hash %v", got)
				}
			},
		},
		{
			name: "user transaction list", action: "user/transaction/list", resp: exTransactions,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.ListUserTransactions(ctx, testHash, TransactionListParams{UserID: 231485, From: "2020-02-03 03:04:00", To: "2021-02-03 03:04:00"})
			},
			wantBody: `{"user_id":231485,"from":"2020-02-03 03:04:00","to":"2021-02-03 03:04:00"}`,
			check: func(t *testing.T, got result) {
				l := got.([]Transaction)
				if len(l) != 1 || l[0].Description != "Recharge bonus balance during tracker registration" ||
					l[0].Amount != -10 || l[0].OldBalance != 810 || l[0].TrackerID != 303126 || l[0].Subtype != "register" {
					t.Errorf("transactions: %+v", l)
				}
			},
		},
		{
			name: "user change balance", action: "user/transaction/change_balance", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.ChangeUserBalance(ctx, testHash, BalanceChangeParams{UserID: 231485, Amount: 2.05, Type: BalanceMoney, Text: "additional payment"})
			},
			wantBody: `{"user_id":231485,"amount":2.05,"type":"balance","text":"additional payment"}`,
		},
		{
			name: "user mfa settings update", action: "user/mfa/settings/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.UpdateUserMFASettings(ctx, testHash, MFASelectedUsers(371356), MFASettings{Type: MFAAllowed, FactorTypes: []string{MFAFactorEmail}})
			},
			wantBody: `{"target":{"type":"selected","ids":[371356]},"settings":{"type":"allowed","factor_types":["email"]}}`,
		},
		{
			name: "user mfa settings update all", action: "user/mfa/settings/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.UpdateUserMFASettings(ctx, testHash, MFAAllUsers(), MFASettings{Type: MFADisallowed})
			},
			wantBody: `{"target":{"type":"all"},"settings":{"type":"disallowed"}}`,
		},
		{
			name: "user mfa default read", action: "user/mfa/settings/default/read", resp: exMFADefault,
			call:     func(ctx context.Context, c *Client) (result, error) { return c.ReadDefaultMFASettings(ctx, testHash) },
			wantBody: `{}`,
			check: func(t *testing.T, got result) {
				if s := got.(*MFASettings); s == nil || s.Type != MFADisallowed {
					t.Errorf("mfa default: %+v", s)
				}
			},
		},
		{
			name: "user mfa default read null", action: "user/mfa/settings/default/read", resp: `{"success":true,"value":null}`,
			call:     func(ctx context.Context, c *Client) (result, error) { return c.ReadDefaultMFASettings(ctx, testHash) },
			wantBody: `{}`,
			check: func(t *testing.T, got result) {
				if s := got.(*MFASettings); s != nil {
					t.Errorf("want nil, got %+v", s)
				}
			},
		},
		{
			name: "user mfa default update", action: "user/mfa/settings/default/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.UpdateDefaultMFASettings(ctx, testHash, MFASettings{Type: MFADisallowed})
			},
			wantBody: `{"settings":{"type":"disallowed"}}`,
		},
		{
			name: "tracker list", action: "tracker/list", resp: exTrackerList,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.ListTrackers(ctx, testHash, TrackerListParams{UserID: 183654, TariffID: 13457, ClonesFilter: ClonesExclude, Filter: "Truck", OrderBy: "label", Ascending: Ptr(true), Offset: 20, Limit: 10})
			},
			wantBody: `{"user_id":183654,"tariff_id":13457,"clones_filter":"exclude_clones","filter":"Truck","order_by":"label","ascending":true,"offset":20,"limit":10}`,
			check: func(t *testing.T, got result) {
				l := got.(*TrackerList)
				if l.Count != 42 || len(l.List) != 1 || l.List[0].Source.DeviceID != "8624369656654" || !l.List[0].Source.Corrupted ||
					l.List[0].Source.ConnectionStatus != ConnectionIdle || !l.List[0].Clone {
					t.Errorf("trackers: %+v", l)
				}
			},
		},
		{
			name: "tracker read", action: "tracker/read", resp: exTrackerRead,
			call:     func(ctx context.Context, c *Client) (result, error) { return c.ReadTracker(ctx, testHash, 1245678) },
			wantBody: `{"tracker_id":1245678}`,
			check: func(t *testing.T, got result) {
				if tr := got.(*Tracker); tr.ID != 111231 || tr.Label != "Truck" || tr.Source.TariffID != 13457 {
					t.Errorf("tracker: %+v", tr)
				}
			},
		},
		{
			name: "tracker clone", action: "tracker/clone", resp: exClone,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.CloneTracker(ctx, testHash, TrackerCloneParams{TrackerID: 134537, UserID: 354468, Label: "Courier"})
			},
			wantBody: `{"tracker_id":134537,"user_id":354468,"label":"Courier"}`,
			check: func(t *testing.T, got result) {
				if got.(int) != 3947 {
					t.Errorf("clone id %v", got)
				}
			},
		},
		{
			name: "tracker batch_clone", action: "tracker/batch_clone", resp: exBatchClone,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.BatchCloneTrackers(ctx, testHash, BatchCloneParams{UserID: 998836, TrackerIDs: []int{134537, 458412, 99330}, IgnoreExisting: true})
			},
			wantBody: `{"user_id":998836,"tracker_ids":[134537,458412,99330],"ignore_existing":true}`,
			check: func(t *testing.T, got result) {
				r := got.(*BatchCloneResult)
				if !reflect.DeepEqual(r.CloneIDs, []int{587469, 587470}) || !reflect.DeepEqual(r.IgnoredTrackers, []int{99330}) || r.Outcomes != nil {
					t.Errorf("batch clone: %+v", r)
				}
			},
		},
		{
			name: "tracker delete_clone", action: "tracker/delete_clone", resp: exOK,
			call:     func(ctx context.Context, c *Client) (result, error) { return nil, c.DeleteClone(ctx, testHash, 134537) },
			wantBody: `{"tracker_id":134537}`,
		},
		{
			name: "tracker batch_delete_clones", action: "tracker/batch_delete_clones", resp: exBatchDelete,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.BatchDeleteClones(ctx, testHash, []int{134537, 458412})
			},
			wantBody: `{"trackers":[134537,458412]}`,
			check: func(t *testing.T, got result) {
				r := got.(*BatchDeleteResult)
				if r.DeletedCount != 2 || r.NotDeletedCount != 3 || len(r.NotDeleted) != 3 || r.NotDeleted[0] != (NotDeletedTracker{2, "Not a clone"}) {
					t.Errorf("batch delete: %+v", r)
				}
			},
		},
		{
			name: "tracker corrupt", action: "tracker/corrupt", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.CorruptTracker(ctx, testHash, TrackerCorruptParams{TrackerID: 134537})
			},
			wantBody: `{"tracker_id":134537}`,
		},
		{
			name: "tracker move returns new id", action: "tracker/move", resp: exMoveOpenAPI,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.MoveTracker(ctx, testHash, TrackerMoveParams{TrackerID: 1245678, UserID: 214034})
			},
			wantBody: `{"tracker_id":1245678,"user_id":214034}`,
			check: func(t *testing.T, got result) {
				if got.(int) != 1245999 {
					t.Errorf("new id %v", got)
				}
			},
		},
		{
			name: "tracker move markdown shape", action: "tracker/move", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.MoveTracker(ctx, testHash, TrackerMoveParams{TrackerID: 1245678, UserID: 214034})
			},
			wantBody: `{"tracker_id":1245678,"user_id":214034}`,
			check: func(t *testing.T, got result) {
				if got.(int) != 0 {
					t.Errorf("want 0 (not reported), got %v", got)
				}
			},
		},
		{
			name: "tracker register_retry", action: "tracker/register_retry", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.RetryTrackerRegistration(ctx, testHash, RegisterRetryParams{TrackerID: 1245678, SendRegisterCommands: Ptr(true)})
			},
			wantBody: `{"tracker_id":1245678,"send_register_commands":true}`,
		},
		{
			name: "tracker settings update", action: "tracker/settings/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.UpdateTrackerSettings(ctx, testHash, TrackerSettingsParams{TrackerID: 1245678, Label: "Courier", Deleted: false, Comment: Ptr("new SIM")})
			},
			wantBody: `{"tracker_id":1245678,"label":"Courier","deleted":false,"comment":"new SIM"}`,
		},
		{
			name: "tracker source update", action: "tracker/source/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.UpdateTrackerSource(ctx, testHash, 1245678, false)
			},
			wantBody: `{"tracker_id":1245678,"blocked":false}`,
		},
		{
			name: "tracker tariff change", action: "tracker/tariff/change", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.ChangeTrackerTariff(ctx, testHash, TariffChangeParams{TrackerID: 1245678, TariffID: 15843, Repay: false, Charge: true})
			},
			wantBody: `{"tracker_id":1245678,"tariff_id":15843,"repay":false,"charge":true}`,
		},
		{
			name: "tracker console connect", action: "tracker/console/connect", resp: exConsole,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.ConnectTrackerConsole(ctx, testHash, 134537)
			},
			wantBody: `{"tracker_id":134537}`,
			check: func(t *testing.T, got result) {
				if s := got.(*ConsoleSession); s.Key != "6ad7490d4ec7f600ef10d4db41584980cd3ac230" || s.Timestamp != 1399957326 {
					t.Errorf("console: %+v", s)
				}
			},
		},
		{
			name: "tracker active history", action: "tracker/active/history/list", resp: exActiveHistory,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.ListActiveTrackerHistory(ctx, testHash, "2021-02", "2021-03")
			},
			wantBody: `{"from":"2021-02","to":"2021-03"}`,
			check: func(t *testing.T, got result) {
				h := got.(*ActiveHistory)
				if len(h.List) != 1 || h.List[0].Amount != 1 || h.List[0].Trackers[0] != (ActiveTracker{14, 3, "test", "123321"}) {
					t.Errorf("history: %+v", h)
				}
			},
		},
		{
			name: "tracker raw command", action: "tracker/raw_command/send", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.SendRawCommand(ctx, testHash, RawCommandParams{DeviceID: "889654248978", Command: "setparam 101:4"})
			},
			wantBody: `{"device_id":"889654248978","command":"setparam 101:4"}`,
		},
		{
			name: "tariff list", action: "tariff/list", resp: exTariffList,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.ListTariffs(ctx, testHash, TariffListParams{DeviceType: DeviceTracker, OrderBy: "price", Limit: 10})
			},
			wantBody: `{"device_type":"tracker","order_by":"price","limit":10}`,
			check: func(t *testing.T, got result) {
				l := got.(*TariffList)
				if l.Count != 42 || len(l.List) != 1 || *l.List[0].EarlyChangePrice != 23 || l.List[0].ServicePrices.Traffic != 0.09 ||
					l.WholesaleServicePrices.PhoneCall != 0.55 {
					t.Errorf("tariffs: %+v", l)
				}
			},
		},
		{
			name: "tariff read", action: "tariff/read", resp: exTariffRead,
			call:     func(ctx context.Context, c *Client) (result, error) { return c.ReadTariff(ctx, testHash, 12163) },
			wantBody: `{"tariff_id":12163}`,
			check: func(t *testing.T, got result) {
				if p := got.(*Plan); p.ID != 12163 || p.Type != PlanMonthly || p.DeviceType != DeviceTracker || p.DeviceLimit != 2000 {
					t.Errorf("plan: %+v", p)
				}
			},
		},
		{
			name: "tariff create", action: "tariff/create", resp: exTariffCreate,
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.CreateTariff(ctx, testHash, Plan{ID: 99, Name: "Premium", GroupID: 3, Active: true, Type: PlanMonthly, Price: 12.55,
					EarlyChangePrice: Ptr(23.0), DeviceLimit: 2000, HasReports: true, StorePeriod: "1y", DeviceType: DeviceTracker,
					ServicePrices: &ServicePrices{IncomingSMS: 0.3, OutgoingSMS: 0.3, ServiceSMS: 0.2, PhoneCall: 0.6, Traffic: 0.09}})
			},
			wantBody: `{"tariff":{"name":"Premium","group_id":3,"active":true,"type":"monthly","price":12.55,"early_change_price":23,
				"device_limit":2000,"has_reports":true,"store_period":"1y","device_type":"tracker","proportional_charge":false,
				"service_prices":{"incoming_sms":0.3,"outgoing_sms":0.3,"service_sms":0.2,"phone_call":0.6,"traffic":0.09}}}`,
			check: func(t *testing.T, got result) {
				if got.(int) != 123568 {
					t.Errorf("id %v", got)
				}
			},
		},
		{
			name: "tariff update", action: "tariff/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.UpdateTariff(ctx, testHash, Plan{ID: 12345, Name: "Premium", GroupID: 3, Active: true, Type: PlanMonthly,
					Price: 12.55, DeviceLimit: 2000, StorePeriod: "1y", DeviceType: DeviceTracker})
			},
			wantBody: `{"tariff":{"id":12345,"name":"Premium","group_id":3,"active":true,"type":"monthly","price":12.55,
				"early_change_price":null,"device_limit":2000,"has_reports":false,"store_period":"1y","proportional_charge":false}}`,
		},
		{
			name: "tariff defaults read", action: "tariff/defaults/read", resp: exTariffDefaults,
			call:     func(ctx context.Context, c *Client) (result, error) { return c.ReadTariffDefaults(ctx, testHash) },
			wantBody: `{}`,
			check: func(t *testing.T, got result) {
				d := got.(*TariffDefaultsSet)
				if d.Tracker.TariffID != 1234 || d.Tracker.ActivationBonus != 1.1 || *d.Tracker.FreeDaysDeviceLimit != 3 || d.Camera.TariffID != 1289 {
					t.Errorf("defaults: %+v", d)
				}
			},
		},
		{
			name: "tariff defaults update", action: "tariff/defaults/update", resp: exOK,
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.UpdateTariffDefaults(ctx, testHash, TariffDefaultsSet{Tracker: &TariffDefaults{TariffID: 1234, ActivationBonus: 1.1, FreeDays: 14}})
			},
			wantBody: `{"tracker":{"tariff_id":1234,"activation_bonus":1.1,"free_days":14,"free_days_device_limit":null}}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakePanel(t, http.StatusOK, tc.resp)
			c := f.client(t)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			got, err := tc.call(ctx, c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != http.MethodPost || r.Path != "/v2/panel/"+tc.action {
				t.Errorf("request %s %s, want POST /v2/panel/%s", r.Method, r.Path, tc.action)
			}
			if r.RawQuery != "" {
				t.Errorf("query string %q, want none", r.RawQuery)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			wantAuth := "NVX " + testHash
			if tc.noHash {
				wantAuth = ""
			}
			if got := r.Header.Get("Authorization"); got != wantAuth {
				t.Errorf("Authorization %q, want %q", got, wantAuth)
			}
			if !tc.noHash && bytes.Contains(r.Body, []byte(testHash)) {
				t.Errorf("hash in request body: %s", r.Body)
			}
			jsonEqual(t, r.Body, tc.wantBody)
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

func TestAcceptsBothShapes(t *testing.T) {
	ctx := context.Background()

	t.Run("user read discount, OpenAPI shape", func(t *testing.T) {
		c := newFakePanel(t, 200, exUserReadOpenAPI).client(t)
		u, err := c.ReadUser(ctx, testHash, 371356)
		if err != nil {
			t.Fatal(err)
		}
		want := &Discount{Value: 7.5, MinTrackers: 3}
		if !reflect.DeepEqual(u.Discount, want) || u.DefaultTariffID != nil || u.DealerMFASettings != nil ||
			*u.User.MenuPresetID != 346 || !u.User.PhoneVerified || len(u.BlockParameters) == 0 {
			t.Errorf("user read (OpenAPI): %+v discount %+v", u, u.Discount)
		}
	})
	t.Run("transactions, OpenAPI shape", func(t *testing.T) {
		c := newFakePanel(t, 200, exTransactionsOpenAPI).client(t)
		l, err := c.ListUserTransactions(ctx, testHash, TransactionListParams{UserID: 1, From: "a", To: "b"})
		if err != nil {
			t.Fatal(err)
		}
		if len(l) != 1 || l[0].ID != 77 || l[0].Description != "additional payment" || l[0].Amount != 2.05 || l[0].Type != "balance" {
			t.Errorf("transactions (OpenAPI): %+v", l)
		}
	})
	t.Run("batch_clone, OpenAPI shape", func(t *testing.T) {
		c := newFakePanel(t, 200, exBatchCloneOpenAPI).client(t)
		r, err := c.BatchCloneTrackers(ctx, testHash, BatchCloneParams{UserID: 1, TrackerIDs: []int{134537}})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r.CloneIDs, []int{587469, 587470}) || len(r.Outcomes) != 2 {
			t.Errorf("batch clone (OpenAPI): %+v", r)
		}
	})
}

func TestUserFormSendsFieldsOfItsLegalType(t *testing.T) {
	form := UserForm{
		Activated: true, Login: "a@b.c", FirstName: "A", LastName: "B",
		RegisteredCountry: "X", TIN: "1", LegalName: "Co", IEC: "2",
	}
	keys := func(legalType string) map[string]any {
		form.LegalType = legalType
		b, err := json.Marshal(form)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	cases := []struct {
		legalType       string
		hasRegistration bool
		hasCompany      bool
	}{
		{LegalTypeIndividual, false, false},
		{LegalTypeSoleTrader, true, false},
		{LegalTypeLegalEntity, true, true},
	}
	for _, tc := range cases {
		m := keys(tc.legalType)
		_, reg := m["tin"]
		_, company := m["legal_name"]
		_, iec := m["iec"]
		if reg != tc.hasRegistration || company != tc.hasCompany || iec != tc.hasCompany {
			t.Errorf("%s: tin=%v legal_name=%v iec=%v", tc.legalType, reg, company, iec)
		}
		if _, ok := m["middle_name"]; !ok {
			t.Errorf("%s: middle_name must always be sent", tc.legalType)
		}
	}
}

func TestSecretsStayOutOfPrintedValues(t *testing.T) {
	res := AuthResult{Hash: testHash, Permissions: Permissions{"users": {"read"}}}
	create := UserCreateParams{User: UserForm{Login: "a@b.c"}, Password: "Hh6FXTt%E!Rx*%f3"}
	pw := UserPasswordParams{UserID: 1, Password: "Hh6FXTt%E!Rx*%f3"}
	for _, s := range []string{
		res.String(), res.LogValue().String(), strings.TrimSpace(fmt.Sprintf("%v %+v", res, &res)),
		fmt.Sprintf("%v", create), fmt.Sprintf("%+v", pw),
	} {
		if strings.Contains(s, testHash) || strings.Contains(s, "Hh6FXTt") {
			t.Errorf("secret printed: %s", s)
		}
	}
}
