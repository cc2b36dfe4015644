package panelclient_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/panelclient/panelsim"
)

// The contract test: the client (one reading of the Panel API docs) drives
// the emulator (another reading), and Navixy's OpenAPI file referees every
// request the client builds and every answer the emulator gives.
//
// Rows run against a fresh emulator each, in parallel, so mutations never
// disturb reads. A row whose action the emulator does not serve yet is
// skipped with "emulator lacks <action>".
//
// To add an action: add one row to contractRows (and, if the client gained
// a method, its documented errors to errorRows). TestContractCoverage fails
// until every action the client calls has a row.

// contractRow is one Panel API action driven through the client.
type contractRow struct {
	action string
	run    func(t *testing.T, e *simEnv)
}

// row builds a contractRow: call invokes the client method (and may pick
// fixtures or prepare state first), check asserts on what it returned.
func row[T any](action string, call func(t *testing.T, e *simEnv) (T, error), check func(t *testing.T, e *simEnv, got T)) contractRow {
	return contractRow{action: action, run: func(t *testing.T, e *simEnv) {
		t.Helper()
		got, err := call(t, e)
		if err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		if check != nil {
			check(t, e, got)
		}
	}}
}

// strongPassword meets password-requirements.md (the docs' own example).
const strongPassword = "Hh6FXTt%E!Rx*%f3"

var contractRows = []contractRow{
	// --- account ---------------------------------------------------------
	row("account/auth",
		func(t *testing.T, e *simEnv) (*panelclient.AuthResult, error) {
			return e.c.Auth(e.ctx, "admin", "admin")
		},
		func(t *testing.T, e *simEnv, got *panelclient.AuthResult) {
			if len(got.Hash) != 32 || !got.Permissions.Has("users", "read") || !got.Permissions.Has("trackers", "corrupt") {
				t.Errorf("admin session: hash %d chars, permissions %v", len(got.Hash), got.Permissions)
			}
		}),
	row("account/get_permissions",
		func(t *testing.T, e *simEnv) (panelclient.Permissions, error) {
			return e.c.GetPermissions(e.ctx, e.tech(t))
		},
		func(t *testing.T, e *simEnv, got panelclient.Permissions) {
			// DESIGN.md: tech may create users and trackers, never corrupt them.
			if !got.Has("users", "create") || !got.Has("trackers", "create") || got.Has("users", "corrupt") || got.Has("tariffs", "update") {
				t.Errorf("tech permissions %v", got)
			}
		}),
	row("account/logout",
		func(t *testing.T, e *simEnv) (string, error) {
			h := e.viewer(t)
			return h, e.c.Logout(e.ctx, h)
		},
		func(t *testing.T, e *simEnv, h string) {
			_, err := e.c.GetPermissions(e.ctx, h)
			wantAPIError(t, err, 4, 400)
			if !panelclient.IsSessionEnded(err) {
				t.Errorf("IsSessionEnded(%v) = false", err)
			}
		}),

	// --- dealer, timezone ------------------------------------------------
	row("dealer/get_info",
		func(t *testing.T, e *simEnv) (*panelclient.Dealer, error) { return e.c.DealerInfo(e.ctx, e.viewer(t)) },
		func(t *testing.T, e *simEnv, got *panelclient.Dealer) {
			want := e.sim.Store().Dealer()
			if got.ID != want.ID || got.ID <= 0 || got.Title == "" || got.ActiveLimit < got.ActiveAmount || got.Tariff.ID <= 0 {
				t.Errorf("dealer %+v, emulator has id %d", got, want.ID)
			}
		}),
	row("timezone/list",
		func(t *testing.T, e *simEnv) ([]panelclient.Timezone, error) { return e.c.Timezones(e.ctx, "en") },
		func(t *testing.T, e *simEnv, got []panelclient.Timezone) {
			if len(got) == 0 || !strings.Contains(got[0].ZoneID, "/") || got[0].Description == "" {
				t.Fatalf("time zones: %d, first %+v", len(got), got)
			}
			fractional := slices.ContainsFunc(got, func(z panelclient.Timezone) bool { return z.BaseOffset != float64(int(z.BaseOffset)) })
			if !fractional {
				t.Error("no fractional offset (India, Nepal...) decoded")
			}
		}),

	// --- user ------------------------------------------------------------
	row("user/list",
		func(t *testing.T, e *simEnv) (*panelclient.UserList, error) {
			return e.c.ListUsers(e.ctx, e.viewer(t), panelclient.UserListParams{Limit: 5, OrderBy: "id", Ascending: panelclient.Ptr(true)})
		},
		func(t *testing.T, e *simEnv, got *panelclient.UserList) {
			if len(got.List) == 0 || len(got.List) > 5 || got.Count < len(got.List) || got.List[0].ID <= 0 || got.List[0].Login == "" {
				t.Errorf("user list: %d users, count %d, first %+v", len(got.List), got.Count, first(got.List))
			}
			if !slices.IsSortedFunc(got.List, func(a, b panelclient.User) int { return a.ID - b.ID }) {
				t.Error("order_by id, ascending: the page is not sorted")
			}
			if got.Count != e.sim.Store().UserCount() {
				t.Errorf("count %d, emulator holds %d users", got.Count, e.sim.Store().UserCount())
			}
		}),
	row("user/read",
		func(t *testing.T, e *simEnv) (*panelclient.UserDetails, error) {
			return e.c.ReadUser(e.ctx, e.viewer(t), e.userWithMoney(t).ID)
		},
		func(t *testing.T, e *simEnv, got *panelclient.UserDetails) {
			want, _ := e.sim.Store().User(got.User.ID)
			if got.User.ID <= 0 || got.User.Login != want.Login || got.User.LegalType == "" || got.User.Balance != want.Balance {
				t.Errorf("user %+v, emulator has login %q balance %v", got.User, want.Login, want.Balance)
			}
		}),
	row("user/create",
		func(t *testing.T, e *simEnv) (int, error) {
			return e.c.CreateUser(e.ctx, e.tech(t), newUserParams("contract.create@example.com"))
		},
		func(t *testing.T, e *simEnv, id int) {
			if id <= 0 {
				t.Fatalf("new user id %d", id)
			}
			if !e.has(t, "user/read") {
				return
			}
			got, err := e.c.ReadUser(e.ctx, e.admin(t), id)
			if err != nil {
				t.Fatalf("reading the new user: %v", err)
			}
			// verified not sent: the markdown sets it equal to activated.
			if got.User.Login != "contract.create@example.com" || got.User.FirstName != "Ада" || !got.User.Activated || !got.User.Verified {
				t.Errorf("new user reads back as %+v", got.User)
			}
			if got.Discount == nil || got.Discount.Value != 5.5 || got.Discount.MinTrackers != 10 {
				t.Errorf("new user's discount reads back as %+v", got.Discount)
			}
		}),
	row("user/update",
		func(t *testing.T, e *simEnv) (int, error) {
			e.need(t, "user/read")
			h := e.tech(t)
			cur, err := e.c.ReadUser(e.ctx, h, e.plainUser(t).ID)
			if err != nil {
				return 0, err
			}
			form := cur.User.Form()
			form.FirstName, form.PostCity = "Renamed", "Tallinn"
			return form.ID, e.c.UpdateUser(e.ctx, h, panelclient.UserUpdateParams{User: form, Comment: panelclient.Ptr("checked by the contract test")})
		},
		func(t *testing.T, e *simEnv, id int) {
			got, err := e.c.ReadUser(e.ctx, e.admin(t), id)
			if err != nil {
				t.Fatal(err)
			}
			if got.User.FirstName != "Renamed" || got.User.PostCity != "Tallinn" || got.User.Comment != "checked by the contract test" {
				t.Errorf("updated user reads back as %+v", got.User)
			}
		}),
	row("user/change_password",
		func(t *testing.T, e *simEnv) (struct{}, error) {
			return struct{}{}, e.c.ChangeUserPassword(e.ctx, e.tech(t), panelclient.UserPasswordParams{UserID: e.userWithMoney(t).ID, Password: "Zz9!newPassw0rd"})
		}, nil),
	row("user/corrupt",
		func(t *testing.T, e *simEnv) (panelsim.User, error) {
			u := e.userWithMoney(t)
			return u, e.c.CorruptUser(e.ctx, e.admin(t), panelclient.UserCorruptParams{UserID: u.ID, Login: u.Login})
		},
		func(t *testing.T, e *simEnv, u panelsim.User) {
			if !e.has(t, "user/read") {
				return
			}
			got, err := e.c.ReadUser(e.ctx, e.admin(t), u.ID)
			if err == nil {
				t.Errorf("a corrupted user still reads as %+v", got.User)
			} else if !panelclient.IsNotFound(err) {
				t.Errorf("reading a corrupted user: %v, want not found", err)
			}
		}),
	row("user/session/create",
		func(t *testing.T, e *simEnv) (string, error) {
			return e.c.CreateUserSession(e.ctx, e.tech(t), e.userWithMoney(t).ID)
		},
		func(t *testing.T, e *simEnv, h string) {
			if len(h) < 16 {
				t.Errorf("user session hash %q", h)
			}
		}),
	row("user/export",
		func(t *testing.T, e *simEnv) (string, error) {
			d, err := e.c.ExportUsers(e.ctx, e.viewer(t), panelclient.UserExportParams{Format: panelclient.ExportCSV, Columns: []string{"id", "login"}})
			if err != nil {
				return "", err
			}
			defer d.Body.Close()
			b, err := io.ReadAll(d.Body)
			if !strings.HasPrefix(d.ContentType, "text/csv") || !strings.HasSuffix(d.FileName, ".csv") {
				t.Errorf("export: Content-Type %q, file %q", d.ContentType, d.FileName)
			}
			return string(b), err
		},
		func(t *testing.T, e *simEnv, csv string) {
			lines := strings.Split(strings.TrimSpace(csv), "\n")
			u := e.sim.Store().Users(0, 1)[0]
			if len(lines) != e.sim.Store().UserCount()+1 || !strings.Contains(csv, u.Login) {
				t.Errorf("export has %d lines for %d users; first lines %q", len(lines), e.sim.Store().UserCount(), lines[:min(2, len(lines))])
			}
		}),
	row("user/upload",
		func(t *testing.T, e *simEnv) (*panelclient.UploadResult, error) {
			csv := uploadHeader + "contract.upload@example.com;" + strongPassword + ";1;1;Lovelace;Ada\n"
			return e.c.UploadUsers(e.ctx, e.tech(t), "users.csv", strings.NewReader(csv))
		},
		func(t *testing.T, e *simEnv, got *panelclient.UploadResult) {
			if got.Total != 1 || got.Errors != 0 {
				t.Errorf("upload result %+v", got)
			}
			if !e.has(t, "user/list") {
				return
			}
			l, err := e.c.ListUsers(e.ctx, e.admin(t), panelclient.UserListParams{Filter: "contract.upload@example.com"})
			if err != nil || len(l.List) != 1 || l.List[0].LastName != "Lovelace" {
				t.Errorf("uploaded user: %v %+v", err, l)
			}
		}),
	row("user/transaction/list",
		func(t *testing.T, e *simEnv) ([]panelclient.Transaction, error) {
			return e.c.ListUserTransactions(e.ctx, e.viewer(t), panelclient.TransactionListParams{
				UserID: e.userWithMoney(t).ID, From: "2025-11-20 00:00:00", To: "2026-11-21 00:00:00"})
		},
		func(t *testing.T, e *simEnv, got []panelclient.Transaction) {
			if len(got) == 0 {
				t.Fatal("no transactions in the seeded year")
			}
			x := got[0]
			if x.UserID <= 0 || x.Timestamp < "2025-11-20" || x.Type == "" || x.Description == "" {
				t.Errorf("first transaction %+v", x)
			}
		}),
	row("user/transaction/change_balance",
		func(t *testing.T, e *simEnv) (panelsim.User, error) {
			u := e.userWithMoney(t)
			return u, e.c.ChangeUserBalance(e.ctx, e.tech(t), panelclient.BalanceChangeParams{UserID: u.ID, Amount: 2.05, Type: panelclient.BalanceMoney, Text: "additional payment"})
		},
		func(t *testing.T, e *simEnv, before panelsim.User) {
			if !e.has(t, "user/read") {
				return
			}
			got, err := e.c.ReadUser(e.ctx, e.admin(t), before.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d := got.User.Balance - before.Balance; d < 2.049 || d > 2.051 {
				t.Errorf("balance %v -> %v, want +2.05", before.Balance, got.User.Balance)
			}
			if !e.has(t, "user/transaction/list") {
				return
			}
			// The markdown: recorded as type payment, subtype partner.
			now := time.Now().UTC()
			list, err := e.c.ListUserTransactions(e.ctx, e.admin(t), panelclient.TransactionListParams{UserID: before.ID,
				From: now.Add(-24 * time.Hour).Format(panelclient.DateTimeLayout), To: now.Add(24 * time.Hour).Format(panelclient.DateTimeLayout)})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(list, func(x panelclient.Transaction) bool {
				return x.Type == "payment" && x.Subtype == "partner" && x.Amount == 2.05 && x.Description == "additional payment"
			}) {
				t.Errorf("no payment/partner transaction of 2.05 among %+v", list)
			}
		}),
	row("user/mfa/settings/update",
		func(t *testing.T, e *simEnv) (int, error) {
			id := e.userWithMoney(t).ID
			return id, e.c.UpdateUserMFASettings(e.ctx, e.tech(t), panelclient.MFASelectedUsers(id),
				panelclient.MFASettings{Type: panelclient.MFAAllowed, FactorTypes: []string{panelclient.MFAFactorEmail}})
		},
		func(t *testing.T, e *simEnv, id int) {
			if !e.has(t, "user/read") {
				return
			}
			got, err := e.c.ReadUser(e.ctx, e.admin(t), id)
			if err != nil {
				t.Fatal(err)
			}
			if got.DealerMFASettings == nil || got.DealerMFASettings.Type != panelclient.MFAAllowed {
				t.Errorf("MFA settings read back as %+v", got.DealerMFASettings)
			}
		}),
	row("user/mfa/settings/default/read",
		func(t *testing.T, e *simEnv) (*panelclient.MFASettings, error) {
			return e.c.ReadDefaultMFASettings(e.ctx, e.viewer(t))
		},
		func(t *testing.T, e *simEnv, got *panelclient.MFASettings) {
			if got != nil && got.Type != panelclient.MFAAllowed && got.Type != panelclient.MFADisallowed {
				t.Errorf("default MFA settings %+v", got)
			}
		}),
	row("user/mfa/settings/default/update",
		func(t *testing.T, e *simEnv) (struct{}, error) {
			return struct{}{}, e.c.UpdateDefaultMFASettings(e.ctx, e.tech(t),
				panelclient.MFASettings{Type: panelclient.MFAAllowed, FactorTypes: []string{panelclient.MFAFactorEmail}})
		},
		func(t *testing.T, e *simEnv, _ struct{}) {
			if !e.has(t, "user/mfa/settings/default/read") {
				return
			}
			got, err := e.c.ReadDefaultMFASettings(e.ctx, e.admin(t))
			if err != nil || got == nil || got.Type != panelclient.MFAAllowed || !slices.Equal(got.FactorTypes, []string{"email"}) {
				t.Errorf("default MFA settings read back as %+v, %v", got, err)
			}
		}),

	// --- tariff (plans) ----------------------------------------------------
	row("tariff/list",
		func(t *testing.T, e *simEnv) (*panelclient.TariffList, error) {
			return e.c.ListTariffs(e.ctx, e.viewer(t), panelclient.TariffListParams{DeviceType: panelclient.DeviceTracker})
		},
		func(t *testing.T, e *simEnv, got *panelclient.TariffList) {
			if len(got.List) == 0 || got.Count < len(got.List) || got.List[0].ID <= 0 || got.WholesaleServicePrices == nil {
				t.Fatalf("plan list %+v", got)
			}
			for _, p := range got.List {
				if p.DeviceType != panelclient.DeviceTracker {
					t.Errorf("device_type filter let through %+v", p)
				}
			}
		}),
	row("tariff/read",
		func(t *testing.T, e *simEnv) (*panelclient.Plan, error) {
			return e.c.ReadTariff(e.ctx, e.viewer(t), e.planOf(t, "tracker").ID)
		},
		func(t *testing.T, e *simEnv, got *panelclient.Plan) {
			want, _ := e.sim.Store().Tariff(got.ID)
			if got.ID <= 0 || got.Name != want.Name || got.Price != want.Price || got.StorePeriod == "" {
				t.Errorf("plan %+v, emulator has %q at %v", got, want.Name, want.Price)
			}
		}),
	row("tariff/create",
		func(t *testing.T, e *simEnv) (int, error) {
			return e.c.CreateTariff(e.ctx, e.admin(t), panelclient.Plan{Name: "Contract plan", GroupID: 7, Active: true,
				Type: panelclient.PlanMonthly, Price: 3.25, EarlyChangePrice: panelclient.Ptr(1.5), DeviceLimit: 20,
				HasReports: true, StorePeriod: "3m", DeviceType: panelclient.DeviceTracker,
				ServicePrices: &panelclient.ServicePrices{IncomingSMS: 0.1, OutgoingSMS: 0.1, ServiceSMS: 0.1, PhoneCall: 0.2, Traffic: 0.01}})
		},
		func(t *testing.T, e *simEnv, id int) {
			if id <= 0 {
				t.Fatalf("new plan id %d", id)
			}
			if !e.has(t, "tariff/read") {
				return
			}
			got, err := e.c.ReadTariff(e.ctx, e.admin(t), id)
			if err != nil || got.Name != "Contract plan" || got.Price != 3.25 || got.DeviceType != panelclient.DeviceTracker {
				t.Errorf("new plan reads back as %+v, %v", got, err)
			}
		}),
	row("tariff/update",
		func(t *testing.T, e *simEnv) (int, error) {
			e.need(t, "tariff/read")
			h := e.admin(t)
			p, err := e.c.ReadTariff(e.ctx, h, e.planOf(t, "tracker").ID)
			if err != nil {
				return 0, err
			}
			p.Name, p.Price = "Renamed plan", 8.75
			return p.ID, e.c.UpdateTariff(e.ctx, h, *p)
		},
		func(t *testing.T, e *simEnv, id int) {
			got, err := e.c.ReadTariff(e.ctx, e.admin(t), id)
			if err != nil || got.Name != "Renamed plan" || got.Price != 8.75 || got.DeviceType != panelclient.DeviceTracker {
				t.Errorf("updated plan reads back as %+v, %v", got, err)
			}
		}),
	row("tariff/defaults/read",
		func(t *testing.T, e *simEnv) (*panelclient.TariffDefaultsSet, error) {
			return e.c.ReadTariffDefaults(e.ctx, e.viewer(t))
		},
		func(t *testing.T, e *simEnv, got *panelclient.TariffDefaultsSet) {
			if got.Tracker == nil || got.Tracker.TariffID <= 0 {
				t.Fatalf("tracker defaults %+v", got.Tracker)
			}
			if p, ok := e.sim.Store().Tariff(got.Tracker.TariffID); !ok || p.DeviceType != "tracker" {
				t.Errorf("default tracker plan %d is %+v", got.Tracker.TariffID, p)
			}
		}),
	row("tariff/defaults/update",
		func(t *testing.T, e *simEnv) (int, error) {
			p := e.trackerPlan(t, 0)
			return p.ID, e.c.UpdateTariffDefaults(e.ctx, e.admin(t), panelclient.TariffDefaultsSet{
				Tracker: &panelclient.TariffDefaults{TariffID: p.ID, ActivationBonus: 2.5, FreeDays: 7}})
		},
		func(t *testing.T, e *simEnv, id int) {
			if !e.has(t, "tariff/defaults/read") {
				return
			}
			got, err := e.c.ReadTariffDefaults(e.ctx, e.admin(t))
			if err != nil || got.Tracker == nil || got.Tracker.TariffID != id || got.Tracker.FreeDays != 7 || got.Tracker.FreeDaysDeviceLimit != nil {
				t.Errorf("tracker defaults read back as %+v, %v", got.Tracker, err)
			}
		}),

	// --- tracker -----------------------------------------------------------
	row("tracker/list",
		func(t *testing.T, e *simEnv) (*panelclient.TrackerList, error) {
			return e.c.ListTrackers(e.ctx, e.viewer(t), panelclient.TrackerListParams{Limit: 10})
		},
		func(t *testing.T, e *simEnv, got *panelclient.TrackerList) {
			if len(got.List) == 0 || len(got.List) > 10 || got.Count < len(got.List) || got.List[0].ID <= 0 || got.List[0].Source.DeviceID == "" {
				t.Errorf("tracker list: %d trackers, count %d, first %+v", len(got.List), got.Count, first(got.List))
			}
		}),
	row("tracker/read",
		func(t *testing.T, e *simEnv) (*panelclient.Tracker, error) {
			return e.c.ReadTracker(e.ctx, e.viewer(t), e.original(t).ID)
		},
		func(t *testing.T, e *simEnv, got *panelclient.Tracker) {
			want, _ := e.sim.Store().Tracker(got.ID)
			if got.ID <= 0 || got.Label != want.Label || got.UserID != want.UserID || got.Source.DeviceID != want.Source.DeviceID || got.Source.TariffID <= 0 {
				t.Errorf("tracker %+v, emulator has %+v", got, want)
			}
		}),
	row("tracker/clone",
		func(t *testing.T, e *simEnv) ([2]int, error) {
			orig := e.original(t)
			to := e.otherUser(t, orig)
			id, err := e.c.CloneTracker(e.ctx, e.tech(t), panelclient.TrackerCloneParams{TrackerID: orig.ID, UserID: to.ID, Label: "Courier"})
			return [2]int{id, to.ID}, err
		},
		func(t *testing.T, e *simEnv, got [2]int) {
			id, owner := got[0], got[1]
			if id <= 0 {
				t.Fatalf("clone id %d", id)
			}
			if !e.has(t, "tracker/read") {
				return
			}
			c, err := e.c.ReadTracker(e.ctx, e.admin(t), id)
			if err != nil || !c.Clone || c.UserID != owner || c.Label != "Courier" {
				t.Errorf("clone reads back as %+v, %v", c, err)
			}
		}),
	row("tracker/batch_clone",
		func(t *testing.T, e *simEnv) ([]*panelclient.BatchCloneResult, error) {
			origs := e.originals(t, 2)
			to := e.otherUser(t, origs...)
			p := panelclient.BatchCloneParams{UserID: to.ID, TrackerIDs: []int{origs[0].ID, origs[1].ID}}
			h := e.tech(t)
			r1, err := e.c.BatchCloneTrackers(e.ctx, h, p)
			if err != nil {
				return nil, err
			}
			// Again with ignore_existing: both are skipped, none fails.
			p.IgnoreExisting = true
			r2, err := e.c.BatchCloneTrackers(e.ctx, h, p)
			return []*panelclient.BatchCloneResult{r1, r2}, err
		},
		func(t *testing.T, e *simEnv, got []*panelclient.BatchCloneResult) {
			r1, r2 := got[0], got[1]
			if len(r1.CloneIDs) != 2 || r1.CloneIDs[0] <= 0 || len(r1.IgnoredTrackers) != 0 {
				t.Errorf("first batch: %+v", r1)
			}
			if len(r2.CloneIDs) != 0 || len(r2.IgnoredTrackers) != 2 {
				t.Errorf("second batch with ignore_existing: %+v", r2)
			}
		}),
	row("tracker/delete_clone",
		func(t *testing.T, e *simEnv) (int, error) {
			c := e.clone(t)
			return c.ID, e.c.DeleteClone(e.ctx, e.tech(t), c.ID)
		},
		func(t *testing.T, e *simEnv, id int) {
			if !e.has(t, "tracker/read") {
				return
			}
			got, err := e.c.ReadTracker(e.ctx, e.admin(t), id)
			if err == nil && !got.Deleted {
				t.Errorf("deleted clone still reads as %+v", got)
			} else if err != nil && !panelclient.IsNotFound(err) {
				t.Errorf("reading a deleted clone: %v", err)
			}
		}),
	row("tracker/batch_delete_clones",
		func(t *testing.T, e *simEnv) (*panelclient.BatchDeleteResult, error) {
			return e.c.BatchDeleteClones(e.ctx, e.tech(t), []int{e.clone(t).ID, e.original(t).ID})
		},
		func(t *testing.T, e *simEnv, got *panelclient.BatchDeleteResult) {
			orig := e.original(t).ID
			if got.DeletedCount != 1 || got.NotDeletedCount != 1 || len(got.NotDeleted) != 1 || got.NotDeleted[0].ID != orig || got.NotDeleted[0].Error == "" {
				t.Errorf("batch delete of a clone and an original (%d): %+v", orig, got)
			}
		}),
	row("tracker/corrupt",
		func(t *testing.T, e *simEnv) (int, error) {
			id := e.original(t).ID
			return id, e.c.CorruptTracker(e.ctx, e.admin(t), panelclient.TrackerCorruptParams{TrackerID: id})
		},
		func(t *testing.T, e *simEnv, id int) {
			err := e.c.CorruptTracker(e.ctx, e.admin(t), panelclient.TrackerCorruptParams{TrackerID: id})
			wantAPIError(t, err, 252, 400)
		}),
	row("tracker/move",
		func(t *testing.T, e *simEnv) ([3]int, error) {
			orig := e.original(t)
			to := e.otherUser(t, orig)
			id, err := e.c.MoveTracker(e.ctx, e.tech(t), panelclient.TrackerMoveParams{TrackerID: orig.ID, UserID: to.ID})
			return [3]int{orig.ID, id, to.ID}, err
		},
		func(t *testing.T, e *simEnv, got [3]int) {
			old, id, owner := got[0], got[1], got[2]
			// The OpenAPI file: moving creates a NEW tracker id (DESIGN.md).
			if id <= 0 || id == old {
				t.Fatalf("moved tracker %d has id %d", old, id)
			}
			if !e.has(t, "tracker/read") {
				return
			}
			moved, err := e.c.ReadTracker(e.ctx, e.admin(t), id)
			if err != nil || moved.UserID != owner {
				t.Errorf("moved tracker reads back as %+v, %v", moved, err)
			}
			_, err = e.c.ReadTracker(e.ctx, e.admin(t), old)
			if !panelclient.IsNotFound(err) {
				t.Errorf("old id %d after the move: %v, want not found", old, err)
			}
		}),
	row("tracker/register_retry",
		func(t *testing.T, e *simEnv) (int, error) {
			id := e.gsmTracker(t).ID
			return id, e.c.RetryTrackerRegistration(e.ctx, e.tech(t), panelclient.RegisterRetryParams{TrackerID: id, SendRegisterCommands: panelclient.Ptr(true)})
		},
		func(t *testing.T, e *simEnv, id int) {
			// Once per 120 s per tracker.
			err := e.c.RetryTrackerRegistration(e.ctx, e.tech(t), panelclient.RegisterRetryParams{TrackerID: id})
			wantAPIError(t, err, 264, 403)
		}),
	row("tracker/settings/update",
		func(t *testing.T, e *simEnv) (int, error) {
			id := e.original(t).ID
			return id, e.c.UpdateTrackerSettings(e.ctx, e.tech(t), panelclient.TrackerSettingsParams{TrackerID: id, Label: "Van 7", Comment: panelclient.Ptr("checked")})
		},
		func(t *testing.T, e *simEnv, id int) {
			if !e.has(t, "tracker/read") {
				return
			}
			got, err := e.c.ReadTracker(e.ctx, e.admin(t), id)
			if err != nil || got.Label != "Van 7" || got.Comment != "checked" || got.Deleted {
				t.Errorf("tracker reads back as %+v, %v", got, err)
			}
		}),
	row("tracker/source/update",
		func(t *testing.T, e *simEnv) (int, error) {
			id := e.original(t).ID
			return id, e.c.UpdateTrackerSource(e.ctx, e.tech(t), id, true)
		},
		func(t *testing.T, e *simEnv, id int) {
			if !e.has(t, "tracker/read") {
				return
			}
			got, err := e.c.ReadTracker(e.ctx, e.admin(t), id)
			if err != nil || !got.Source.Blocked {
				t.Errorf("blocked tracker reads back as %+v, %v", got, err)
			}
		}),
	row("tracker/tariff/change",
		func(t *testing.T, e *simEnv) ([2]int, error) {
			tr := e.original(t)
			p := e.trackerPlan(t, tr.Source.TariffID)
			return [2]int{tr.ID, p.ID}, e.c.ChangeTrackerTariff(e.ctx, e.tech(t), panelclient.TariffChangeParams{TrackerID: tr.ID, TariffID: p.ID, Charge: true})
		},
		func(t *testing.T, e *simEnv, got [2]int) {
			if !e.has(t, "tracker/read") {
				return
			}
			tr, err := e.c.ReadTracker(e.ctx, e.admin(t), got[0])
			if err != nil || tr.Source.TariffID != got[1] {
				t.Errorf("tracker after the plan change: %+v, %v; want plan %d", tr, err, got[1])
			}
		}),
	row("tracker/console/connect",
		func(t *testing.T, e *simEnv) (*panelclient.ConsoleSession, error) {
			return e.c.ConnectTrackerConsole(e.ctx, e.tech(t), e.original(t).ID)
		},
		func(t *testing.T, e *simEnv, got *panelclient.ConsoleSession) {
			if got.Key == "" || got.Timestamp <= 0 {
				t.Errorf("console session %+v", got)
			}
		}),
	row("tracker/active/history/list",
		func(t *testing.T, e *simEnv) (*panelclient.ActiveHistory, error) {
			return e.c.ListActiveTrackerHistory(e.ctx, e.admin(t), "2026-09", "2026-11")
		},
		func(t *testing.T, e *simEnv, got *panelclient.ActiveHistory) {
			if len(got.List) == 0 {
				t.Fatal("no month in the active history")
			}
			counted := 0
			for _, m := range got.List {
				if m.Month < "2026-09" || m.Month > "2026-11" || m.Amount < 0 || (m.Amount > 0 && (len(m.Trackers) == 0 || m.Trackers[0].TrackerID <= 0)) {
					t.Errorf("month %+v", m)
				}
				counted += m.Amount
			}
			if counted == 0 {
				t.Error("no active tracker in the three seeded months")
			}
		}),
	row("tracker/raw_command/send",
		func(t *testing.T, e *simEnv) (struct{}, error) {
			return struct{}{}, e.c.SendRawCommand(e.ctx, e.tech(t), panelclient.RawCommandParams{DeviceID: e.gsmTracker(t).Source.DeviceID, Command: "setparam 101:4"})
		}, nil),

	// --- activation codes ----------------------------------------------------
	row("dealer/activation_code/list",
		func(t *testing.T, e *simEnv) (*panelclient.ActivationCodeList, error) {
			return e.c.ListActivationCodes(e.ctx, e.viewer(t), panelclient.ActivationCodeListParams{OrderBy: "code", Ascending: panelclient.Ptr(true), Limit: 10})
		},
		func(t *testing.T, e *simEnv, got *panelclient.ActivationCodeList) {
			if len(got.List) == 0 || len(got.List) > 10 || got.Count < len(got.List) {
				t.Fatalf("codes: %d, count %d", len(got.List), got.Count)
			}
			if !slices.IsSortedFunc(got.List, func(a, b panelclient.ActivationCode) int { return strings.Compare(a.Code, b.Code) }) {
				t.Error("order_by code, ascending: the page is not sorted")
			}
			for _, c := range got.List {
				// activation_code.md: device_id is 0 and activation_date null until the code is used.
				if c.Code == "" || c.TariffID <= 0 || c.DeviceType == "" || c.Activated != (c.DeviceID > 0) || c.Activated != (c.ActivationDate != nil) {
					t.Errorf("code %+v", c)
				}
			}
		}),
	row("dealer/activation_code/create",
		func(t *testing.T, e *simEnv) ([2]int, error) {
			h := e.admin(t)
			before, err := e.c.ListActivationCodes(e.ctx, h, panelclient.ActivationCodeListParams{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			n, err := e.c.CreateActivationCodes(e.ctx, h, panelclient.ActivationCodeCreateParams{Count: 3, TariffID: e.planOf(t, "tracker").ID, BonusAmount: 2, FreeDays: 4})
			return [2]int{before.Count, n}, err
		},
		func(t *testing.T, e *simEnv, got [2]int) {
			if got[1] != 3 {
				t.Errorf("created %d codes, asked for 3", got[1])
			}
			after, err := e.c.ListActivationCodes(e.ctx, e.admin(t), panelclient.ActivationCodeListParams{Limit: 1})
			if err != nil || after.Count != got[0]+got[1] {
				t.Errorf("count %d before, %+v after (%v)", got[0], after, err)
			}
		}),
	row("dealer/activation_code/update",
		func(t *testing.T, e *simEnv) ([]string, error) {
			fresh := e.codesWhere(t, 2, "not activated, for trackers", func(c panelclient.ActivationCode) bool { return !c.Activated && c.DeviceType == "tracker" })
			used := e.codesWhere(t, 1, "activated", func(c panelclient.ActivationCode) bool { return c.Activated })
			plan := e.trackerPlan(t, fresh[0].TariffID)
			codes := []string{fresh[0].Code, fresh[1].Code, used[0].Code}
			n, err := e.c.UpdateActivationCodes(e.ctx, e.admin(t), panelclient.ActivationCodeUpdateParams{Codes: codes, TariffID: plan.ID, BonusAmount: 6, FreeDays: 9})
			if err == nil && n != 2 {
				t.Errorf("updated %d codes, want 2 (the activated one is skipped)", n)
			}
			return append(codes, idText(plan.ID)), err
		},
		func(t *testing.T, e *simEnv, got []string) {
			planID := idOf(got[3])
			for _, code := range got[:2] {
				if c := codeReadBack(t, e, code); c.TariffID != planID || c.BonusAmount != 6 || c.FreeDays != 9 {
					t.Errorf("code %s reads back as %+v", code, c)
				}
			}
			if c := codeReadBack(t, e, got[2]); c.TariffID == planID && c.FreeDays == 9 {
				t.Errorf("the activated code %s changed: %+v", got[2], c)
			}
		}),

	// --- equipment, orders, bundles ---------------------------------------------
	row("equipment/list",
		func(t *testing.T, e *simEnv) ([]panelclient.Equipment, error) {
			return e.c.ListEquipment(e.ctx, e.viewer(t))
		},
		func(t *testing.T, e *simEnv, got []panelclient.Equipment) {
			if len(got) == 0 {
				t.Fatal("no equipment")
			}
			for _, q := range got {
				if q.EquipID <= 0 || q.ModelCode == "" || q.Name == "" {
					t.Errorf("equipment %+v", q)
				}
			}
		}),
	row("order/read",
		func(t *testing.T, e *simEnv) (*panelclient.Order, error) {
			id := e.orderID(t)
			o, err := e.c.ReadOrder(e.ctx, e.viewer(t), id)
			if err == nil && o.ID != id {
				t.Errorf("asked for order %d, got %d", id, o.ID)
			}
			return o, err
		},
		func(t *testing.T, e *simEnv, got *panelclient.Order) {
			if got.Status == "" || got.Type == "" || got.CreationTime == "" {
				t.Errorf("order %+v", got)
			}
			for _, b := range got.Bundles {
				if b.OrderID != got.ID || b.IMEI == "" {
					t.Errorf("order %d lists bundle %+v", got.ID, b)
				}
			}
		}),
	row("tracker/bundle/list",
		func(t *testing.T, e *simEnv) (*panelclient.BundleList, error) {
			return e.c.ListBundles(e.ctx, e.viewer(t), panelclient.BundleListParams{OrderBy: "id", Ascending: panelclient.Ptr(false), Limit: 5})
		},
		func(t *testing.T, e *simEnv, got *panelclient.BundleList) {
			if len(got.List) == 0 || len(got.List) > 5 || got.Count < len(got.List) || got.List[0].IMEI == "" {
				t.Fatalf("bundles: %d, count %d", len(got.List), got.Count)
			}
			if !slices.IsSortedFunc(got.List, func(a, b panelclient.Bundle) int { return b.ID - a.ID }) {
				t.Error("order_by id, descending: the page is not sorted")
			}
		}),
	row("tracker/bundle/read",
		func(t *testing.T, e *simEnv) ([2]panelclient.Bundle, error) {
			want := e.bundleWhere(t, "with an ICCID", func(b panelclient.Bundle) bool { return b.ICCID != "" })
			got, err := e.c.ReadBundle(e.ctx, e.viewer(t), want.IMEI)
			if err != nil {
				return [2]panelclient.Bundle{}, err
			}
			return [2]panelclient.Bundle{want, *got}, nil
		},
		func(t *testing.T, e *simEnv, got [2]panelclient.Bundle) {
			if got[0] != got[1] {
				t.Errorf("read %+v, listed %+v", got[1], got[0])
			}
		}),
	row("tracker/bundle/assign",
		func(t *testing.T, e *simEnv) ([2]panelclient.Bundle, error) {
			// The SIM card of one bundle moves to another: taken out, then put in.
			from := e.bundleWhere(t, "with an ICCID", func(b panelclient.Bundle) bool { return b.ICCID != "" })
			to := e.bundleWhere(t, "without an ICCID", func(b panelclient.Bundle) bool { return b.ICCID == "" })
			h := e.admin(t)
			if err := e.c.AssignBundleICCID(e.ctx, h, panelclient.BundleAssignParams{BundleID: from.ID}); err != nil {
				return [2]panelclient.Bundle{}, err
			}
			return [2]panelclient.Bundle{from, to}, e.c.AssignBundleICCID(e.ctx, h, panelclient.BundleAssignParams{BundleID: to.ID, ICCID: from.ICCID})
		},
		func(t *testing.T, e *simEnv, got [2]panelclient.Bundle) {
			from, err1 := e.c.ReadBundle(e.ctx, e.admin(t), got[0].IMEI)
			to, err2 := e.c.ReadBundle(e.ctx, e.admin(t), got[1].IMEI)
			if err1 != nil || err2 != nil || from.ICCID != "" || to.ICCID != got[0].ICCID {
				t.Errorf("after moving SIM %s: from %+v (%v), to %+v (%v)", got[0].ICCID, from, err1, to, err2)
			}
		}),
	row("tracker/bundle/update",
		func(t *testing.T, e *simEnv) ([2]string, error) {
			b := e.bundles(t)[0]
			q := e.equipmentOtherThan(t, b.EquipID)
			return [2]string{b.IMEI, idText(q.EquipID)}, e.c.UpdateBundleEquipment(e.ctx, e.admin(t), b.ID, q.EquipID)
		},
		func(t *testing.T, e *simEnv, got [2]string) {
			b, err := e.c.ReadBundle(e.ctx, e.admin(t), got[0])
			if err != nil || idText(b.EquipID) != got[1] {
				t.Errorf("bundle reads back as %+v (%v), want equipment %s", b, err, got[1])
			}
		}),
	row("tracker/bundle/order/assign",
		func(t *testing.T, e *simEnv) (panelclient.Bundle, error) {
			order := e.orderID(t)
			b := e.bundleWhere(t, "in no order", func(b panelclient.Bundle) bool { return b.OrderID == 0 })
			h := e.admin(t)
			if err := e.c.AssignBundleOrder(e.ctx, h, b.ID, &order); err != nil {
				return b, err
			}
			got, err := e.c.ReadBundle(e.ctx, h, b.IMEI)
			if err != nil || got.OrderID != order {
				t.Errorf("attached to order %d, reads back as %+v (%v)", order, got, err)
			}
			return b, e.c.AssignBundleOrder(e.ctx, h, b.ID, nil)
		},
		func(t *testing.T, e *simEnv, b panelclient.Bundle) {
			got, err := e.c.ReadBundle(e.ctx, e.admin(t), b.IMEI)
			if err != nil || got.OrderID != 0 {
				t.Errorf("detached (order_id null), reads back as %+v (%v)", got, err)
			}
		}),
	row("tracker/bundle/import",
		func(t *testing.T, e *simEnv) ([]string, error) {
			q := e.equipmentOtherThan(t, 0)
			imeis := []string{freshIMEI(), freshIMEI()}
			return append(imeis, idText(q.EquipID)), e.c.ImportBundles(e.ctx, e.admin(t), panelclient.BundleImportParams{IMEIs: imeis, EquipID: q.EquipID, FactoryPreset: true})
		},
		func(t *testing.T, e *simEnv, got []string) {
			for _, imei := range got[:2] {
				b, err := e.c.ReadBundle(e.ctx, e.admin(t), imei)
				if err != nil || b.IMEI != imei || idText(b.EquipID) != got[2] {
					t.Errorf("imported %s reads back as %+v (%v)", imei, b, err)
				}
			}
		}),

	// --- dealer settings, branding, password, gateways -------------------------
	row("dealer/settings/service/read",
		func(t *testing.T, e *simEnv) (*panelclient.ServiceSettings, error) {
			return e.c.ReadServiceSettings(e.ctx, e.viewer(t))
		},
		func(t *testing.T, e *simEnv, got *panelclient.ServiceSettings) {
			if got.ServiceTitle == "" || got.Locale == "" || len(got.Maps) == 0 || got.DefaultMap.Type == "" || got.Currency == "" {
				t.Errorf("service settings %+v", got)
			}
		}),
	row("dealer/settings/service/update",
		func(t *testing.T, e *simEnv) (string, error) {
			h := e.admin(t)
			cur, err := e.c.ReadServiceSettings(e.ctx, h)
			if err != nil {
				t.Fatal(err)
			}
			u := cur.Update()
			u.ServiceTitle, u.AllowRegistration = "Contract Tracking", !cur.AllowRegistration
			return u.ServiceTitle, e.c.UpdateServiceSettings(e.ctx, h, u)
		},
		func(t *testing.T, e *simEnv, title string) {
			got, err := e.c.ReadServiceSettings(e.ctx, e.admin(t))
			if err != nil || got.ServiceTitle != title {
				t.Errorf("service settings read back as %+v, %v", got, err)
			}
		}),
	row("dealer/settings/notification/read",
		func(t *testing.T, e *simEnv) (*panelclient.NotificationSettings, error) {
			return e.c.ReadNotificationSettings(e.ctx, e.viewer(t))
		},
		func(t *testing.T, e *simEnv, got *panelclient.NotificationSettings) {
			if got.EmailFrom == "" || got.SMSOriginator == "" {
				t.Errorf("notification settings %+v", got)
			}
		}),
	row("dealer/settings/notification/update",
		func(t *testing.T, e *simEnv) (panelclient.NotificationSettings, error) {
			want := panelclient.NotificationSettings{EmailFrom: "Contract <no-reply@example.com>", EmailFooter: "Sincerely, the contract test",
				SMSOriginator: "contract.example", CallerID: "491761234543"}
			return want, e.c.UpdateNotificationSettings(e.ctx, e.admin(t), want)
		},
		func(t *testing.T, e *simEnv, want panelclient.NotificationSettings) {
			got, err := e.c.ReadNotificationSettings(e.ctx, e.admin(t))
			if err != nil || got.EmailFrom != want.EmailFrom || got.EmailFooter != want.EmailFooter || got.SMSOriginator != want.SMSOriginator || got.CallerID != want.CallerID {
				t.Errorf("notification settings read back as %+v, %v", got, err)
			}
		}),
	row("dealer/settings/image/upload",
		func(t *testing.T, e *simEnv) (struct{}, error) {
			return struct{}{}, e.c.UploadBrandingImage(e.ctx, e.admin(t), panelclient.ImageLogo, "logo.png", bytes.NewReader(tinyPNG(t)))
		},
		func(t *testing.T, e *simEnv, _ struct{}) {
			got, err := e.c.ReadServiceSettings(e.ctx, e.admin(t))
			if err != nil || !strings.HasSuffix(got.Logo, ".png") {
				t.Errorf("logo after the upload: %q, %v", got.Logo, err)
			}
		}),
	row("dealer/settings/image/delete",
		func(t *testing.T, e *simEnv) (struct{}, error) {
			h := e.admin(t)
			if err := e.c.UploadBrandingImage(e.ctx, h, panelclient.ImageDocumentLogo, "doc.png", bytes.NewReader(tinyPNG(t))); err != nil {
				t.Fatalf("uploading the image to delete: %v", err)
			}
			return struct{}{}, e.c.DeleteBrandingImage(e.ctx, h, panelclient.ImageDocumentLogo)
		},
		func(t *testing.T, e *simEnv, _ struct{}) {
			got, err := e.c.ReadServiceSettings(e.ctx, e.admin(t))
			if err != nil || got.DocumentLogo != "" {
				t.Errorf("document logo after the delete: %q, %v", got.DocumentLogo, err)
			}
		}),
	row("dealer/password/update",
		func(t *testing.T, e *simEnv) (string, error) {
			h := e.admin(t)
			return h, e.c.UpdateDealerPassword(e.ctx, h, "admin", strongPassword)
		},
		func(t *testing.T, e *simEnv, old string) {
			// The OpenAPI file: every panel session of the dealer ends,
			// the caller's included.
			_, err := e.c.GetPermissions(e.ctx, old)
			wantAPIError(t, err, 4, 400)
			if _, err := e.c.Auth(e.ctx, "admin", strongPassword); err != nil {
				t.Errorf("signing in with the new password: %v", err)
			}
		}),
	row("gateways/email/list",
		func(t *testing.T, e *simEnv) (*panelclient.EmailGateways, error) {
			return e.c.ListEmailGateways(e.ctx, e.viewer(t))
		},
		func(t *testing.T, e *simEnv, got *panelclient.EmailGateways) {
			if len(got.Own)+len(got.Leasable) == 0 {
				t.Fatal("no email gateway")
			}
			for _, g := range got.Own {
				if g.ID <= 0 || g.Provider == "" || g.Params.Host == "" {
					t.Errorf("own gateway %+v", g)
				}
			}
			for _, g := range got.Leasable {
				if g.ID <= 0 || g.DefaultFromAddress == "" {
					t.Errorf("leasable gateway %+v", g)
				}
			}
		}),

	// --- sub-dealers (subpaas) -------------------------------------------------
	row("subpaas/list",
		func(t *testing.T, e *simEnv) (*panelclient.SubpaasList, error) {
			return e.c.ListSubpaas(e.ctx, e.viewer(t), panelclient.SubpaasListParams{OrderBy: "subpaas_id", Ascending: panelclient.Ptr(true)})
		},
		func(t *testing.T, e *simEnv, got *panelclient.SubpaasList) {
			if len(got.List) == 0 || got.Count < len(got.List) || got.List[0].ID <= 0 || got.List[0].Title == "" || got.List[0].BlockType == "" {
				t.Fatalf("sub-dealers: %+v", got)
			}
			if !slices.IsSortedFunc(got.List, func(a, b panelclient.Subpaas) int { return a.ID - b.ID }) {
				t.Error("order_by subpaas_id, ascending: not sorted")
			}
		}),
	row("subpaas/read",
		func(t *testing.T, e *simEnv) ([2]panelclient.Subpaas, error) {
			want := e.subpaas(t, "")
			got, err := e.c.ReadSubpaas(e.ctx, e.viewer(t), want.ID)
			if err != nil {
				return [2]panelclient.Subpaas{}, err
			}
			return [2]panelclient.Subpaas{want, *got}, nil
		},
		func(t *testing.T, e *simEnv, got [2]panelclient.Subpaas) {
			want, read := got[0], got[1]
			if read.ID != want.ID || read.Title != want.Title || read.Login != want.Login || read.BlockType != want.BlockType {
				t.Errorf("read %+v, listed %+v", read, want)
			}
		}),
	row("subpaas/create",
		func(t *testing.T, e *simEnv) (int, error) {
			return e.c.CreateSubpaas(e.ctx, e.admin(t), panelclient.SubpaasCreateParams{Password: strongPassword, Title: "Contract Sub",
				Email: "sub@example.com", JurName: "Contract Sub Ltd", JurCountry: "Estonia", LinkMonitoring: "contract-sub.example.com"})
		},
		func(t *testing.T, e *simEnv, id int) {
			if id <= 0 {
				t.Fatalf("new sub-dealer id %d", id)
			}
			got, err := e.c.ReadSubpaas(e.ctx, e.admin(t), id)
			// subpaas.md: a new sub-dealer starts in INITIAL_BLOCK.
			if err != nil || got.Title != "Contract Sub" || got.BlockType != "INITIAL_BLOCK" {
				t.Errorf("new sub-dealer reads back as %+v, %v", got, err)
			}
		}),
	row("subpaas/update",
		func(t *testing.T, e *simEnv) (int, error) {
			listed := e.subpaas(t, "NOT_BLOCKED")
			// The list leaves out the contact and domain fields; read has them.
			sp, err := e.c.ReadSubpaas(e.ctx, e.admin(t), listed.ID)
			if err != nil {
				t.Fatalf("reading the sub-dealer to update: %v", err)
			}
			return sp.ID, e.c.UpdateSubpaas(e.ctx, e.admin(t), panelclient.SubpaasUpdateParams{SubpaasID: sp.ID, BlockType: sp.BlockType,
				Title: "Renamed Sub", Email: sp.Email, JurName: sp.JurName, JurCountry: sp.JurCountry, LinkMonitoring: sp.LinkMonitoring,
				ContactFio: "Ada Lovelace", ContactPost: sp.ContactPost, ContactPhone: sp.ContactPhone})
		},
		func(t *testing.T, e *simEnv, id int) {
			got, err := e.c.ReadSubpaas(e.ctx, e.admin(t), id)
			if err != nil || got.Title != "Renamed Sub" || got.ContactFio != "Ada Lovelace" {
				t.Errorf("updated sub-dealer reads back as %+v, %v", got, err)
			}
		}),
	row("subpaas/password/change",
		func(t *testing.T, e *simEnv) (struct{}, error) {
			return struct{}{}, e.c.ChangeSubpaasPassword(e.ctx, e.admin(t), e.subpaas(t, "NOT_BLOCKED").ID, "Zz9!newPassw0rd")
		}, nil),
	row("subpaas/session/create",
		func(t *testing.T, e *simEnv) (string, error) {
			return e.c.CreateSubpaasSession(e.ctx, e.admin(t), e.subpaas(t, "NOT_BLOCKED").ID)
		},
		func(t *testing.T, e *simEnv, h string) {
			if len(h) != 32 {
				t.Fatalf("sub-dealer session hash %q", h)
			}
			// The hash is a panel session of the sub-dealer.
			if _, err := e.c.DealerInfo(e.ctx, h); err != nil {
				t.Errorf("dealer/get_info with the sub-dealer's session: %v", err)
			}
		}),

	// --- user menu presets -------------------------------------------------------
	row("user/menu/preset/list",
		func(t *testing.T, e *simEnv) ([]panelclient.MenuPresetEntry, error) {
			return e.c.ListMenuPresets(e.ctx, e.viewer(t))
		},
		func(t *testing.T, e *simEnv, got []panelclient.MenuPresetEntry) {
			if len(got) == 0 || !slices.ContainsFunc(got, func(p panelclient.MenuPresetEntry) bool { return p.Owner == panelclient.PresetOwnerPlatform }) {
				t.Fatalf("presets %+v", got)
			}
			for _, p := range got {
				if p.Preset.ID <= 0 || p.Preset.Title == "" || len(p.Preset.Main) == 0 {
					t.Errorf("preset %+v", p)
				}
			}
		}),
	row("user/menu/preset/create",
		func(t *testing.T, e *simEnv) (int, error) {
			return e.c.CreateMenuPreset(e.ctx, e.tech(t), contractPreset("Contract menu"))
		},
		func(t *testing.T, e *simEnv, id int) {
			p := e.preset(t, id)
			if p == nil || p.Preset.Title != "Contract menu" || p.Owner != panelclient.PresetOwnerDealer || len(p.Preset.Main) != 1 || len(p.Preset.Footer.Items) != 1 {
				t.Errorf("new preset %d reads back as %+v", id, p)
			}
		}),
	row("user/menu/preset/update",
		func(t *testing.T, e *simEnv) (int, error) {
			p := contractPreset("Contract menu")
			id, err := e.c.CreateMenuPreset(e.ctx, e.tech(t), p)
			if err != nil {
				t.Fatalf("creating the preset to update: %v", err)
			}
			p.ID, p.Title = id, "Renamed menu"
			return id, e.c.UpdateMenuPreset(e.ctx, e.tech(t), p)
		},
		func(t *testing.T, e *simEnv, id int) {
			if p := e.preset(t, id); p == nil || p.Preset.Title != "Renamed menu" {
				t.Errorf("updated preset %d reads back as %+v", id, p)
			}
		}),
	row("user/menu/preset/delete",
		func(t *testing.T, e *simEnv) (int, error) {
			id, err := e.c.CreateMenuPreset(e.ctx, e.tech(t), contractPreset("Doomed menu"))
			if err != nil {
				t.Fatalf("creating the preset to delete: %v", err)
			}
			return id, e.c.DeleteMenuPreset(e.ctx, e.tech(t), id)
		},
		func(t *testing.T, e *simEnv, id int) {
			if p := e.preset(t, id); p != nil {
				t.Errorf("deleted preset %d still listed: %+v", id, p)
			}
		}),
	row("user/menu/preset/assign",
		func(t *testing.T, e *simEnv) ([2]int, error) {
			id, err := e.c.CreateMenuPreset(e.ctx, e.tech(t), contractPreset("Assigned menu"))
			if err != nil {
				t.Fatalf("creating the preset to assign: %v", err)
			}
			u := e.userWithMoney(t).ID
			return [2]int{id, u}, e.c.AssignMenuPreset(e.ctx, e.tech(t), id, panelclient.PresetForUsers(u))
		},
		func(t *testing.T, e *simEnv, got [2]int) {
			if p := e.preset(t, got[0]); p == nil || !slices.Contains(p.AssignedUsers(), got[1]) {
				t.Errorf("preset %d after assigning user %d: %+v", got[0], got[1], p)
			}
		}),
	row("user/menu/item/list",
		func(t *testing.T, e *simEnv) ([]panelclient.MenuItemDestination, error) {
			return e.c.ListMenuItems(e.ctx, e.viewer(t))
		},
		func(t *testing.T, e *simEnv, got []panelclient.MenuItemDestination) {
			if len(got) == 0 || !slices.ContainsFunc(got, func(d panelclient.MenuItemDestination) bool { return d.Destination == "dashboard" }) {
				t.Errorf("menu destinations %+v", got)
			}
			for _, d := range got {
				if d.Destination == "" || d.Title == "" {
					t.Errorf("destination %+v", d)
				}
			}
		}),
}

// newUserParams is a complete, valid user/create request (the markdown's
// example, as an individual).
func newUserParams(login string) panelclient.UserCreateParams {
	return panelclient.UserCreateParams{
		User: panelclient.UserForm{
			Activated: true, Login: login, LegalType: panelclient.LegalTypeIndividual,
			FirstName: "Ада", MiddleName: "", LastName: "Lovelace", Phone: "2135551234",
			PostCountry: "United States", PostIndex: "90001", PostRegion: "California",
			PostCity: "Los Angeles", PostStreetAddress: "1234 Sunset Blvd",
		},
		TimeZone: "America/Los_Angeles", Locale: "en_US", Password: strongPassword,
		Discount: &panelclient.Discount{Value: 5.5, MinTrackers: 10, Strategy: panelclient.DiscountSumWithProgressive},
		Comment:  "created by the contract test",
	}
}

func first[T any](s []T) any {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

// gsmTracker returns a live original hardware tracker with a phone, which
// register_retry and raw commands accept.
func (e *simEnv) gsmTracker(t testing.TB) panelsim.Tracker {
	t.Helper()
	for _, tr := range e.sim.Store().Trackers(0, 0) {
		s := tr.Source
		if tr.Clone || tr.Deleted || s == nil || s.Blocked || s.Corrupted || s.Phone == nil || *s.Phone == "" {
			continue
		}
		if strings.HasPrefix(s.Model, "navixymobile") || strings.HasPrefix(s.Model, "mobile_unknown") || strings.HasPrefix(s.Model, "iosnavixytracker") {
			continue
		}
		return tr
	}
	t.Fatal("seed has no GSM hardware tracker")
	return panelsim.Tracker{}
}

// has reports whether the emulator serves action, logging the skipped
// follow-up check when it does not.
func (e *simEnv) has(t testing.TB, action string) bool {
	t.Helper()
	if e.served[action] {
		return true
	}
	t.Logf("emulator lacks %s: follow-up check skipped", action)
	return false
}

// wantAPIError asserts err is an *APIError with code and HTTP status.
func wantAPIError(t testing.TB, err error, code, status int) *panelclient.APIError {
	t.Helper()
	var ae *panelclient.APIError
	if !errors.As(err, &ae) {
		t.Errorf("got %v (%T), want *APIError code %d", err, err, code)
		return nil
	}
	if ae.Code != code || ae.HTTPStatus != status {
		t.Errorf("got code %d HTTP %d (%v), want code %d HTTP %d", ae.Code, ae.HTTPStatus, ae, code, status)
	}
	return ae
}

// --- Differences between the markdown and the OpenAPI file ---------------

// difference is a place where the markdown and the OpenAPI file disagree.
// Each one is named here with the reading the emulator (and the client)
// follow, so the referee's verdict on it is a known, explained outcome
// rather than a silent skip.
type difference struct {
	name   string
	action string
	side   string // "request" or "response"
	// explains reports whether a validation problem is this difference;
	// nil when the file's schema is too loose to notice it.
	explains func(p problem) bool
	// shows reports whether a JSON body shows the difference.
	shows func(body map[string]any) bool
	// assertedBy names the row that checks a difference no body shows
	// (a permission), when explains and shows are nil.
	assertedBy string
	reason     string
}

var differences = []difference{
	{
		name: "batch_clone list shape", action: "tracker/batch_clone", side: "response",
		explains: func(p problem) bool { return strings.HasPrefix(p.Path, "$.list[") },
		shows: func(b map[string]any) bool {
			list, _ := b["list"].([]any)
			return b["success"] == true && len(list) > 0 && isNumber(list[0])
		},
		reason: "markdown (type table): list is an int array of the new clone ids, next to ignored_trackers; " +
			"the OpenAPI file: an array of per-tracker outcome objects. DESIGN.md: the emulator follows the markdown; the client reads both.",
	},
	{
		name: "batch_clone ignored_trackers", action: "tracker/batch_clone", side: "response",
		shows:  func(b map[string]any) bool { _, ok := b["ignored_trackers"]; return b["success"] == true && ok },
		reason: "markdown: ignored_trackers lists the trackers skipped with ignore_existing; the OpenAPI file does not have the field.",
	},
	{
		name: "discount field names (read)", action: "user/read", side: "response",
		shows: func(b map[string]any) bool {
			d, _ := b["discount"].(map[string]any)
			return hasKeys(d, "value", "min_trackers")
		},
		reason: "markdown: discount {value, min_trackers, end_date, strategy}; the OpenAPI file (UserDiscount): {percent, device_limit, end_date}. " +
			"The emulator answers the markdown names; the client reads both. The file's schema does not forbid extra fields, so the validator cannot see it.",
	},
	{
		name: "discount field names (create)", action: "user/create", side: "request",
		shows: func(b map[string]any) bool {
			d, _ := b["discount"].(map[string]any)
			return hasKeys(d, "value", "min_trackers", "strategy")
		},
		reason: "the client sends the markdown discount names (value, min_trackers, strategy), which the markdown's examples and the official console use, " +
			"not the OpenAPI file's percent/device_limit; the emulator reads the markdown names.",
	},
	{
		name: "transaction fields", action: "user/transaction/list", side: "response",
		shows: func(b map[string]any) bool {
			x := firstOf(b, "list")
			return hasKeys(x, "description", "subtype", "new_balance") && !hasKeys(x, "text")
		},
		reason: "markdown: a transaction has description, type, subtype, timestamp, user_id, dealer_id, tracker_id, amount, new/old balance and bonus; " +
			"the OpenAPI file (UserTransaction): id, user_id, amount, type, text, timestamp. The emulator answers the markdown fields (plus the OpenAPI id); " +
			"the client reads description or text.",
	},
	{
		name: "move answers the new id", action: "tracker/move", side: "response",
		shows:  func(b map[string]any) bool { return isNumber(b["id"]) },
		reason: "the markdown shows only {\"success\": true}; the OpenAPI file documents the tracker's NEW id, since a move creates a new tracker. DESIGN.md: follow the OpenAPI file.",
	},
	{
		name: "balance type values", action: "user/transaction/change_balance", side: "request",
		shows: func(b map[string]any) bool { return b["type"] == "balance" || b["type"] == "bonus" },
		reason: "the markdown: type is \"balance\" or \"bonus\"; the OpenAPI file gives no values and the example \"main\". " +
			"The client sends the markdown values and the emulator accepts only them.",
	},
	{
		name: "sub-dealer block_type DELETED (list)", action: "subpaas/list", side: "response",
		explains: func(p problem) bool {
			return strings.HasSuffix(p.Path, ".block_type") && strings.Contains(p.Text, "NOT_BLOCKED")
		},
		shows: func(b map[string]any) bool {
			list, _ := b["list"].([]any)
			return slices.ContainsFunc(list, func(v any) bool { o, _ := v.(map[string]any); return o["block_type"] == "DELETED" })
		},
		reason: "both the markdown and the OpenAPI file list block_type as NOT_BLOCKED, INITIAL_BLOCK, BLOCK_LOGIN or CLIENTS_BLOCKED, " +
			"but subpaas/update documents DELETED as a status a sub-dealer may have and the official console shows it (\"Removed\"). " +
			"The emulator lists deleted sub-dealers with block_type DELETED; the client reads it as a plain string.",
	},
	{
		name: "menu item list path and shape", action: "user/menu/item/list", side: "response",
		shows: func(b map[string]any) bool { _, ok := b["list"].([]any); return ok },
		reason: "the markdown (preset.md) names the action items/list and shows a bare JSON array; the OpenAPI file has user/menu/item/list " +
			"answering {success, list}. The client calls the OpenAPI path and reads list; the emulator serves that.",
	},
	{
		name: "user/create permission", action: "user/create", side: "request",
		assertedBy: "contractRows user/create (as tech) and errorRows user/create/viewer",
		reason: "the markdown requires users: corrupt, global; the official console gates creation on users: create and employees may add users. " +
			"DESIGN.md: require users: create. The row creates a user as tech, who has users: create and not users: corrupt.",
	},
	{
		name: "active history permission", action: "tracker/active/history/list", side: "request",
		assertedBy: "errorRows tracker/active/history/list/viewer lacks trackers: report",
		reason: "the markdown requires trackers: read; the OpenAPI file trackers: report, \"distinct from read\". " +
			"The emulator requires both, so the viewer (read only) gets 13; admin and tech have both.",
	},
	{
		name: "order lists its bundles", action: "order/read", side: "response",
		shows: func(b map[string]any) bool {
			v, _ := b["value"].(map[string]any)
			_, ok := v["bundles"]
			return ok
		},
		reason: "markdown (order.md's example): an order carries the bundles attached to it; the OpenAPI file's Order has line items (positions) " +
			"instead and does not forbid other fields, so the validator cannot see it. The client reads both.",
	},
	{
		name: "menu item catalogue path", action: "user/menu/item/list", side: "request",
		assertedBy: "contractRows user/menu/item/list",
		reason: "the markdown: user/menu/preset/items/list answering a bare array; the OpenAPI file: user/menu/item/list (\"not under menu/preset/\") " +
			"answering {list}. The client and the emulator follow the OpenAPI file.",
	},
	{
		name: "preset footer shape", action: "user/menu/preset/list", side: "response",
		assertedBy: "panelclient TestSettingsMethodsRequestShapeAndDecode (preset list, both footer shapes)",
		reason: "the markdown's type table: footer is an array of items (its create example sends []); its list example and the OpenAPI file: " +
			"one group object. The emulator answers the object; the client reads both and sends the object.",
	},
	{
		name: "subpaas/update password", action: "subpaas/update", side: "request",
		assertedBy: "contractRows subpaas/update",
		reason: "the markdown lists password among subpaas/update's parameters; the OpenAPI file requires block_type and takes no password " +
			"(use subpaas/password/change). The client never sends it.",
	},
	notInOpenAPI("tracker/bundle/list", "request"), notInOpenAPI("tracker/bundle/list", "response"),
	notInOpenAPI("tracker/bundle/read", "request"), notInOpenAPI("tracker/bundle/read", "response"),
	notInOpenAPI("tracker/bundle/assign", "request"), notInOpenAPI("tracker/bundle/assign", "response"),
	notInOpenAPI("tracker/bundle/update", "request"), notInOpenAPI("tracker/bundle/update", "response"),
	notInOpenAPI("tracker/bundle/order/assign", "request"), notInOpenAPI("tracker/bundle/order/assign", "response"),
	notInOpenAPI("tracker/bundle/import", "request"), notInOpenAPI("tracker/bundle/import", "response"),
	notInOpenAPI("equipment/list", "request"), notInOpenAPI("equipment/list", "response"),
}

func isNumber(v any) bool { _, ok := v.(float64); return ok }

// differenceLog records which named differences the rows met.
type differenceLog struct {
	mu   sync.Mutex
	seen map[string]bool
	ran  map[string]bool // actions whose row ran to the end
}

func (l *differenceLog) markSeen(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen[name] = true
}

func (l *differenceLog) markRan(action string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ran[action] = true
}

// referee judges every exchange recorded in e: each problem must be a named
// difference, and each difference shown is recorded.
func referee(t *testing.T, e *simEnv, log *differenceLog, checkRequests bool) {
	t.Helper()
	for _, x := range e.rec.exchanges() {
		if x.Err != nil {
			continue
		}
		action := x.Action()
		if err := fieldsNotRead(x); err != nil {
			t.Errorf("%s: the client does not read everything the emulator answers: %v\n  response: %.400s", action, err, x.RespBody())
		}
		bodies := map[string]map[string]any{"request": decodeObject(x.Body), "response": decodeObject(x.RespBody())}
		for _, d := range differences {
			if d.action == action && d.shows != nil && bodies[d.side] != nil && d.shows(bodies[d.side]) {
				log.markSeen(d.name)
				t.Logf("%s: known difference %q", action, d.name)
			}
		}
	problems:
		for _, p := range judge(t, x) {
			if p.Side == "request" && !checkRequests {
				continue
			}
			for _, d := range differences {
				if d.action == action && d.side == p.Side && d.explains != nil && d.explains(p) {
					log.markSeen(d.name)
					t.Logf("%s: %s: known difference %q", action, p, d.name)
					continue problems
				}
			}
			t.Errorf("%s (HTTP %d) disagrees with the OpenAPI file: %s\n  request:  %.400s\n  response: %.400s",
				action, x.Status, p, x.Body, x.RespBody())
		}
	}
}

// --- Every field the emulator sends is one the client reads ----------------

// ok is the envelope of every successful answer.
type ok struct {
	Success bool `json:"success"`
}

// answerShapes are the client's types for the successful answer of each
// action, wrapped as the client decodes them. The referee decodes every
// successful answer into them with unknown fields disallowed: a field the
// emulator sends that the client does not read is a name mismatch between
// the two readings of the docs (or a field to add to the client). Types
// with their own UnmarshalJSON (Discount, Transaction, BatchCloneResult)
// read both references' names and are not checked inside.
var answerShapes = map[string]func() any{
	"account/auth": func() any {
		return &struct {
			ok
			panelclient.AuthResult
		}{}
	},
	"account/get_permissions": func() any {
		return &struct {
			ok
			Permissions panelclient.Permissions `json:"permissions"`
		}{}
	},
	"account/logout": func() any { return &ok{} },
	"dealer/get_info": func() any {
		return &struct {
			ok
			panelclient.Dealer
			// Deliberately not decoded by the client (an on-premise
			// service credential, see Dealer).
			StandaloneToken json.RawMessage `json:"standalone_token"`
		}{}
	},
	"timezone/list": func() any {
		return &struct {
			ok
			List []panelclient.Timezone `json:"list"`
		}{}
	},
	"user/list": func() any {
		return &struct {
			ok
			panelclient.UserList
		}{}
	},
	"user/read": func() any {
		return &struct {
			ok
			panelclient.UserDetails
		}{}
	},
	"user/create":          idAnswer,
	"user/update":          func() any { return &ok{} },
	"user/change_password": func() any { return &ok{} },
	"user/corrupt":         func() any { return &ok{} },
	"user/session/create": func() any {
		return &struct {
			ok
			Hash string `json:"hash"`
		}{}
	},
	"user/upload": func() any {
		return &struct {
			ok
			panelclient.UploadResult
		}{}
	},
	"user/transaction/list": func() any {
		return &struct {
			ok
			List []panelclient.Transaction `json:"list"`
		}{}
	},
	"user/transaction/change_balance": func() any { return &ok{} },
	"user/mfa/settings/update":        func() any { return &ok{} },
	"user/mfa/settings/default/read": func() any {
		return &struct {
			ok
			Value *panelclient.MFASettings `json:"value"`
		}{}
	},
	"user/mfa/settings/default/update": func() any { return &ok{} },
	"tariff/list": func() any {
		return &struct {
			ok
			panelclient.TariffList
		}{}
	},
	"tariff/read": func() any {
		return &struct {
			ok
			Value panelclient.Plan `json:"value"`
		}{}
	},
	"tariff/create": idAnswer,
	"tariff/update": func() any { return &ok{} },
	"tariff/defaults/read": func() any {
		return &struct {
			ok
			panelclient.TariffDefaultsSet
		}{}
	},
	"tariff/defaults/update": func() any { return &ok{} },
	"tracker/list": func() any {
		return &struct {
			ok
			panelclient.TrackerList
		}{}
	},
	"tracker/read": func() any {
		return &struct {
			ok
			Value panelclient.Tracker `json:"value"`
		}{}
	},
	"tracker/clone":        idAnswer,
	"tracker/delete_clone": func() any { return &ok{} },
	"tracker/batch_delete_clones": func() any {
		return &struct {
			ok
			panelclient.BatchDeleteResult
		}{}
	},
	"tracker/corrupt":         func() any { return &ok{} },
	"tracker/move":            idAnswer,
	"tracker/register_retry":  func() any { return &ok{} },
	"tracker/settings/update": func() any { return &ok{} },
	"tracker/source/update":   func() any { return &ok{} },
	"tracker/tariff/change":   func() any { return &ok{} },
	"tracker/console/connect": func() any {
		return &struct {
			ok
			panelclient.ConsoleSession
		}{}
	},
	"tracker/active/history/list": func() any {
		return &struct {
			ok
			panelclient.ActiveHistory
		}{}
	},
	"tracker/raw_command/send": func() any { return &ok{} },
	"dealer/activation_code/list": func() any {
		return &struct {
			ok
			panelclient.ActivationCodeList
		}{}
	},
	"dealer/activation_code/create": countAnswer,
	"dealer/activation_code/update": countAnswer,
	"equipment/list": func() any {
		return &struct {
			ok
			List []panelclient.Equipment `json:"list"`
		}{}
	},
	"order/read": func() any {
		return &struct {
			ok
			Value panelclient.Order `json:"value"`
		}{}
	},
	"tracker/bundle/list": func() any {
		return &struct {
			ok
			panelclient.BundleList
		}{}
	},
	"tracker/bundle/read": func() any {
		return &struct {
			ok
			Value panelclient.Bundle `json:"value"`
		}{}
	},
	"tracker/bundle/assign":       func() any { return &ok{} },
	"tracker/bundle/update":       func() any { return &ok{} },
	"tracker/bundle/order/assign": func() any { return &ok{} },
	"tracker/bundle/import":       func() any { return &ok{} },
	"dealer/settings/service/read": func() any {
		return &struct {
			ok
			Value panelclient.ServiceSettings `json:"value"`
		}{}
	},
	"dealer/settings/service/update": func() any { return &ok{} },
	"dealer/settings/notification/read": func() any {
		return &struct {
			ok
			Value panelclient.NotificationSettings `json:"value"`
		}{}
	},
	"dealer/settings/notification/update": func() any { return &ok{} },
	"dealer/settings/image/upload":        func() any { return &ok{} },
	"dealer/settings/image/delete":        func() any { return &ok{} },
	"dealer/password/update":              func() any { return &ok{} },
	// SMTPParams (inside) reads the documented keys itself.
	"gateways/email/list": func() any {
		return &struct {
			ok
			panelclient.EmailGateways
		}{}
	},
	"subpaas/list": func() any {
		return &struct {
			ok
			panelclient.SubpaasList
		}{}
	},
	"subpaas/read": func() any {
		return &struct {
			ok
			Value panelclient.Subpaas `json:"value"`
		}{}
	},
	"subpaas/create":          idAnswer,
	"subpaas/update":          func() any { return &ok{} },
	"subpaas/password/change": func() any { return &ok{} },
	"subpaas/session/create": func() any {
		return &struct {
			ok
			Hash string `json:"hash"`
		}{}
	},
	// MenuPreset (inside) reads either footer shape itself.
	"user/menu/preset/list": func() any {
		return &struct {
			ok
			List []panelclient.MenuPresetEntry `json:"list"`
		}{}
	},
	"user/menu/preset/create": idAnswer,
	"user/menu/preset/update": func() any { return &ok{} },
	"user/menu/preset/delete": func() any { return &ok{} },
	"user/menu/preset/assign": func() any { return &ok{} },
	"user/menu/item/list": func() any {
		return &struct {
			ok
			List []panelclient.MenuItemDestination `json:"list"`
		}{}
	},
}

func countAnswer() any {
	return &struct {
		ok
		Count int `json:"count"`
	}{}
}

func idAnswer() any {
	return &struct {
		ok
		ID int `json:"id"`
	}{}
}

// fieldsNotRead decodes a successful JSON answer into the client's type
// with unknown fields disallowed; nil when the client reads every field
// (or the answer is not a successful JSON one of a known action).
func fieldsNotRead(x *exchange) error {
	shape, known := answerShapes[x.Action()]
	if !known || x.Status != 200 || !strings.Contains(x.RespHeader.Get("Content-Type"), "json") {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(x.RespBody()))
	dec.DisallowUnknownFields()
	return dec.Decode(shape())
}

// TestContract drives every row through the client against its own
// emulator and referees every exchange with the OpenAPI file.
func TestContract(t *testing.T) {
	t.Parallel()
	preloadOpenAPI()
	log := &differenceLog{seen: map[string]bool{}, ran: map[string]bool{}}
	served := servedActions()
	t.Run("rows", func(t *testing.T) {
		for _, r := range contractRows {
			t.Run(r.action, func(t *testing.T) {
				t.Parallel()
				if !served[r.action] {
					t.Skipf("emulator lacks %s", r.action)
				}
				e := newSimEnv(t)
				defer func() {
					// Runs after a Fatal or Skip too: whatever was sent is judged.
					referee(t, e, log, true)
					called := slices.ContainsFunc(e.rec.exchanges(), func(x *exchange) bool { return x.Action() == r.action })
					if !called && !t.Skipped() {
						t.Errorf("the row never called %s", r.action)
					}
				}()
				r.run(t, e)
				if !t.Failed() {
					log.markRan(r.action)
				}
			})
		}
	})
	openAPI(t)
	for _, f := range specFixes {
		t.Logf("OpenAPI file repaired before use: %s", f)
	}
	// Every named difference whose row passed must have shown up: one that
	// no longer does is stale and must go (or the emulator changed reading).
	for _, d := range differences {
		switch {
		case d.assertedBy != "":
			t.Logf("difference %q (%s): %s [asserted by %s]", d.name, d.action, d.reason, d.assertedBy)
		case log.seen[d.name]:
			t.Logf("difference %q (%s %s): %s", d.name, d.action, d.side, d.reason)
		case log.ran[d.action]:
			t.Errorf("difference %q (%s) was not observed although its row ran: update the differences table", d.name, d.action)
		default:
			t.Logf("difference %q (%s) not exercised: its row did not run", d.name, d.action)
		}
	}
}

// servedActions is what a default emulator serves.
func servedActions() map[string]bool {
	m := map[string]bool{}
	for _, a := range panelsim.New(panelsim.WithSeed(panelsim.SeedConfig{Users: 1, Trackers: -1})).Actions() {
		m[a] = true
	}
	return m
}

// --- Documented errors -----------------------------------------------------

// errorRow is one documented failure, provoked through the client.
type errorRow struct {
	action string
	name   string
	call   func(t *testing.T, e *simEnv) error
	code   int
	status int
	// check asserts more on the error (Errors[], List...); may be nil.
	check func(t *testing.T, e *simEnv, ae *panelclient.APIError)
}

// hasFieldError asserts that Errors[] names a parameter containing name.
func hasFieldError(name string) func(t *testing.T, e *simEnv, ae *panelclient.APIError) {
	return func(t *testing.T, e *simEnv, ae *panelclient.APIError) {
		t.Helper()
		for _, f := range ae.Errors {
			if strings.Contains(f.Parameter, name) && f.Error != "" {
				return
			}
		}
		t.Errorf("errors[] %+v does not name %q", ae.Errors, name)
	}
}

const missingID = 987654

var errorRows = []errorRow{
	// account
	{action: "account/auth", name: "wrong password", code: 12, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.Auth(e.ctx, "admin", "not-the-password")
			return err
		}},
	{action: "account/get_permissions", name: "malformed hash", code: 3, status: 400,
		call: func(t *testing.T, e *simEnv) error { _, err := e.c.GetPermissions(e.ctx, "not-a-hash"); return err }},
	{action: "account/logout", name: "logout twice", code: 4, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			h := e.viewer(t)
			if err := e.c.Logout(e.ctx, h); err != nil {
				t.Fatal(err)
			}
			return e.c.Logout(e.ctx, h)
		}},
	{action: "account/auth", name: "dealer blocked", code: 11, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			e.sim.SetDealerBlocked(true)
			_, err := e.c.Auth(e.ctx, "admin", "admin")
			return err
		}},
	// dealer
	{action: "dealer/get_info", name: "account without base: get_dealer_info", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			e.sim.AddAccount("nobody", "nobody", nil)
			_, err := e.c.DealerInfo(e.ctx, e.hash(t, "nobody"))
			return err
		}},
	{action: "dealer/get_info", name: "after logout", code: 4, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			h := e.admin(t)
			_ = e.c.Logout(e.ctx, h)
			_, err := e.c.DealerInfo(e.ctx, h)
			return err
		}},
	// timezone: only general errors are documented; inject one.
	{action: "timezone/list", name: "rate limited (injected code 15)", code: 15, status: 429,
		call: func(t *testing.T, e *simEnv) error {
			e.sim.SetFault("timezone/list", panelsim.Fault{Code: 15})
			_, err := e.c.Timezones(e.ctx, "en")
			return err
		}},

	// user
	{action: "user/list", name: "after logout", code: 4, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			h := e.viewer(t)
			_ = e.c.Logout(e.ctx, h)
			_, err := e.c.ListUsers(e.ctx, h, panelclient.UserListParams{})
			return err
		}},
	{action: "user/read", name: "missing user", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error { _, err := e.c.ReadUser(e.ctx, e.viewer(t), missingID); return err }},
	{action: "user/create", name: "viewer", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.CreateUser(e.ctx, e.viewer(t), newUserParams("contract.viewer@example.com"))
			return err
		}},
	{action: "user/create", name: "invalid login", code: 7, status: 400, check: hasFieldError("login"),
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.CreateUser(e.ctx, e.tech(t), newUserParams("not an email"))
			return err
		}},
	{action: "user/create", name: "login in use", code: 206, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.CreateUser(e.ctx, e.tech(t), newUserParams(e.userWithMoney(t).Login))
			return err
		}},
	{action: "user/create", name: "weak password", code: 7, status: 400, check: hasFieldError("password"),
		call: func(t *testing.T, e *simEnv) error {
			p := newUserParams("contract.weak@example.com")
			p.Password = "password"
			_, err := e.c.CreateUser(e.ctx, e.tech(t), p)
			return err
		}},
	{action: "user/update", name: "login of another user", code: 206, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			e.need(t, "user/read")
			u := e.plainUser(t)
			other := e.plainUser(t, u.ID)
			cur, err := e.c.ReadUser(e.ctx, e.tech(t), u.ID)
			if err != nil {
				t.Fatal(err)
			}
			f := cur.User.Form()
			f.Login = other.Login
			return e.c.UpdateUser(e.ctx, e.tech(t), panelclient.UserUpdateParams{User: f})
		}},
	{action: "user/update", name: "missing user", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			f := newUserParams("contract.missing@example.com").User
			f.ID = missingID
			return e.c.UpdateUser(e.ctx, e.tech(t), panelclient.UserUpdateParams{User: f})
		}},
	{action: "user/update", name: "viewer", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			f := newUserParams("contract.viewer@example.com").User
			f.ID = e.userWithMoney(t).ID
			return e.c.UpdateUser(e.ctx, e.viewer(t), panelclient.UserUpdateParams{User: f})
		}},
	{action: "user/change_password", name: "missing user", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.ChangeUserPassword(e.ctx, e.tech(t), panelclient.UserPasswordParams{UserID: missingID, Password: strongPassword})
		}},
	{action: "user/corrupt", name: "tech may not delete users", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			u := e.userWithMoney(t)
			return e.c.CorruptUser(e.ctx, e.tech(t), panelclient.UserCorruptParams{UserID: u.ID, Login: u.Login})
		}},
	{action: "user/corrupt", name: "missing user", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.CorruptUser(e.ctx, e.admin(t), panelclient.UserCorruptParams{UserID: missingID, Login: "nobody@example.com"})
		}},
	{action: "user/corrupt", name: "trackers have clones, corrupt_clones false", code: 253, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			u, ok := e.sim.Store().User(e.originalWithClone(t).UserID)
			if !ok {
				t.Fatal("owner not found")
			}
			return e.c.CorruptUser(e.ctx, e.admin(t), panelclient.UserCorruptParams{UserID: u.ID, Login: u.Login, CorruptClones: panelclient.Ptr(false)})
		}},
	{action: "user/session/create", name: "missing user", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.CreateUserSession(e.ctx, e.tech(t), missingID)
			return err
		}},
	{action: "user/export", name: "after logout", code: 4, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			h := e.viewer(t)
			_ = e.c.Logout(e.ctx, h)
			d, err := e.c.ExportUsers(e.ctx, h, panelclient.UserExportParams{})
			if d != nil {
				d.Body.Close()
			}
			return err
		}},
	{action: "user/upload", name: "empty file", code: 274, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.UploadUsers(e.ctx, e.tech(t), "users.csv", strings.NewReader(uploadHeader))
			return err
		}},
	{action: "user/upload", name: "duplicate login in the file", code: 273, status: 400,
		check: func(t *testing.T, e *simEnv, ae *panelclient.APIError) {
			if ae.RowNumber != 3 {
				t.Errorf("row_number %d, want 3 (the second copy)", ae.RowNumber)
			}
		},
		call: func(t *testing.T, e *simEnv) error {
			row := "contract.dup@example.com;" + strongPassword + ";1;1;Lovelace;Ada\n"
			_, err := e.c.UploadUsers(e.ctx, e.tech(t), "users.csv", strings.NewReader(uploadHeader+row+row))
			return err
		}},
	{action: "user/upload", name: "required column missing", code: 7, status: 400, check: hasFieldError("users_import."),
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.UploadUsers(e.ctx, e.tech(t), "users.csv", strings.NewReader("Email address*;Surname*;Name*\ncontract.cols@example.com;Lovelace;Ada\n"))
			return err
		}},
	{action: "user/upload", name: "viewer", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.UploadUsers(e.ctx, e.viewer(t), "users.csv", strings.NewReader("x"))
			return err
		}},
	{action: "user/transaction/list", name: "missing user", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ListUserTransactions(e.ctx, e.viewer(t), panelclient.TransactionListParams{UserID: missingID, From: "2026-01-01 00:00:00", To: "2026-02-01 00:00:00"})
			return err
		}},
	{action: "user/transaction/change_balance", name: "insufficient funds", code: 251, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			u := e.userWithMoney(t)
			return e.c.ChangeUserBalance(e.ctx, e.tech(t), panelclient.BalanceChangeParams{UserID: u.ID, Amount: -(u.Balance + 1000), Type: panelclient.BalanceMoney, Text: "withdraw too much"})
		}},
	{action: "user/transaction/change_balance", name: "text too short", code: 7, status: 400, check: hasFieldError("text"),
		call: func(t *testing.T, e *simEnv) error {
			return e.c.ChangeUserBalance(e.ctx, e.tech(t), panelclient.BalanceChangeParams{UserID: e.userWithMoney(t).ID, Amount: 1, Type: panelclient.BalanceMoney, Text: "abc"})
		}},
	{action: "user/transaction/change_balance", name: "viewer", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.ChangeUserBalance(e.ctx, e.viewer(t), panelclient.BalanceChangeParams{UserID: e.userWithMoney(t).ID, Amount: 1, Type: panelclient.BalanceMoney, Text: "a payment"})
		}},
	{action: "user/mfa/settings/update", name: "viewer", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateUserMFASettings(e.ctx, e.viewer(t), panelclient.MFAAllUsers(), panelclient.MFASettings{Type: panelclient.MFADisallowed})
		}},
	{action: "user/mfa/settings/update", name: "missing user", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateUserMFASettings(e.ctx, e.tech(t), panelclient.MFASelectedUsers(missingID), panelclient.MFASettings{Type: panelclient.MFADisallowed})
		}},
	{action: "user/mfa/settings/default/read", name: "after logout", code: 4, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			h := e.viewer(t)
			_ = e.c.Logout(e.ctx, h)
			_, err := e.c.ReadDefaultMFASettings(e.ctx, h)
			return err
		}},
	{action: "user/mfa/settings/default/update", name: "viewer", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateDefaultMFASettings(e.ctx, e.viewer(t), panelclient.MFASettings{Type: panelclient.MFADisallowed})
		}},

	// tariff
	{action: "tariff/list", name: "after logout", code: 4, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			h := e.viewer(t)
			_ = e.c.Logout(e.ctx, h)
			_, err := e.c.ListTariffs(e.ctx, h, panelclient.TariffListParams{})
			return err
		}},
	{action: "tariff/read", name: "missing plan", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ReadTariff(e.ctx, e.viewer(t), missingID)
			return err
		}},
	{action: "tariff/create", name: "tech may not touch plans", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.CreateTariff(e.ctx, e.tech(t), panelclient.Plan{Name: "X", Type: panelclient.PlanMonthly, StorePeriod: "1m", DeviceType: panelclient.DeviceTracker})
			return err
		}},
	{action: "tariff/create", name: "duplicate name", code: 244, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			p := e.planOf(t, "tracker")
			_, err := e.c.CreateTariff(e.ctx, e.admin(t), panelclient.Plan{Name: p.Name, Active: true, Type: panelclient.PlanMonthly, Price: 1, DeviceLimit: 10, StorePeriod: "1m", DeviceType: panelclient.DeviceTracker})
			return err
		}},
	{action: "tariff/create", name: "activeday plan for cameras", code: 214, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.CreateTariff(e.ctx, e.admin(t), panelclient.Plan{Name: "Camera by the day", Active: true, Type: panelclient.PlanActiveDay, Price: 1, StorePeriod: "1m", DeviceType: panelclient.DeviceCamera})
			return err
		}},
	{action: "tariff/update", name: "duplicate name", code: 244, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			e.need(t, "tariff/read")
			plans := e.sim.Store().Tariffs()
			p, err := e.c.ReadTariff(e.ctx, e.admin(t), plans[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			p.Name = plans[1].Name
			return e.c.UpdateTariff(e.ctx, e.admin(t), *p)
		}},
	{action: "tariff/update", name: "missing plan", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateTariff(e.ctx, e.admin(t), panelclient.Plan{ID: missingID, Name: "Gone", Type: panelclient.PlanMonthly, StorePeriod: "1m"})
		}},
	{action: "tariff/defaults/read", name: "after logout", code: 4, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			h := e.viewer(t)
			_ = e.c.Logout(e.ctx, h)
			_, err := e.c.ReadTariffDefaults(e.ctx, h)
			return err
		}},
	{action: "tariff/defaults/update", name: "plan does not exist", code: 239, status: 404,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateTariffDefaults(e.ctx, e.admin(t), panelclient.TariffDefaultsSet{Tracker: &panelclient.TariffDefaults{TariffID: missingID}})
		}},
	{action: "tariff/defaults/update", name: "camera plan for trackers", code: 237, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateTariffDefaults(e.ctx, e.admin(t), panelclient.TariffDefaultsSet{Tracker: &panelclient.TariffDefaults{TariffID: e.planOf(t, "camera").ID}})
		}},

	// tracker
	{action: "tracker/list", name: "missing user", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ListTrackers(e.ctx, e.viewer(t), panelclient.TrackerListParams{UserID: missingID})
			return err
		}},
	{action: "tracker/list", name: "missing plan", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ListTrackers(e.ctx, e.viewer(t), panelclient.TrackerListParams{TariffID: missingID})
			return err
		}},
	{action: "tracker/read", name: "missing tracker", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ReadTracker(e.ctx, e.viewer(t), missingID)
			return err
		}},
	{action: "tracker/read", name: "corrupted tracker", code: 252, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ReadTracker(e.ctx, e.viewer(t), e.corrupted(t).ID)
			return err
		}},
	{action: "tracker/clone", name: "user already has a clone", code: 247, status: 409,
		call: func(t *testing.T, e *simEnv) error {
			c := e.clone(t)
			_, err := e.c.CloneTracker(e.ctx, e.tech(t), panelclient.TrackerCloneParams{TrackerID: e.originalOf(t, c).ID, UserID: c.UserID, Label: "Twice"})
			return err
		}},
	{action: "tracker/clone", name: "corrupted tracker", code: 252, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			o := e.corrupted(t)
			_, err := e.c.CloneTracker(e.ctx, e.tech(t), panelclient.TrackerCloneParams{TrackerID: o.ID, UserID: e.otherUser(t, o).ID, Label: "Ghost"})
			return err
		}},
	{action: "tracker/batch_clone", name: "more than 1000 trackers", code: 7, status: 400, check: hasFieldError("tracker_ids"),
		call: func(t *testing.T, e *simEnv) error {
			ids := make([]int, 1001)
			for i := range ids {
				ids[i] = i + 1
			}
			o := e.original(t)
			_, err := e.c.BatchCloneTrackers(e.ctx, e.tech(t), panelclient.BatchCloneParams{UserID: e.otherUser(t, o).ID, TrackerIDs: ids})
			return err
		}},
	{action: "tracker/clone", name: "clone of a clone", code: 219, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			c := e.clone(t)
			_, err := e.c.CloneTracker(e.ctx, e.tech(t), panelclient.TrackerCloneParams{TrackerID: c.ID, UserID: e.otherUser(t, c).ID, Label: "Again"})
			return err
		}},
	{action: "tracker/clone", name: "to its own owner", code: 246, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			o := e.original(t)
			_, err := e.c.CloneTracker(e.ctx, e.tech(t), panelclient.TrackerCloneParams{TrackerID: o.ID, UserID: o.UserID, Label: "Self"})
			return err
		}},
	{action: "tracker/batch_clone", name: "clone exists", code: 247, status: 409,
		check: func(t *testing.T, e *simEnv, ae *panelclient.APIError) {
			if len(ae.List) == 0 {
				t.Errorf("247 without the list of conflicting trackers: %+v", ae)
			}
		},
		call: func(t *testing.T, e *simEnv) error {
			c := e.clone(t)
			orig := e.originalOf(t, c)
			_, err := e.c.BatchCloneTrackers(e.ctx, e.tech(t), panelclient.BatchCloneParams{UserID: c.UserID, TrackerIDs: []int{orig.ID}})
			return err
		}},
	{action: "tracker/batch_clone", name: "nonexistent tracker", code: 217, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			o := e.original(t)
			_, err := e.c.BatchCloneTrackers(e.ctx, e.tech(t), panelclient.BatchCloneParams{UserID: e.otherUser(t, o).ID, TrackerIDs: []int{o.ID, missingID}})
			return err
		}},
	{action: "tracker/batch_clone", name: "viewer", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			o := e.original(t)
			_, err := e.c.BatchCloneTrackers(e.ctx, e.viewer(t), panelclient.BatchCloneParams{UserID: e.otherUser(t, o).ID, TrackerIDs: []int{o.ID}})
			return err
		}},
	{action: "tracker/delete_clone", name: "not a clone", code: 249, status: 403,
		call: func(t *testing.T, e *simEnv) error { return e.c.DeleteClone(e.ctx, e.tech(t), e.original(t).ID) }},
	{action: "tracker/delete_clone", name: "missing tracker", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error { return e.c.DeleteClone(e.ctx, e.tech(t), missingID) }},
	{action: "tracker/batch_delete_clones", name: "viewer", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.BatchDeleteClones(e.ctx, e.viewer(t), []int{e.clone(t).ID})
			return err
		}},
	{action: "tracker/corrupt", name: "tech may not remove trackers", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.CorruptTracker(e.ctx, e.tech(t), panelclient.TrackerCorruptParams{TrackerID: e.original(t).ID})
		}},
	{action: "tracker/corrupt", name: "has clones, corrupt_clones false", code: 253, status: 400,
		check: func(t *testing.T, e *simEnv, ae *panelclient.APIError) {
			if len(ae.List) == 0 {
				t.Errorf("253 without the list of clones: %+v", ae)
			}
		},
		call: func(t *testing.T, e *simEnv) error {
			return e.c.CorruptTracker(e.ctx, e.admin(t), panelclient.TrackerCorruptParams{TrackerID: e.originalWithClone(t).ID, CorruptClones: panelclient.Ptr(false)})
		}},
	{action: "tracker/corrupt", name: "a clone", code: 219, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.CorruptTracker(e.ctx, e.admin(t), panelclient.TrackerCorruptParams{TrackerID: e.clone(t).ID})
		}},
	{action: "tracker/move", name: "a clone", code: 219, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			c := e.clone(t)
			_, err := e.c.MoveTracker(e.ctx, e.tech(t), panelclient.TrackerMoveParams{TrackerID: c.ID, UserID: e.otherUser(t, c).ID})
			return err
		}},
	{action: "tracker/move", name: "to its own owner", code: 246, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			o := e.original(t)
			_, err := e.c.MoveTracker(e.ctx, e.tech(t), panelclient.TrackerMoveParams{TrackerID: o.ID, UserID: o.UserID})
			return err
		}},
	{action: "tracker/move", name: "user already has a clone", code: 247, status: 409,
		call: func(t *testing.T, e *simEnv) error {
			c := e.clone(t)
			_, err := e.c.MoveTracker(e.ctx, e.tech(t), panelclient.TrackerMoveParams{TrackerID: e.originalOf(t, c).ID, UserID: c.UserID})
			return err
		}},
	{action: "tracker/register_retry", name: "blocked device", code: 208, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.RetryTrackerRegistration(e.ctx, e.tech(t), panelclient.RegisterRetryParams{TrackerID: e.blocked(t).ID})
		}},
	{action: "tracker/register_retry", name: "missing tracker", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.RetryTrackerRegistration(e.ctx, e.tech(t), panelclient.RegisterRetryParams{TrackerID: missingID})
		}},
	{action: "tracker/register_retry", name: "a clone", code: 219, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.RetryTrackerRegistration(e.ctx, e.tech(t), panelclient.RegisterRetryParams{TrackerID: e.clone(t).ID})
		}},
	{action: "tracker/settings/update", name: "missing tracker", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateTrackerSettings(e.ctx, e.tech(t), panelclient.TrackerSettingsParams{TrackerID: missingID, Label: "X"})
		}},
	{action: "tracker/settings/update", name: "label with <>", code: 7, status: 400, check: hasFieldError("label"),
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateTrackerSettings(e.ctx, e.tech(t), panelclient.TrackerSettingsParams{TrackerID: e.original(t).ID, Label: "<b>Van</b>"})
		}},
	{action: "tracker/settings/update", name: "corrupted tracker", code: 252, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateTrackerSettings(e.ctx, e.tech(t), panelclient.TrackerSettingsParams{TrackerID: e.corrupted(t).ID, Label: "X"})
		}},
	{action: "tracker/source/update", name: "missing tracker", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error { return e.c.UpdateTrackerSource(e.ctx, e.tech(t), missingID, true) }},
	{action: "tracker/source/update", name: "viewer", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateTrackerSource(e.ctx, e.viewer(t), e.original(t).ID, true)
		}},
	{action: "tracker/tariff/change", name: "plan does not exist", code: 239, status: 404,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.ChangeTrackerTariff(e.ctx, e.tech(t), panelclient.TariffChangeParams{TrackerID: e.original(t).ID, TariffID: missingID})
		}},
	{action: "tracker/tariff/change", name: "a clone", code: 219, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			c := e.clone(t)
			return e.c.ChangeTrackerTariff(e.ctx, e.tech(t), panelclient.TariffChangeParams{TrackerID: c.ID, TariffID: e.trackerPlan(t, c.Source.TariffID).ID})
		}},
	{action: "tracker/tariff/change", name: "deleted tracker", code: 250, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			tr := e.deletedOriginal(t)
			return e.c.ChangeTrackerTariff(e.ctx, e.tech(t), panelclient.TariffChangeParams{TrackerID: tr.ID, TariffID: e.trackerPlan(t, tr.Source.TariffID).ID})
		}},
	{action: "tracker/console/connect", name: "deleted tracker", code: 230, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ConnectTrackerConsole(e.ctx, e.tech(t), e.deletedOriginal(t).ID)
			return err
		}},
	{action: "tracker/console/connect", name: "blocked tracker", code: 230, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ConnectTrackerConsole(e.ctx, e.tech(t), e.blocked(t).ID)
			return err
		}},
	{action: "tracker/console/connect", name: "missing tracker", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ConnectTrackerConsole(e.ctx, e.tech(t), missingID)
			return err
		}},
	{action: "tracker/active/history/list", name: "span too big", code: 211, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ListActiveTrackerHistory(e.ctx, e.admin(t), "2000-01", "2026-11")
			return err
		}},
	// The markdown asks trackers: read; the OpenAPI file trackers: report,
	// "distinct from read". The emulator requires both; the viewer has read
	// only.
	{action: "tracker/active/history/list", name: "viewer lacks trackers: report", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ListActiveTrackerHistory(e.ctx, e.viewer(t), "2026-09", "2026-11")
			return err
		}},
	{action: "tracker/raw_command/send", name: "non-hex command", code: 7, status: 400, check: hasFieldError("command"),
		call: func(t *testing.T, e *simEnv) error {
			return e.c.SendRawCommand(e.ctx, e.tech(t), panelclient.RawCommandParams{DeviceID: e.gsmTracker(t).Source.DeviceID, Command: "zz-not-hex", Type: panelclient.RawCommandHex})
		}},
	{action: "tracker/raw_command/send", name: "unknown device", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.SendRawCommand(e.ctx, e.tech(t), panelclient.RawCommandParams{DeviceID: "000000000000000", Command: "setparam 101:4"})
		}},

	// activation codes
	{action: "dealer/activation_code/list", name: "after logout", code: 4, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			h := e.viewer(t)
			_ = e.c.Logout(e.ctx, h)
			_, err := e.c.ListActivationCodes(e.ctx, h, panelclient.ActivationCodeListParams{})
			return err
		}},
	{action: "dealer/activation_code/create", name: "missing plan", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.CreateActivationCodes(e.ctx, e.admin(t), panelclient.ActivationCodeCreateParams{Count: 2, TariffID: missingID})
			return err
		}},
	{action: "dealer/activation_code/create", name: "tech may only read codes", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.CreateActivationCodes(e.ctx, e.tech(t), panelclient.ActivationCodeCreateParams{Count: 2, TariffID: e.planOf(t, "tracker").ID})
			return err
		}},
	{action: "dealer/activation_code/update", name: "missing plan", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			c := e.codesWhere(t, 1, "not activated", func(c panelclient.ActivationCode) bool { return !c.Activated })
			_, err := e.c.UpdateActivationCodes(e.ctx, e.admin(t), panelclient.ActivationCodeUpdateParams{Codes: []string{c[0].Code}, TariffID: missingID})
			return err
		}},
	{action: "dealer/activation_code/update", name: "tech may only read codes", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.UpdateActivationCodes(e.ctx, e.tech(t), panelclient.ActivationCodeUpdateParams{Codes: []string{"1"}, TariffID: e.planOf(t, "tracker").ID})
			return err
		}},

	// equipment, orders, bundles
	{action: "equipment/list", name: "after logout", code: 4, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			h := e.viewer(t)
			_ = e.c.Logout(e.ctx, h)
			_, err := e.c.ListEquipment(e.ctx, h)
			return err
		}},
	{action: "order/read", name: "missing order", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ReadOrder(e.ctx, e.viewer(t), missingID)
			return err
		}},
	{action: "tracker/bundle/list", name: "after logout", code: 4, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			h := e.viewer(t)
			_ = e.c.Logout(e.ctx, h)
			_, err := e.c.ListBundles(e.ctx, h, panelclient.BundleListParams{})
			return err
		}},
	{action: "tracker/bundle/read", name: "no bundle for the IMEI", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ReadBundle(e.ctx, e.viewer(t), "000000000000000")
			return err
		}},
	{action: "tracker/bundle/assign", name: "missing bundle", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.AssignBundleICCID(e.ctx, e.admin(t), panelclient.BundleAssignParams{BundleID: missingID, ICCID: "8970101006440763"})
		}},
	{action: "tracker/bundle/assign", name: "ICCID shorter than 3", code: 7, status: 400, check: hasFieldError("iccid"),
		call: func(t *testing.T, e *simEnv) error {
			return e.c.AssignBundleICCID(e.ctx, e.admin(t), panelclient.BundleAssignParams{BundleID: e.bundles(t)[0].ID, ICCID: "89"})
		}},
	{action: "tracker/bundle/assign", name: "tech may only read bundles", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.AssignBundleICCID(e.ctx, e.tech(t), panelclient.BundleAssignParams{BundleID: 1})
		}},
	{action: "tracker/bundle/update", name: "missing equipment", code: 204, status: 404,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateBundleEquipment(e.ctx, e.admin(t), e.bundles(t)[0].ID, missingID)
		}},
	{action: "tracker/bundle/update", name: "missing bundle", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateBundleEquipment(e.ctx, e.admin(t), missingID, e.equipmentOtherThan(t, 0).EquipID)
		}},
	{action: "tracker/bundle/order/assign", name: "missing bundle", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.AssignBundleOrder(e.ctx, e.admin(t), missingID, nil)
		}},
	{action: "tracker/bundle/import", name: "IMEI already has a bundle", code: 247, status: 409,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.ImportBundles(e.ctx, e.admin(t), panelclient.BundleImportParams{IMEIs: []string{freshIMEI(), e.bundles(t)[0].IMEI}, EquipID: e.equipmentOtherThan(t, 0).EquipID})
		}},
	{action: "tracker/bundle/import", name: "missing equipment", code: 204, status: 404,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.ImportBundles(e.ctx, e.admin(t), panelclient.BundleImportParams{IMEIs: []string{freshIMEI()}, EquipID: missingID})
		}},
	{action: "tracker/bundle/import", name: "tech may only read bundles", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.ImportBundles(e.ctx, e.tech(t), panelclient.BundleImportParams{IMEIs: []string{freshIMEI()}, EquipID: 1})
		}},

	// dealer settings, branding, password, gateways
	{action: "dealer/settings/service/read", name: "after logout", code: 4, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			h := e.viewer(t)
			_ = e.c.Logout(e.ctx, h)
			_, err := e.c.ReadServiceSettings(e.ctx, h)
			return err
		}},
	{action: "dealer/settings/service/update", name: "tech may not change settings", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			cur, err := e.c.ReadServiceSettings(e.ctx, e.tech(t))
			if err != nil {
				t.Fatal(err)
			}
			return e.c.UpdateServiceSettings(e.ctx, e.tech(t), cur.Update())
		}},
	{action: "dealer/settings/notification/read", name: "account without notification_settings: read", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			e.sim.AddAccount("nobody", "nobody", nil)
			_, err := e.c.ReadNotificationSettings(e.ctx, e.hash(t, "nobody"))
			return err
		}},
	{action: "dealer/settings/notification/update", name: "tech may not change settings", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateNotificationSettings(e.ctx, e.tech(t), panelclient.NotificationSettings{EmailFrom: "x@example.com", SMSOriginator: "x", CallerID: "1"})
		}},
	{action: "dealer/settings/image/upload", name: "not an image", code: 234, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UploadBrandingImage(e.ctx, e.admin(t), panelclient.ImageLogo, "logo.txt", strings.NewReader("not an image"))
		}},
	{action: "dealer/settings/image/upload", name: "tech may not change settings", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UploadBrandingImage(e.ctx, e.tech(t), panelclient.ImageLogo, "logo.png", bytes.NewReader(tinyPNG(t)))
		}},
	{action: "dealer/settings/image/delete", name: "tech may not change settings", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.DeleteBrandingImage(e.ctx, e.tech(t), panelclient.ImageLogo)
		}},
	{action: "dealer/password/update", name: "wrong old password", code: 248, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateDealerPassword(e.ctx, e.admin(t), "not-admin", strongPassword)
		}},
	{action: "dealer/password/update", name: "new password same as old", code: 245, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateDealerPassword(e.ctx, e.admin(t), "admin", "admin")
		}},
	{action: "dealer/password/update", name: "new password against the policy", code: 7, status: 400, check: hasFieldError("new_password"),
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateDealerPassword(e.ctx, e.admin(t), "admin", "password")
		}},
	{action: "dealer/password/update", name: "tech may not change the password", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.UpdateDealerPassword(e.ctx, e.tech(t), "tech", strongPassword)
		}},
	{action: "gateways/email/list", name: "account without email_gateways: read", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			e.sim.AddAccount("nobody", "nobody", nil)
			_, err := e.c.ListEmailGateways(e.ctx, e.hash(t, "nobody"))
			return err
		}},

	// sub-dealers: subpaas.md documents 13 for every refusal
	{action: "subpaas/list", name: "account without subpaas: read", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			e.sim.AddAccount("nobody", "nobody", nil)
			_, err := e.c.ListSubpaas(e.ctx, e.hash(t, "nobody"), panelclient.SubpaasListParams{})
			return err
		}},
	{action: "subpaas/read", name: "missing sub-dealer", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.ReadSubpaas(e.ctx, e.viewer(t), missingID)
			return err
		}},
	{action: "subpaas/create", name: "tech may not create sub-dealers", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.CreateSubpaas(e.ctx, e.tech(t), panelclient.SubpaasCreateParams{Password: strongPassword, Title: "X", Email: "x@example.com", JurName: "X", JurCountry: "X", LinkMonitoring: "x.example.com"})
			return err
		}},
	{action: "subpaas/update", name: "block_type DELETED", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			sp, err := e.c.ReadSubpaas(e.ctx, e.admin(t), e.subpaas(t, "NOT_BLOCKED").ID)
			if err != nil {
				t.Fatal(err)
			}
			return e.c.UpdateSubpaas(e.ctx, e.admin(t), panelclient.SubpaasUpdateParams{SubpaasID: sp.ID, BlockType: "DELETED", Title: sp.Title,
				Email: sp.Email, JurName: sp.JurName, JurCountry: sp.JurCountry, LinkMonitoring: sp.LinkMonitoring})
		}},
	{action: "subpaas/password/change", name: "deleted sub-dealer", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.ChangeSubpaasPassword(e.ctx, e.admin(t), e.subpaas(t, "DELETED").ID, strongPassword)
		}},
	{action: "subpaas/session/create", name: "sub-dealer not NOT_BLOCKED", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.CreateSubpaasSession(e.ctx, e.admin(t), e.subpaas(t, "INITIAL_BLOCK").ID)
			return err
		}},

	// menu presets
	{action: "user/menu/preset/list", name: "after logout", code: 4, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			h := e.viewer(t)
			_ = e.c.Logout(e.ctx, h)
			_, err := e.c.ListMenuPresets(e.ctx, h)
			return err
		}},
	{action: "user/menu/preset/create", name: "no title", code: 7, status: 400, check: hasFieldError("title"),
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.CreateMenuPreset(e.ctx, e.tech(t), contractPreset(""))
			return err
		}},
	{action: "user/menu/preset/create", name: "viewer", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			_, err := e.c.CreateMenuPreset(e.ctx, e.viewer(t), contractPreset("Viewer menu"))
			return err
		}},
	{action: "user/menu/preset/update", name: "missing preset", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			p := contractPreset("Gone")
			p.ID = missingID
			return e.c.UpdateMenuPreset(e.ctx, e.tech(t), p)
		}},
	{action: "user/menu/preset/delete", name: "missing preset", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error { return e.c.DeleteMenuPreset(e.ctx, e.tech(t), missingID) }},
	{action: "user/menu/preset/assign", name: "missing preset", code: 201, status: 400,
		call: func(t *testing.T, e *simEnv) error {
			return e.c.AssignMenuPreset(e.ctx, e.tech(t), missingID, panelclient.PresetAsDefault())
		}},
	{action: "user/menu/item/list", name: "account without users: read", code: 13, status: 403,
		call: func(t *testing.T, e *simEnv) error {
			e.sim.AddAccount("nobody", "nobody", nil)
			_, err := e.c.ListMenuItems(e.ctx, e.hash(t, "nobody"))
			return err
		}},
}

// originalOf returns the original tracker of clone c.
func (e *simEnv) originalOf(t testing.TB, c panelsim.Tracker) panelsim.Tracker {
	t.Helper()
	for _, o := range e.sim.Store().Trackers(0, 0) {
		if !o.Clone && o.Source != nil && c.Source != nil && o.Source.ID == c.Source.ID {
			return o
		}
	}
	t.Fatalf("no original for clone %d", c.ID)
	return panelsim.Tracker{}
}

// plainName is what the Panel accepts in a name or address field: letters,
// digits, spaces and - ' " . , : / (the OpenAPI file's name pattern), at
// most 100 characters.
var plainName = regexp.MustCompile(`^[\p{L}\p{N} \-'".,:/]*$`)

// plainUser returns a user, other than those in not, whose profile saves
// back unchanged: the seed gives some users hostile names (<script>...)
// that user/update rightly refuses.
func (e *simEnv) plainUser(t testing.TB, not ...int) panelsim.User {
	t.Helper()
	for _, u := range e.sim.Store().Users(0, 0) {
		if slices.Contains(not, u.ID) || u.Balance <= 1 {
			continue
		}
		fields := []string{u.FirstName, u.MiddleName, u.LastName, u.LegalName, u.PostCountry, u.PostRegion, u.PostCity, u.PostStreetAddress,
			u.RegisteredCountry, u.RegisteredRegion, u.RegisteredCity, u.RegisteredStreetAddress}
		if !slices.ContainsFunc(fields, func(f string) bool { return !plainName.MatchString(f) || len([]rune(f)) > 100 }) {
			return u
		}
	}
	t.Fatal("seed has no user with plain values")
	return panelsim.User{}
}

// tinyPNG is a valid 1x1 PNG image.
func tinyPNG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// subpaas returns a sub-dealer of the dealer (with that block type unless
// blockType is ""), found through the client.
func (e *simEnv) subpaas(t testing.TB, blockType string) panelclient.Subpaas {
	t.Helper()
	l, err := e.c.ListSubpaas(e.ctx, e.admin(t), panelclient.SubpaasListParams{})
	if err != nil {
		t.Fatalf("listing sub-dealers for a fixture: %v", err)
	}
	for _, sp := range l.List {
		if blockType == "" || sp.BlockType == blockType {
			return sp
		}
	}
	t.Fatalf("seed has no sub-dealer %s", blockType)
	return panelclient.Subpaas{}
}

// contractPreset is a small valid menu preset.
func contractPreset(title string) panelclient.MenuPreset {
	return panelclient.MenuPreset{Title: title,
		Main: []panelclient.MenuGroup{{Items: []panelclient.MenuItem{{Title: "common.menu.dashboard", Icon: "dashboard",
			Tabs: []panelclient.MenuTab{{Title: "common.menu.dashboard", Destination: "dashboard"}}}}}},
		Footer: panelclient.MenuGroup{Items: []panelclient.MenuItem{{Title: "common.menu.reports", Icon: "assessment",
			Tabs: []panelclient.MenuTab{{Title: "common.menu.reports", Destination: "reports"}}}}},
	}
}

// preset returns the listed entry of a preset, nil when it is not listed.
func (e *simEnv) preset(t testing.TB, id int) *panelclient.MenuPresetEntry {
	t.Helper()
	l, err := e.c.ListMenuPresets(e.ctx, e.admin(t))
	if err != nil {
		t.Fatalf("listing presets: %v", err)
	}
	for i := range l {
		if l[i].Preset.ID == id {
			return &l[i]
		}
	}
	return nil
}

// uploadHeader is the required columns of a user/upload CSV file, as the
// markdown lists them.
const uploadHeader = "Email address*;Password*;Status*;Legal status*;Surname*;Name*\n"

// corrupted corrupts a live original through the client and returns it.
func (e *simEnv) corrupted(t testing.TB) panelsim.Tracker {
	t.Helper()
	e.need(t, "tracker/corrupt")
	tr := e.original(t)
	if err := e.c.CorruptTracker(e.ctx, e.admin(t), panelclient.TrackerCorruptParams{TrackerID: tr.ID}); err != nil {
		t.Fatalf("corrupting tracker %d: %v", tr.ID, err)
	}
	return tr
}

// deletedOriginal returns an original tracker marked deleted.
func (e *simEnv) deletedOriginal(t testing.TB) panelsim.Tracker {
	t.Helper()
	for _, tr := range e.sim.Store().Trackers(0, 0) {
		if !tr.Clone && tr.Deleted && tr.Source != nil && !tr.Source.Corrupted {
			return tr
		}
	}
	t.Fatal("seed has no deleted original tracker")
	return panelsim.Tracker{}
}

// blocked returns a blocked, live original tracker.
func (e *simEnv) blocked(t testing.TB) panelsim.Tracker {
	t.Helper()
	for _, tr := range e.sim.Store().Trackers(0, 0) {
		if !tr.Clone && !tr.Deleted && tr.Source != nil && tr.Source.Blocked && !tr.Source.Corrupted {
			return tr
		}
	}
	t.Fatal("seed has no blocked tracker")
	return panelsim.Tracker{}
}

// TestContractErrors provokes the documented failures through the client:
// each must come back as *APIError with the documented code and HTTP
// status (errors.md), and the error reply must match the OpenAPI file.
func TestContractErrors(t *testing.T) {
	t.Parallel()
	preloadOpenAPI()
	log := &differenceLog{seen: map[string]bool{}, ran: map[string]bool{}}
	served := servedActions()
	families := map[string]bool{}
	for _, r := range errorRows {
		families[family(r.action)] = true
		t.Run(r.action+"/"+r.name, func(t *testing.T) {
			t.Parallel()
			if !served[r.action] {
				t.Skipf("emulator lacks %s", r.action)
			}
			e := newSimEnv(t)
			// Error rows send some deliberately invalid parameters: only the
			// answers are refereed.
			defer referee(t, e, log, false)
			err := r.call(t, e)
			ae := wantAPIError(t, err, r.code, r.status)
			if ae != nil && ae.Action != r.action {
				t.Errorf("APIError.Action %q, want %q", ae.Action, r.action)
			}
			if ae != nil && r.check != nil {
				r.check(t, e, ae)
			}
		})
	}
	// Every family of actions the client calls (account, dealer, user,
	// tracker, subpaas...) has at least one documented error row.
	for _, a := range clientActions(t) {
		if f := family(a); !families[f] {
			families[f] = true // report once
			t.Errorf("no documented error row for the %s family (%s)", f, a)
		}
	}
}

func family(action string) string {
	f, _, _ := strings.Cut(action, "/")
	return f
}

// --- Transport faults --------------------------------------------------------

// TestContractTransportFaults shows what the client makes of an upstream
// that answers badly or not at all (panelsim's fault knobs).
func TestContractTransportFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    panelsim.Fault
		kind     panelclient.Kind
		status   int
		sentinel error
	}{
		{"garbage body", panelsim.Fault{Body: "garbage, not JSON"}, panelclient.KindNotJSON, 200, panelclient.ErrBadResponse},
		{"garbage that starts like JSON", panelsim.Fault{Body: `{"success": tru`}, panelclient.KindMalformed, 200, panelclient.ErrBadResponse},
		{"502 from a proxy", panelsim.Fault{Status: 502, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>"}, panelclient.KindNotJSON, 502, panelclient.ErrBadResponse},
		{"truncated JSON", panelsim.Fault{Truncate: true}, panelclient.KindMalformed, 200, panelclient.ErrBadResponse},
		{"dropped connection", panelsim.Fault{Drop: true}, panelclient.KindConnectionLost, 0, panelclient.ErrConnectionLost},
		{"latency past the client timeout", panelsim.Fault{Latency: 3 * time.Second}, panelclient.KindTimeout, 0, panelclient.ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newSimEnv(t)
			h := e.admin(t)
			// A short timeout for the faulty call only, so a slow machine
			// (-race) does not time out the sign-in.
			c, err := panelclient.New(e.srv.URL+"/v2/panel", panelclient.WithTimeout(500*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			e.sim.SetFault("dealer/get_info", tt.fault)
			start := time.Now()
			_, err = c.DealerInfo(e.ctx, h)
			var te *panelclient.TransportError
			if !errors.As(err, &te) {
				t.Fatalf("got %v (%T), want *TransportError", err, err)
			}
			if te.Kind != tt.kind || te.HTTPStatus != tt.status || te.Action != "dealer/get_info" || !errors.Is(err, tt.sentinel) {
				t.Errorf("got kind %s HTTP %d action %q (%v), want kind %s HTTP %d", te.Kind, te.HTTPStatus, te.Action, err, tt.kind, tt.status)
			}
			if strings.Contains(err.Error(), h) {
				t.Error("the error message carries the session hash")
			}
			if tt.fault.Latency > 0 && time.Since(start) > 2500*time.Millisecond {
				t.Errorf("the timeout took %s", time.Since(start))
			}
			// A read lost before any answer is resent once; nothing else is.
			wantAttempts := 1
			if tt.fault.Drop {
				wantAttempts = 2
			}
			if got := e.sim.Attempts("dealer/get_info"); got != wantAttempts {
				t.Errorf("dealer/get_info reached the emulator %d times, want %d", got, wantAttempts)
			}
		})
	}

	t.Run("dropped mutation is never resent", func(t *testing.T) {
		t.Parallel()
		e := newSimEnv(t)
		h := e.admin(t)
		e.sim.SetFault("account/logout", panelsim.Fault{Drop: true})
		err := e.c.Logout(e.ctx, h)
		var te *panelclient.TransportError
		if !errors.As(err, &te) || te.Kind != panelclient.KindConnectionLost {
			t.Fatalf("got %v, want a lost connection", err)
		}
		if got := e.sim.Attempts("account/logout"); got != 1 {
			t.Errorf("account/logout sent %d times", got)
		}
	})

	t.Run("refused connection", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		c, err := panelclient.New("http://"+addr+"/v2/panel", panelclient.WithTimeout(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Timezones(t.Context(), "en")
		var te *panelclient.TransportError
		if !errors.As(err, &te) || te.Kind != panelclient.KindUnreachable || !errors.Is(err, panelclient.ErrUnreachable) {
			t.Fatalf("got %v, want KindUnreachable", err)
		}
	})
}

// --- Coverage ----------------------------------------------------------------

// clientActions lists the Panel actions the client's source calls, from
// the executor calls in panelclient/*.go that pass the staff member's
// `hash` (or "" for the public actions). The user API client (userapi.go)
// passes a `userHash` and calls user API actions, not Panel ones, so it is
// not matched.
func clientActions(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`c\.(?:call|download|callMultipart)\(ctx, (?:\w+, )?(?:hash|""), "([a-z_]+(?:/[a-z_]+)+)"`)
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	slices.Sort(out)
	if len(out) < 10 {
		t.Fatalf("found only %d client actions (%v): the pattern no longer matches the executor calls", len(out), out)
	}
	return out
}

// TestContractCoverage: every action the client calls has a row (so every
// action the emulator also serves is checked), and the actions implemented
// on one side only are listed.
func TestContractCoverage(t *testing.T) {
	rows := map[string]bool{}
	for _, r := range contractRows {
		if rows[r.action] {
			t.Errorf("two rows for %s", r.action)
		}
		rows[r.action] = true
	}
	errRows := map[string]bool{}
	for _, r := range errorRows {
		errRows[r.action] = true
	}
	client := clientActions(t)
	inClient := map[string]bool{}
	for _, a := range client {
		inClient[a] = true
		if !rows[a] {
			t.Errorf("the client calls %s but contractRows has no row for it", a)
		}
		if !errRows[a] {
			t.Logf("no documented-error row for %s", a)
		}
	}
	for a := range rows {
		if !inClient[a] {
			t.Errorf("row %s: the client does not call that action", a)
		}
	}
	served := panelsim.New(panelsim.WithSeed(panelsim.SeedConfig{Users: 1, Trackers: -1})).Actions()
	var both, simOnly, clientOnly []string
	for _, a := range served {
		if inClient[a] {
			both = append(both, a)
		} else {
			simOnly = append(simOnly, a)
		}
	}
	for _, a := range client {
		if !slices.Contains(served, a) {
			clientOnly = append(clientOnly, a)
		}
	}
	t.Logf("both sides (%d): %s", len(both), strings.Join(both, " "))
	t.Logf("emulator only (%d): %s", len(simOnly), strings.Join(simOnly, " "))
	t.Logf("client only, rows skipped until the emulator serves them (%d): %s", len(clientOnly), strings.Join(clientOnly, " "))
}

// --- The referee has teeth -------------------------------------------------

// TestContractRefereeCatchesMismatches feeds the referee exchanges that
// are wrong, so a silent validator cannot pass the contract off as kept.
func TestContractRefereeCatchesMismatches(t *testing.T) {
	hdr := func(auth bool) map[string][]string {
		h := map[string][]string{"Content-Type": {"application/json"}}
		if auth {
			h["Authorization"] = []string{"NVX fa7bf873fab9333144e171372a321b06"}
		}
		return h
	}
	jsonHdr := map[string][]string{"Content-Type": {"application/json"}}
	for _, tc := range []struct {
		name string
		x    exchange
		side string
	}{
		{"request: wrong parameter type", exchange{Method: "POST", Path: "/v2/panel/user/read", Header: hdr(true), Body: []byte(`{"user_id":"seven"}`)}, "request"},
		{"request: required parameter missing", exchange{Method: "POST", Path: "/v2/panel/tracker/move", Header: hdr(true), Body: []byte(`{"tracker_id":5}`)}, "request"},
		{"request: no Authorization", exchange{Method: "POST", Path: "/v2/panel/user/read", Header: hdr(false), Body: []byte(`{"user_id":7}`)}, "request"},
		{"response: wrong shape", exchange{Method: "POST", Path: "/v2/panel/tracker/read", Header: hdr(true), Body: []byte(`{"tracker_id":7}`),
			Status: 200, RespHeader: jsonHdr, respBody: bufferOf(`{"success":true,"value":{"id":"seven","source":{"blocked":"no"}}}`)}, "response"},
		{"response: error envelope of the wrong shape", exchange{Method: "POST", Path: "/v2/panel/user/read", Header: hdr(true), Body: []byte(`{"user_id":7}`),
			Status: 400, RespHeader: jsonHdr, respBody: bufferOf(`{"success":false,"status":"Not found"}`)}, "response"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := tc.x
			probs := judge(t, &x)
			if !slices.ContainsFunc(probs, func(p problem) bool { return p.Side == tc.side }) {
				t.Errorf("the referee passed a bad %s: %v", tc.side, probs)
			}
		})
	}
}

// A field the client does not read (a name mismatch) is caught too.
func TestContractCatchesFieldsNotRead(t *testing.T) {
	x := exchange{Method: "POST", Path: "/v2/panel/tracker/read", Status: 200,
		RespHeader: map[string][]string{"Content-Type": {"application/json"}},
		respBody:   bufferOf(`{"success":true,"value":{"id":7,"lable":"typo","source":{"id":1}}}`)}
	if err := fieldsNotRead(&x); err == nil || !strings.Contains(err.Error(), "lable") {
		t.Errorf("a misspelt field passed: %v", err)
	}
	x.respBody = bufferOf(`{"success":true,"value":{"id":7,"label":"ok","source":{"id":1,"device_id":"1"}}}`)
	if err := fieldsNotRead(&x); err != nil {
		t.Errorf("a well-formed answer failed: %v", err)
	}
}

func bufferOf(s string) *lockedBuffer {
	b := &lockedBuffer{}
	b.buf.WriteString(s)
	return b
}
