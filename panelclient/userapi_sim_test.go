package panelclient_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/panelclient/panelsim"
)

// TestUserAPIAgainstTheEmulator registers a tracker the way the portal's
// bulk activation does: a user session from the Panel, the model and the
// plugin from the user API, tracker/register, then the Panel's tracker/list
// shows it; a second registration is refused with 224.
func TestUserAPIAgainstTheEmulator(t *testing.T) {
	sim := panelsim.New(panelsim.WithSeed(panelsim.SeedConfig{Users: 40, Trackers: 150}))
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	c, err := panelclient.New(srv.URL+"/v2/panel", panelclient.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	u, err := c.UserAPI(panelclient.DefaultUserAPIURL(c.BaseURL()))
	if err != nil {
		t.Fatal(err)
	}
	auth, err := c.Auth(ctx, "tech", "tech")
	if err != nil {
		t.Fatal(err)
	}
	userHash, err := c.CreateUserSession(ctx, auth.Hash, 30)
	if err != nil {
		t.Fatal(err)
	}

	models, err := u.ListModels(ctx, userHash, []string{"telfmb920", "nosuchmodel"})
	if err != nil || len(models) != 1 {
		t.Fatalf("models %+v %v", models, err)
	}
	m := models[0]
	idType := panelclient.ParseDeviceIDType(m.IDType)
	if m.Code != "telfmb920" || idType.Kind != panelclient.IDKindIMEI || !m.HasPhone || !m.HasAPNSettings || !m.Register {
		t.Fatalf("model %+v", m)
	}
	plugins, err := u.ListPlugins(ctx, userHash)
	if err != nil {
		t.Fatal(err)
	}
	plugin := 0
	for _, p := range plugins {
		if p.Type == panelclient.PluginTypeTrackerRegister && p.ID == panelclient.PluginDeviceCodeOptional && p.Supports(m.Code) {
			plugin = p.ID
		}
	}
	if plugin == 0 {
		t.Fatalf("no plugin 44 for %s: %+v", m.Code, plugins)
	}
	const device = "352093119999992"
	if !idType.Fits(device) || !panelclient.LuhnValid(device) {
		t.Fatal("test IMEI")
	}
	p := panelclient.TrackerRegisterParams{Label: "Bulk van", Model: m.Code, PluginID: plugin, DeviceID: device,
		Phone: "4915100000042", APNName: "internet"}
	tr, err := u.RegisterTracker(ctx, userHash, p)
	if err != nil {
		t.Fatal(err)
	}
	if tr.ID == 0 || tr.Source.DeviceID != device || tr.Label != "Bulk van" {
		t.Fatalf("registered %+v", tr)
	}
	list, err := c.ListTrackers(ctx, auth.Hash, panelclient.TrackerListParams{Filter: device})
	if err != nil || len(list.List) != 1 || list.List[0].ID != tr.ID || list.List[0].UserID != 30 || list.List[0].Source.DeviceID != device {
		t.Fatalf("panel list %+v %v", list, err)
	}
	_, err = u.RegisterTracker(ctx, userHash, p)
	if !errors.Is(err, &panelclient.APIError{Code: 224}) {
		t.Fatalf("second registration: %v", err)
	}
	// The user API knows user sessions only: the staff member's hash is
	// "session ended" there (code 4), which a caller must not take for the
	// end of the staff member's own session.
	if _, err := u.ListPlugins(ctx, auth.Hash); panelclient.Code(err) != 4 {
		t.Errorf("a Panel hash on the user API: %v", err)
	}
}
