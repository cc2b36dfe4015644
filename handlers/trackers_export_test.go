package handlers_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// exportCSV downloads a CSV export and returns its records, header first.
func exportCSV(t *testing.T, b *portaltest.Browser, env *portaltest.Env, path string) [][]string {
	t.Helper()
	resp, body := download(t, b, env, path)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%s: status %d, type %q: %.300s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if !strings.Contains(resp.Header.Get("Content-Disposition"), `attachment; filename="trackers-`) {
		t.Errorf("not a tracker download: %q", resp.Header.Get("Content-Disposition"))
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestTrackerExportFollowsTheListState: the export holds every tracker the
// list's search, filters and sort select (not one page), in the list's
// order, with the owner's login and the plan's name resolved.
func TestTrackerExportFollowsTheListState(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	st := env.Sim.Store()
	plan, _ := st.Tariff(2) // Standard: the seed's most used plan

	// The list's Download control carries the same state.
	list := b.Get("/trackers?clones=exclude&tariff_id=2&sort=id&dir=desc&per_page=10")
	href := list.Doc.Find(`[data-testid="trackers-download-csv"]`).AttrOr("href", "")
	for _, want := range []string{"format=csv", "clones=exclude", "tariff_id=2", "sort=id", "dir=desc"} {
		if !strings.Contains(href, want) {
			t.Errorf("Download link %q lacks %s", href, want)
		}
	}
	if strings.Contains(href, "per_page") || strings.Contains(href, "page=") {
		t.Errorf("Download link %q is limited to a page", href)
	}
	form := list.Doc.Find(`[data-testid="trackers-export-form"]`)
	if form.Find(`input[type=hidden][name=tariff_id]`).AttrOr("value", "") != "2" || form.Find(`input[name=cols]`).Length() < 10 {
		t.Error("the column form does not carry the list state or the columns")
	}
	// A swap of the table brings the links and the form's state along out
	// of band, and leaves the column form itself as the staff member left it.
	part := b.Get("/trackers?q=abc&clones=exclude", portaltest.HTMX...)
	if part.Has(`[data-testid="trackers-export-form"]`) {
		t.Error("the partial re-sends the column form, which would close it and drop its ticks")
	}
	links, state := part.Doc.Find("#trackers-export-links"), part.Doc.Find("#trackers-export-state")
	if links.AttrOr("hx-swap-oob", "") != "true" || !strings.Contains(links.Find(`[data-testid="trackers-download-csv"]`).AttrOr("href", ""), "q=abc") {
		t.Error("the partial does not refresh the Download links out of band")
	}
	if state.AttrOr("hx-swap-oob", "") != "true" || state.Find(`input[name=q][value=abc]`).Length() != 1 || state.Find(`input[name=clones][value=exclude]`).Length() != 1 {
		t.Error("the partial does not refresh the column form's list state out of band")
	}

	env.Sim.ResetCalls()
	rows := exportCSV(t, b, env, href+"&cols=id,user_id,owner_login,plan_name,clone")
	if got := strings.Join(rows[0], "|"); got != "ID|Owner ID|Owner login|Plan|Clone" {
		t.Errorf("header %q", got)
	}
	var want []int
	for _, tr := range st.Trackers(0, st.TrackerCount()) {
		if !tr.Clone && tr.Source.TariffID == 2 {
			want = append(want, tr.ID)
		}
	}
	slices.Reverse(want)
	if len(want) < 100 {
		t.Fatalf("only %d trackers on plan 2 in the seed", len(want))
	}
	var got []int
	for _, r := range rows[1:] {
		id, _ := strconv.Atoi(r[0])
		got = append(got, id)
		tr, _ := st.Tracker(id)
		owner, _ := st.User(tr.UserID)
		if r[1] != strconv.Itoa(tr.UserID) || r[2] != owner.Login {
			t.Errorf("tracker %d: owner %q %q, want %d %q", id, r[1], r[2], tr.UserID, owner.Login)
		}
		if r[3] != plan.Name {
			t.Errorf("tracker %d: plan %q, want %q", id, r[3], plan.Name)
		}
		if r[4] != "No" {
			t.Errorf("tracker %d: clone %q", id, r[4])
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("exported %d trackers, want the %d the filters select, newest first", len(got), len(want))
	}
	// Plans read once; each owner read once.
	if n := env.Sim.CallCount("tariff/list"); n != 1 {
		t.Errorf("tariff/list called %d times", n)
	}
	owners := map[int]bool{}
	for _, id := range want {
		tr, _ := st.Tracker(id)
		owners[tr.UserID] = true
	}
	if n := env.Sim.CallCount("user/read"); n != len(owners) {
		t.Errorf("user/read called %d times for %d owners", n, len(owners))
	}

	// The search text: every row matches it.
	rows = exportCSV(t, b, env, "/trackers/export?q=telfmb9&cols=id,model_code")
	if len(rows) < 2 {
		t.Fatal("no tracker matches telfmb9")
	}
	for _, r := range rows[1:] {
		if r[1] != "telfmb920" {
			t.Errorf("row %v does not match the search", r)
		}
	}

	// Hostile labels stay text and cannot become formulas.
	rows = exportCSV(t, b, env, "/trackers/export?sort=id&cols=id,label")
	for _, r := range rows[1:] {
		if strings.HasPrefix(r[1], "=") || strings.HasPrefix(r[1], "+") || strings.HasPrefix(r[1], "@") {
			t.Errorf("label %q would run as a formula", r[1])
		}
	}
	if len(rows)-1 != st.TrackerCount() {
		t.Errorf("the whole list: %d rows, want %d", len(rows)-1, st.TrackerCount())
	}
}

// TestTrackerExportXLSX: the workbook has the chosen columns and every
// row, with yes/no and names in the staff member's words.
func TestTrackerExportXLSX(t *testing.T) {
	env := portaltest.New(t)
	b := admin(t, env)
	st := env.Sim.Store()
	resp, body := download(t, b, env, "/trackers/export?format=xlsx&clones=only&cols=id,owner_login,plan_name,clone,device_id")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	// Columns come in the file's order, whatever the order asked.
	if got := strings.Join(rows[0], "|"); got != "ID|Owner login|Device ID|Plan|Clone" {
		t.Errorf("header %q", got)
	}
	clones := 0
	for _, tr := range st.Trackers(0, st.TrackerCount()) {
		if tr.Clone {
			clones++
		}
	}
	if len(rows)-1 != clones || clones == 0 {
		t.Fatalf("%d rows, want the %d clones", len(rows)-1, clones)
	}
	for _, r := range rows[1:] {
		id, _ := strconv.Atoi(r[0])
		tr, _ := st.Tracker(id)
		owner, _ := st.User(tr.UserID)
		plan, _ := st.Tariff(tr.Source.TariffID)
		if r[1] != owner.Login || r[2] != tr.Source.DeviceID || r[3] != plan.Name || r[4] != "Yes" {
			t.Errorf("row %v, want %s %s %s Yes", r, owner.Login, tr.Source.DeviceID, plan.Name)
		}
	}
}

// TestTrackerExportPermissions: trackers: read opens the export; the owner
// login needs users: read and the plan name tariffs: read, else the
// columns stay empty (and nothing is asked for them).
func TestTrackerExportPermissions(t *testing.T) {
	env := portaltest.New(t)
	b := searchAs(t, env, "trk-export", map[string][]string{"base": {"get_dealer_info"}, "trackers": {"read"}})
	env.Sim.ResetCalls()
	rows := exportCSV(t, b, env, "/trackers/export?user_id=3&cols=id,user_id,owner_login,plan_name")
	if len(rows) < 2 {
		t.Fatal("user 3 has no trackers")
	}
	for _, r := range rows[1:] {
		if r[1] != "3" || r[2] != "" || r[3] != "" {
			t.Errorf("row %v: owner login and plan need their own permissions", r)
		}
	}
	if env.Sim.Attempts("user/read") != 0 || env.Sim.Attempts("tariff/list") != 0 {
		t.Error("the export asked for what the session may not read")
	}

	nob := searchAs(t, env, "no-trackers", map[string][]string{"base": {"get_dealer_info"}, "users": {"read"}})
	env.Sim.ResetCalls()
	if p := nob.Get("/trackers/export?format=csv"); p.Status != http.StatusForbidden || env.Sim.Attempts("tracker/list") != 0 {
		t.Errorf("without trackers: read: status %d, %d calls", p.Status, env.Sim.Attempts("tracker/list"))
	}
	if p := b.Get("/trackers/export?format=pdf"); p.Status != http.StatusBadRequest {
		t.Errorf("an unknown format: status %d", p.Status)
	}
	// A failing first page is an error page, not a broken file.
	env.Sim.SetFault("tracker/list", panelsim.Fault{Code: 1})
	if p := b.Get("/trackers/export"); p.Status < 400 || strings.Contains(p.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("a failing export: status %d, disposition %q", p.Status, p.Header.Get("Content-Disposition"))
	}
}

// TestTrackerExportStreams: the first rows reach the browser while the
// portal still waits for the last page of tracker/list: the export is
// written page by page, never held whole.
func TestTrackerExportStreams(t *testing.T) {
	sim := panelsim.New()
	release := make(chan struct{})
	var lastServed, waiting atomic.Bool
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), "tracker/list") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var p struct {
				Offset int `json:"offset"`
			}
			_ = json.Unmarshal(body, &p)
			if p.Offset > 0 {
				// The last page (the seed has 600 trackers, 500 a page)
				// waits until the test has read the first bytes.
				waiting.Store(true)
				select {
				case <-release:
				case <-time.After(3 * time.Second): // under the client's 5 s timeout
				}
				lastServed.Store(true)
			}
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	env := portaltest.New(t, portaltest.WithSim(sim, ts.URL+"/v2/panel"))
	b := admin(t, env)

	req, _ := http.NewRequest(http.MethodGet, env.URL+"/trackers/export?format=csv&cols=id,owner_login", nil)
	resp, err := b.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	br := bufio.NewReader(resp.Body)
	lines := 0
	for lines < 101 { // the header and 100 trackers of the first page
		if _, err := br.ReadString('\n'); err != nil {
			t.Fatalf("after %d lines: %v", lines, err)
		}
		lines++
	}
	if lastServed.Load() {
		t.Fatal("the first rows arrived only after the last page was served: the export is buffered")
	}
	for deadline := time.Now().Add(5 * time.Second); !waiting.Load(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the portal never asked for the last page")
		}
	}
	if te := resp.TransferEncoding; len(te) == 0 || te[0] != "chunked" {
		t.Errorf("transfer encoding %v, want chunked", te)
	}
	close(release)
	rest, err := io.ReadAll(br)
	if err != nil {
		t.Fatal(err)
	}
	total := lines + bytes.Count(rest, []byte("\n"))
	if want := 1 + env.Sim.Store().TrackerCount(); total != want {
		t.Errorf("%d lines, want %d", total, want)
	}
}
