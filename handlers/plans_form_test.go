package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// simAdmin is a Panel client signed in as admin on the test's emulator,
// to read back what the portal did.
func simAdmin(t *testing.T, env *portaltest.Env) (*panelclient.Client, string) {
	t.Helper()
	c, err := panelclient.New(env.SimURL, panelclient.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Auth(context.Background(), "admin", "admin")
	if err != nil {
		t.Fatal(err)
	}
	return c, res.Hash
}

// planForm is a complete, valid plan form.
func planForm(name string) url.Values {
	return url.Values{
		"name": {name}, "device_type": {"tracker"}, "type": {"monthly"}, "group_id": {"4"},
		"price": {"12,55"}, "early_change_price": {"23"}, "device_limit": {"2000"}, "store_period": {"1Y"},
		"active": {"true"}, "has_reports": {"true"}, "proportional_charge": {"true"},
		"service_prices.incoming_sms": {"0.3"}, "service_prices.outgoing_sms": {"0.31"}, "service_prices.service_sms": {"0.2"},
		"service_prices.phone_call": {"0.6"}, "service_prices.traffic": {"0.09"},
	}
}

func planFormToken(t *testing.T, p *portaltest.Page) string {
	t.Helper()
	tok, ok := p.Doc.Find(`[data-testid="plan-form"] input[name="_once"]`).Attr("value")
	if !ok || tok == "" {
		t.Fatal("the create form has no one-time token")
	}
	return tok
}

func findPlan(env *portaltest.Env, name string) (panelsim.Tariff, bool) {
	for _, p := range env.Sim.Store().Tariffs() {
		if p.Name == name {
			return p, true
		}
	}
	return panelsim.Tariff{}, false
}

func TestPlanCreateWithEveryField(t *testing.T) {
	env, b := trkLogin(t, "admin")
	p := b.Get("/plans")
	if !p.Has(`[data-testid="plan-new"]`) || !p.Has(`[data-testid="plan-defaults"]`) {
		t.Fatal("admin sees no create or defaults control on /plans")
	}
	p = b.Get("/plans/new")
	if p.Status != http.StatusOK {
		t.Fatalf("new form: %d", p.Status)
	}
	for _, f := range []string{"name", "device_type", "type", "group_id", "price", "early_change_price", "device_limit", "store_period",
		"active", "has_reports", "proportional_charge", "service_prices.incoming_sms", "service_prices.outgoing_sms",
		"service_prices.service_sms", "service_prices.phone_call", "service_prices.traffic"} {
		if !p.Has(`[name="` + f + `"]`) {
			t.Errorf("the form has no field %s", f)
		}
	}
	form := planForm("Fleet Max")
	form.Set("_once", planFormToken(t, p))
	p = b.Post("/plans/new", form)
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/plans/") {
		t.Fatalf("create: %d %s %s", p.Status, p.Location(), p.Text(`[data-testid="form-error"]`))
	}
	got, ok := findPlan(env, "Fleet Max")
	if !ok {
		t.Fatal("no plan Fleet Max upstream")
	}
	if p.Location() != "/plans/"+strconv.Itoa(got.ID) {
		t.Errorf("went to %s, plan is %d", p.Location(), got.ID)
	}
	sp := got.ServicePrices
	if got.Price != 12.55 || got.EarlyChangePrice == nil || *got.EarlyChangePrice != 23 || got.DeviceLimit != 2000 || got.StorePeriod != "1y" ||
		got.GroupID != 4 || !got.Active || !got.HasReports || !got.ProportionalCharge || got.Type != "monthly" || got.DeviceType != "tracker" ||
		sp.IncomingSMS != 0.3 || sp.OutgoingSMS != 0.31 || sp.ServiceSMS != 0.2 || sp.PhoneCall != 0.6 || sp.Traffic != 0.09 {
		t.Errorf("created plan %+v", got)
	}
	page := b.Get(p.Location())
	if !strings.Contains(page.Text(`[data-testid="flash"]`), "Fleet Max") {
		t.Errorf("flash %q", page.Text(`[data-testid="flash"]`))
	}

	// The same form sent again (a double click, a resend) creates nothing.
	env.Sim.ResetCalls()
	p = b.Post("/plans/new", form)
	if p.Status != http.StatusSeeOther || env.Sim.Attempts("tariff/create") != 0 {
		t.Errorf("resent form: %d, %d creates", p.Status, env.Sim.Attempts("tariff/create"))
	}
	if !strings.Contains(env.Logs(), `"action":"tariff/create"`) {
		t.Error("no audit line for tariff/create")
	}
}

func TestPlanFormRules(t *testing.T) {
	env, b := trkLogin(t, "admin")
	cases := []struct {
		name  string
		edit  func(url.Values)
		field string
	}{
		{"name required", func(f url.Values) { f.Set("name", "  ") }, "name"},
		{"activeday for cameras", func(f url.Values) { f.Set("device_type", "camera"); f.Set("type", "activeday") }, "type"},
		{"unknown plan type", func(f url.Values) { f.Set("type", "weekly") }, "type"},
		{"store period format", func(f url.Values) { f.Set("store_period", "2w") }, "store_period"},
		{"store period required", func(f url.Values) { f.Set("store_period", "") }, "store_period"},
		{"negative price", func(f url.Values) { f.Set("price", "-1") }, "price"},
		{"price not a number", func(f url.Values) { f.Set("price", "ten") }, "price"},
		{"early change price", func(f url.Values) { f.Set("early_change_price", "-2") }, "early_change_price"},
		{"device limit for trackers", func(f url.Values) { f.Set("device_limit", "") }, "device_limit"},
		{"device limit whole", func(f url.Values) { f.Set("device_limit", "1.5") }, "device_limit"},
		{"service price", func(f url.Values) { f.Set("service_prices.traffic", "-0.1") }, "service_prices.traffic"},
		{"device type", func(f url.Values) { f.Set("device_type", "boat") }, "device_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := planForm("Rules " + tc.name)
			tc.edit(form)
			form.Set("_once", planFormToken(t, b.Get("/plans/new")))
			env.Sim.ResetCalls()
			p := b.Post("/plans/new", form)
			if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-`+tc.field+`"]`) {
				t.Errorf("status %d, error on %s: %v", p.Status, tc.field, p.Has(`[data-testid="error-`+tc.field+`"]`))
			}
			if n := env.Sim.Attempts("tariff/create"); n != 0 {
				t.Errorf("an invalid form reached the Panel (%d)", n)
			}
			if got := p.Doc.Find(`[name="name"]`).AttrOr("value", ""); got != strings.TrimSpace(form.Get("name")) {
				t.Errorf("the form lost what was typed: %q", got)
			}
		})
	}
	// A camera plan needs no device limit (not used for cameras).
	form := planForm("Camera, no limit")
	form.Set("device_type", "camera")
	form.Del("device_limit")
	form.Set("_once", planFormToken(t, b.Get("/plans/new")))
	if p := b.Post("/plans/new", form); p.Status != http.StatusSeeOther {
		t.Errorf("camera plan without device limit: %d %s", p.Status, p.Text(`.field-error`))
	}
	// Without early change price the plan gets null: no frequent changes.
	form = planForm("No early change")
	form.Del("early_change_price")
	form.Set("_once", planFormToken(t, b.Get("/plans/new")))
	b.Post("/plans/new", form)
	if got, ok := findPlan(env, "No early change"); !ok || got.EarlyChangePrice != nil {
		t.Errorf("plan without early change price: %+v", got)
	}
}

// The Panel's documented refusals land on their fields: 244 on the name,
// 214 on the type.
func TestPlanCreateDocumentedErrors(t *testing.T) {
	env, b := trkLogin(t, "admin")
	taken, _ := env.Sim.Store().Tariff(2)
	form := planForm(taken.Name)
	form.Set("_once", planFormToken(t, b.Get("/plans/new")))
	p := b.Post("/plans/new", form)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="error-name"]`), "already has a plan") {
		t.Errorf("duplicate name: %d %q", p.Status, p.Text(`[data-testid="error-name"]`))
	}
	if env.Sim.Attempts("tariff/create") != 1 {
		t.Errorf("tariff/create called %d times", env.Sim.Attempts("tariff/create"))
	}
	// 214 as the Panel would answer it for a type the device does not support.
	env.Sim.SetFault("tariff/create", panelsim.Fault{Code: 214})
	form = planForm("Unsupported type")
	form.Set("_once", planFormToken(t, b.Get("/plans/new")))
	p = b.Post("/plans/new", form)
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-type"]`) {
		t.Errorf("214: %d, error on type %v", p.Status, p.Has(`[data-testid="error-type"]`))
	}
	// The portal's own name limit (the official console's field takes 100).
	env.Sim.ClearFaults()
	form = planForm("Store")
	form.Set("name", strings.Repeat("x", 101))
	form.Set("_once", planFormToken(t, b.Get("/plans/new")))
	if p = b.Post("/plans/new", form); !p.Has(`[data-testid="error-name"]`) {
		t.Error("an overlong name has no error")
	}
}

func TestPlanEdit(t *testing.T) {
	env, b := trkLogin(t, "admin")
	before, _ := env.Sim.Store().Tariff(2)
	p := b.Get("/plans/2")
	if !p.Has(`[data-testid="plan-edit"]`) {
		t.Fatal("no edit control on the plan page")
	}
	p = b.Get("/plans/2/edit")
	if p.Status != http.StatusOK || p.Doc.Find(`[name="name"]`).AttrOr("value", "") != before.Name || p.Has(`select[name="device_type"]`) {
		t.Fatalf("edit form: %d, name %q, device type editable %v", p.Status, p.Doc.Find(`[name="name"]`).AttrOr("value", ""), p.Has(`select[name="device_type"]`))
	}
	if p.Doc.Find(`[name="store_period"]`).AttrOr("value", "") != before.StorePeriod {
		t.Error("store period not prefilled")
	}
	form := planForm("Standard renamed")
	form.Set("device_type", "camera") // cannot change: ignored
	form.Set("type", "activeday")
	p = b.Post("/plans/2/edit", form)
	if p.Status != http.StatusSeeOther || p.Location() != "/plans/2" {
		t.Fatalf("save: %d %s %s", p.Status, p.Location(), p.Text(".field-error"))
	}
	after, _ := env.Sim.Store().Tariff(2)
	if after.Name != "Standard renamed" || after.Type != "activeday" || after.DeviceType != before.DeviceType || after.Price != 12.55 ||
		len(after.Features) != len(before.Features) {
		t.Errorf("after edit %+v (features %v, before %v)", after, after.Features, before.Features)
	}
	// Duplicate name on edit.
	other, _ := env.Sim.Store().Tariff(1)
	form.Set("name", other.Name)
	p = b.Post("/plans/2/edit", form)
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-name"]`) {
		t.Errorf("duplicate on edit: %d", p.Status)
	}
	// A camera plan cannot become per-active-day: refused before the Panel.
	env.Sim.ResetCalls()
	form = planForm("Camera by day")
	form.Set("type", "activeday")
	p = b.Post("/plans/9/edit", form)
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-type"]`) || env.Sim.Attempts("tariff/update") != 0 {
		t.Errorf("activeday camera: %d, updates %d", p.Status, env.Sim.Attempts("tariff/update"))
	}
	if p := b.Get("/plans/424242/edit"); p.Status != http.StatusNotFound {
		t.Errorf("missing plan edit: %d", p.Status)
	}
	if p := b.Post("/plans/424242/edit", planForm("Ghost")); p.Status != http.StatusNotFound || env.Sim.Attempts("tariff/update") != 0 {
		t.Errorf("missing plan save: %d", p.Status)
	}
}

func TestPlanDefaults(t *testing.T) {
	env, b := trkLogin(t, "admin")
	c, h := simAdmin(t, env)
	p := b.Get("/plans/defaults")
	if p.Status != http.StatusOK || !p.Has(`[data-testid="defaults-form"]`) {
		t.Fatalf("defaults page: %d", p.Status)
	}
	if got := p.Doc.Find(`[name="tracker.tariff_id"] option[selected]`).AttrOr("value", ""); got != "2" {
		t.Errorf("tracker default preselected %q, want 2", got)
	}
	// Another tracker plan, from a plan's "Make default".
	var next panelsim.Tariff
	for _, pl := range env.Sim.Store().Tariffs() {
		if pl.DeviceType == "tracker" && pl.ID != 2 {
			next = pl
			break
		}
	}
	p = b.Get("/plans/" + strconv.Itoa(next.ID))
	if href := p.Doc.Find(`[data-testid="plan-make-default"]`).AttrOr("href", ""); href != "/plans/defaults?tariff_id="+strconv.Itoa(next.ID) {
		t.Errorf("make default link %q", href)
	}
	p = b.Get("/plans/defaults?tariff_id=" + strconv.Itoa(next.ID))
	if got := p.Doc.Find(`[name="tracker.tariff_id"] option[selected]`).AttrOr("value", ""); got != strconv.Itoa(next.ID) {
		t.Errorf("make default preselects %q", got)
	}
	form := url.Values{
		"tracker.tariff_id": {strconv.Itoa(next.ID)}, "tracker.free_days": {"21"}, "tracker.free_days_device_limit": {""}, "tracker.activation_bonus": {"2,5"},
		"camera.tariff_id": {"9"}, "camera.free_days": {"3"}, "camera.free_days_device_limit": {"2"}, "camera.activation_bonus": {"0"},
	}
	p = b.Post("/plans/defaults", form)
	if p.Status != http.StatusSeeOther || p.Location() != "/plans" {
		t.Fatalf("save defaults: %d %s", p.Status, p.Text(".field-error"))
	}
	d, err := c.ReadTariffDefaults(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	if d.Tracker.TariffID != next.ID || d.Tracker.FreeDays != 21 || d.Tracker.ActivationBonus != 2.5 || d.Tracker.FreeDaysDeviceLimit != nil ||
		d.Camera.TariffID != 9 || d.Camera.FreeDays != 3 || d.Camera.FreeDaysDeviceLimit == nil || *d.Camera.FreeDaysDeviceLimit != 2 {
		t.Errorf("defaults now %+v / %+v", d.Tracker, d.Camera)
	}
	// The list marks the new default.
	p = b.Get("/plans")
	if !p.Has(`[data-testid="plan-row"][data-id="`+strconv.Itoa(next.ID)+`"] [data-testid="plan-default"]`) ||
		p.Has(`[data-testid="plan-row"][data-id="2"] [data-testid="plan-default"]`) {
		t.Error("the list does not mark the new default")
	}
	// A camera plan as the tracker default is refused before the Panel
	// (237), and so is a plan that does not exist (239).
	env.Sim.ResetCalls()
	for _, bad := range []string{"9", "424242", ""} {
		form.Set("tracker.tariff_id", bad)
		p = b.Post("/plans/defaults", form)
		if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-tracker.tariff_id"]`) {
			t.Errorf("tracker default %q: %d", bad, p.Status)
		}
	}
	form.Set("tracker.tariff_id", strconv.Itoa(next.ID))
	form.Set("tracker.free_days", "-1")
	if p = b.Post("/plans/defaults", form); !p.Has(`[data-testid="error-tracker.free_days"]`) {
		t.Error("negative free days accepted")
	}
	if n := env.Sim.Attempts("tariff/defaults/update"); n != 0 {
		t.Errorf("invalid defaults reached the Panel %d times", n)
	}
	// The Panel's 239 and 237, should it refuse anyway.
	form.Set("tracker.free_days", "1")
	form.Del("camera.tariff_id")
	for code, text := range map[int]string{239: "no longer exists", 237: "another device type"} {
		env.Sim.SetFault("tariff/defaults/update", panelsim.Fault{Code: code})
		p = b.Post("/plans/defaults", form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="error-tracker.tariff_id"]`), text) {
			t.Errorf("code %d: %d %q", code, p.Status, p.Text(`[data-testid="error-tracker.tariff_id"]`))
		}
	}
}

// Tech and viewer see plans read-only: no create, edit or default
// controls, a read-only defaults page, and a forged POST is 403 with
// nothing sent upstream.
func TestPlansReadOnlyForTechAndViewer(t *testing.T) {
	for _, login := range []string{"tech", "viewer"} {
		t.Run(login, func(t *testing.T) {
			env, b := trkLogin(t, login)
			p := b.Get("/plans")
			if p.Status != http.StatusOK || p.Has(`[data-testid="plan-new"]`) {
				t.Errorf("/plans: %d, create control %v", p.Status, p.Has(`[data-testid="plan-new"]`))
			}
			p = b.Get("/plans/2")
			if p.Has(`[data-testid="plan-edit"]`) || p.Has(`[data-testid="plan-make-default"]`) || p.Has(`[data-testid="plan-actions"]`) {
				t.Error("edit controls on the plan page")
			}
			p = b.Get("/plans/defaults")
			if p.Status != http.StatusOK || p.Has(`[data-testid="defaults-form"]`) || !p.Has(`[data-testid="defaults-tracker"] [data-testid="defaults-plan"]`) {
				t.Errorf("defaults page: %d, form %v", p.Status, p.Has(`[data-testid="defaults-form"]`))
			}
			for _, path := range []string{"/plans/new", "/plans/2/edit"} {
				if p := b.Get(path); p.Status != http.StatusForbidden {
					t.Errorf("GET %s: %d", path, p.Status)
				}
			}
			env.Sim.ResetCalls()
			for _, path := range []string{"/plans/new", "/plans/2/edit", "/plans/defaults"} {
				form := planForm("Forged")
				form.Set("tracker.tariff_id", "2")
				if p := b.Post(path, form); p.Status != http.StatusForbidden {
					t.Errorf("POST %s: %d", path, p.Status)
				}
			}
			if n := totalAttempts(env); n != 0 {
				t.Errorf("forged posts reached the Panel %d times", n)
			}
		})
	}
}
