package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// trkMutations are every tracker action's form posts, with the Panel
// actions each would call.
var trkMutations = []struct {
	path    string
	form    url.Values
	actions []string
}{
	{"/trackers/{id}/settings", url.Values{"label": {"x"}}, []string{"tracker/settings/update"}},
	{"/trackers/{id}/source", url.Values{"blocked": {"true"}}, []string{"tracker/source/update"}},
	{"/trackers/{id}/move", url.Values{"user_id": {"30"}}, []string{"tracker/move"}},
	{"/trackers/{id}/clone", url.Values{"user_id": {"30"}, "label": {"x"}}, []string{"tracker/clone"}},
	{"/trackers/{id}/plan", url.Values{"tariff_id": {"3"}}, []string{"tracker/tariff/change"}},
	{"/trackers/{id}/register-retry", nil, []string{"tracker/register_retry"}},
	{"/trackers/{id}/delete-clone", nil, []string{"tracker/delete_clone"}},
	{"/trackers/{id}/corrupt", url.Values{"confirm": {"true"}}, []string{"tracker/corrupt"}},
	{"/trackers/{id}/device-settings", nil, []string{"user/session/create"}},
	{"/trackers/{id}/console/send", url.Values{"command": {"getver"}}, []string{"tracker/raw_command/send"}},
	{"/trackers/register", url.Values{"user_id": {"5"}}, []string{"user/session/create"}},
	{"/trackers/bulk/move", url.Values{"tracker_id": {"{id}"}, "user_id": {"30"}}, []string{"tracker/move"}},
	{"/trackers/bulk/clone", url.Values{"tracker_id": {"{id}"}, "user_id": {"30"}}, []string{"tracker/batch_clone"}},
	{"/trackers/bulk/plan", url.Values{"tracker_id": {"{id}"}, "tariff_id": {"3"}}, []string{"tracker/tariff/change"}},
	{"/trackers/bulk/delete-clones", url.Values{"tracker_id": {"{id}"}}, []string{"tracker/batch_delete_clones"}},
}

func trkFill(s string, id int) string { return strings.ReplaceAll(s, "{id}", strconv.Itoa(id)) }

func TestViewerSeesNoTrackerControlsAndForgedPostsReachNothing(t *testing.T) {
	env, b := trkLogin(t, "viewer")
	tr := trkOriginal(t, env)
	p := b.Get("/trackers")
	if p.Status != http.StatusOK {
		t.Fatalf("list: %d", p.Status)
	}
	for _, id := range []string{"bulk-form", "select-all", "register-box"} {
		if p.Has(`[data-testid="` + id + `"]`) {
			t.Errorf("viewer sees %s", id)
		}
	}
	if p.Has(`[data-testid^="select-"]`) {
		t.Error("viewer sees selection checkboxes")
	}
	if p.Has(`[data-testid="nav-reports"]`) {
		t.Error("viewer (no trackers: report) sees the Reports section")
	}
	p = b.Get("/trackers/" + strconv.Itoa(tr.ID))
	if p.Status != http.StatusOK || p.Has(`[data-testid="tracker-actions"]`) || p.Has("dialog") || p.Has(`form[method="post"]:not([action="/logout"])`) {
		t.Errorf("viewer's tracker page: %d, with controls", p.Status)
	}
	for _, get := range []string{"/edit", "/move", "/clone", "/plan", "/register-retry", "/delete-clone", "/corrupt", "/console", "/console/stream"} {
		if p := b.Get("/trackers/" + strconv.Itoa(tr.ID) + get); p.Status != http.StatusForbidden {
			t.Errorf("viewer GET %s: %d", get, p.Status)
		}
	}
	for _, get := range []string{"/trackers/bulk/move?tracker_id=1", "/trackers/bulk/delete-clones?tracker_id=11", "/reports/active", "/reports/active.csv"} {
		if p := b.Get(get); p.Status != http.StatusForbidden {
			t.Errorf("viewer GET %s: %d", get, p.Status)
		}
	}
	env.Sim.ResetCalls()
	for _, m := range trkMutations {
		form := url.Values{}
		for k, vs := range m.form {
			for _, v := range vs {
				form.Add(k, trkFill(v, tr.ID))
			}
		}
		p := b.Post(trkFill(m.path, tr.ID), form)
		if p.Status != http.StatusForbidden {
			t.Errorf("viewer POST %s: %d", m.path, p.Status)
		}
		for _, a := range m.actions {
			if n := env.Sim.Attempts(a); n != 0 {
				t.Errorf("viewer POST %s reached %s %d times", m.path, a, n)
			}
		}
	}
	for _, a := range []string{"tracker/read", "tracker/console/connect", "dealer/get_info"} {
		if n := env.Sim.Attempts(a); n != 0 {
			t.Errorf("refused posts still called %s %d times", a, n)
		}
	}
}

func TestTechHasNoCancelRegistration(t *testing.T) {
	env, b := trkLogin(t, "tech")
	tr := trkOriginal(t, env)
	path := "/trackers/" + strconv.Itoa(tr.ID)
	p := b.Get(path)
	for _, id := range []string{"action-edit", "action-move", "action-clone", "action-plan", "action-console", "action-retry", "action-device-settings"} {
		if !p.Has(`[data-testid="` + id + `"]`) {
			t.Errorf("tech lacks %s", id)
		}
	}
	if p.Has(`[data-testid="action-corrupt"]`) || p.Has(`[data-testid="dlg-corrupt"]`) || p.Has(`[data-testid="corrupt-form"]`) {
		t.Error("tech sees cancel registration")
	}
	if p := b.Get(path + "/corrupt"); p.Status != http.StatusForbidden {
		t.Errorf("tech GET corrupt: %d", p.Status)
	}
	p = b.Post(path+"/corrupt", url.Values{"confirm": {"true"}, "corrupt_clones": {"true"}})
	if p.Status != http.StatusForbidden || env.Sim.Attempts("tracker/corrupt") != 0 {
		t.Errorf("tech forged corrupt: %d, attempts %d", p.Status, env.Sim.Attempts("tracker/corrupt"))
	}
	// Tech may use everything else the employee role allows.
	p = b.Get("/trackers")
	for _, id := range []string{"bulk-move", "bulk-clone", "bulk-plan", "bulk-delete-clones", "register-box"} {
		if !p.Has(`[data-testid="` + id + `"]`) {
			t.Errorf("tech lacks %s", id)
		}
	}
	if !p.Has(`[data-testid="nav-reports"]`) {
		t.Error("tech (trackers: report) has no Reports section")
	}
	if p := b.Get("/reports/active"); p.Status != http.StatusOK {
		t.Errorf("tech report: %d", p.Status)
	}
}
