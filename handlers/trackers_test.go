package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// trkLogin starts a portal over a fresh emulator and signs in.
func trkLogin(t *testing.T, login string, opts ...portaltest.Option) (*portaltest.Env, *portaltest.Browser) {
	t.Helper()
	env := portaltest.New(t, opts...)
	b := env.NewBrowser(t)
	b.Login(login, login)
	return env, b
}

// trkOriginal finds a live original tracker (not a clone, not deleted,
// blocked or corrupted) with no clones, past the hostile records.
func trkOriginal(t *testing.T, env *portaltest.Env, skip ...int) panelsim.Tracker {
	t.Helper()
	st := env.Sim.Store()
	hasClone := map[int]bool{}
	all := st.Trackers(0, st.TrackerCount())
	for _, tr := range all {
		if tr.Clone {
			hasClone[tr.Source.ID] = true
		}
	}
next:
	for _, tr := range all {
		if tr.ID <= 12 || tr.Clone || tr.Deleted || tr.Source.Blocked || tr.Source.Corrupted || hasClone[tr.Source.ID] || tr.Source.TariffID == 0 {
			continue
		}
		if strings.HasPrefix(tr.Source.Model, "navixymobile") || strings.HasPrefix(tr.Source.Model, "iosnavixy") {
			continue
		}
		if p, ok := st.Tariff(tr.Source.TariffID); !ok || p.DeviceType != "tracker" {
			continue
		}
		for _, s := range skip {
			if s == tr.ID {
				continue next
			}
		}
		return tr
	}
	t.Fatal("no live original tracker in the seed")
	return panelsim.Tracker{}
}

// trkOtherUser is a user other than the given ones.
func trkOtherUser(env *portaltest.Env, not ...int) int {
	for id := 20; ; id++ {
		ok := true
		for _, n := range not {
			if n == id {
				ok = false
			}
		}
		if _, exists := env.Sim.Store().User(id); ok && exists {
			return id
		}
	}
}

func trkRows(p *portaltest.Page) []int {
	var ids []int
	p.Doc.Find(`[data-testid="trackers-table"] [data-testid="tracker-row"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := strconv.Atoi(s.AttrOr("data-id", ""))
		ids = append(ids, id)
	})
	return ids
}

func TestTrackerListShowsEveryColumnAndEscapesLabels(t *testing.T) {
	env, b := trkLogin(t, "admin")
	p := b.Get("/trackers")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	if got := len(trkRows(p)); got != 20 {
		t.Fatalf("rows on the first page: %d, want 20", got)
	}
	for _, col := range []string{"sort-id", "sort-label", "sort-status", "sort-model", "sort-device_id", "sort-phone", "sort-tariff_id", "sort-last_connection", "sort-creation_date"} {
		if !p.Has(`[data-testid="` + col + `"]`) {
			t.Errorf("no sortable column %s", col)
		}
	}
	row := func(id int) *goquery.Selection {
		return p.Doc.Find(`[data-testid="tracker-row"][data-id="` + strconv.Itoa(id) + `"]`)
	}
	// Hostile labels are text, not markup.
	want, _ := env.Sim.Store().Tracker(2)
	if got := strings.TrimSpace(row(2).Find(`[data-testid="tracker-label"]`).Text()); got != want.Label {
		t.Errorf("tracker 2 label %q, want %q", got, want.Label)
	}
	if p.Doc.Find("table script, table img, table svg").Length() > 0 || strings.Contains(p.Body, "<script>alert") {
		t.Error("a hostile label became markup")
	}
	if row(11).Find(`[data-testid="mark-clone"]`).Length() != 1 {
		t.Error("tracker 11 (a clone) has no clone mark")
	}
	if row(9).Find(`[data-testid="mark-deleted"]`).Length() != 1 {
		t.Error("tracker 9 (deleted) has no deleted mark")
	}
	if href, _ := row(3).Find(`[data-testid="owner-link"]`).Attr("href"); href != "/users/3" {
		t.Errorf("owner link %q", href)
	}
	tr3, _ := env.Sim.Store().Tracker(3)
	if href, _ := row(3).Find(`[data-testid="plan-link"]`).Attr("href"); href != "/plans/"+strconv.Itoa(tr3.Source.TariffID) {
		t.Errorf("plan link %q", href)
	}
	if row(3).Find(`[data-testid="tracker-status"]`).Length() != 1 {
		t.Error("no connection status")
	}
	if cur, _ := p.Doc.Find(`[data-testid="nav-trackers"]`).Attr("aria-current"); cur != "page" {
		t.Error("the Trackers section is not marked current")
	}
	if !p.Has(`[data-testid="bulk-form"]`) || !p.Has(`[data-testid="select-1"]`) {
		t.Error("admin sees no bulk actions")
	}
}

func TestTrackerListStateLivesInTheURL(t *testing.T) {
	env, b := trkLogin(t, "admin")

	// Sorting by ID descending puts the highest ID first.
	p := b.Get("/trackers?sort=id&dir=desc")
	rows := trkRows(p)
	if len(rows) == 0 || rows[0] != env.Sim.Store().TrackerCount() {
		t.Errorf("sort=id desc starts with %v, want %d", rows[:min(3, len(rows))], env.Sim.Store().TrackerCount())
	}
	if s, _ := p.Doc.Find(`[data-testid="sort-id"]`).Attr("aria-sort"); s != "descending" {
		t.Errorf("aria-sort %q", s)
	}

	// Every filter rides along in the sort and page links.
	q := "/trackers?q=Truck&sort=label&dir=desc&per_page=10&clones=exclude&tariff_id=2"
	p = b.Get(q)
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	href, _ := p.Doc.Find(`[data-testid="sort-id"] a`).Attr("href")
	u, _ := url.Parse(href)
	for k, v := range map[string]string{"q": "Truck", "sort": "id", "dir": "", "per_page": "10", "clones": "exclude", "tariff_id": "2", "page": ""} {
		if got := u.Query().Get(k); got != v {
			t.Errorf("sort link %s=%q, want %q (%s)", k, got, v, href)
		}
	}
	p = b.Get("/trackers?sort=label&dir=desc&per_page=10&clones=exclude")
	href, _ = p.Doc.Find(`[data-testid="page-next"]`).Attr("href")
	u, _ = url.Parse(href)
	for k, v := range map[string]string{"sort": "label", "dir": "desc", "per_page": "10", "clones": "exclude", "page": "2"} {
		if got := u.Query().Get(k); got != v {
			t.Errorf("next-page link %s=%q, want %q (%s)", k, got, v, href)
		}
	}
	p = b.Get(q)
	if len(trkRows(p)) == 0 {
		t.Error("no originals labelled Truck on plan 2")
	}
	for _, id := range trkRows(p) {
		tr, _ := env.Sim.Store().Tracker(id)
		if tr.Clone || tr.Source.TariffID != 2 {
			t.Errorf("tracker %d in a list of originals on plan 2 (clone %v, plan %d)", id, tr.Clone, tr.Source.TariffID)
		}
	}
	if v, _ := p.Doc.Find(`[data-testid="filter-clones"] option[selected]`).Attr("value"); v != "exclude" {
		t.Errorf("clones filter shows %q", v)
	}

	// Owner filter and clones only.
	p = b.Get("/trackers?user_id=2&clones=only")
	rows = trkRows(p)
	if len(rows) == 0 {
		t.Fatal("user 2 has no clones in the list (the seed gives them tracker 11)")
	}
	for _, id := range rows {
		tr, _ := env.Sim.Store().Tracker(id)
		if tr.UserID != 2 || !tr.Clone {
			t.Errorf("tracker %d (user %d, clone %v) in user 2's clones", id, tr.UserID, tr.Clone)
		}
	}

	// Nonsense in the URL falls back to the defaults instead of failing.
	p = b.Get("/trackers?sort=evil&dir=sideways&page=0&per_page=7&clones=maybe&user_id=abc&tariff_id=-3")
	if p.Status != http.StatusOK || len(trkRows(p)) != 20 {
		t.Errorf("bad URL state: status %d, %d rows", p.Status, len(trkRows(p)))
	}
	// A page past the end shows the last page.
	p = b.Get("/trackers?page=999")
	if got := p.Text(`[data-testid="page-of"]`); !strings.HasPrefix(got, "Page "+strconv.Itoa((env.Sim.Store().TrackerCount()+19)/20)+" of") {
		t.Errorf("page 999 shows %q", got)
	}

	// htmx swaps the table alone.
	p = b.Get("/trackers?sort=label", append(portaltest.HTMX, "HX-Target", "trackers-table")...)
	if strings.Contains(p.Body, "<html") || !p.Has(`#trackers-table`) || p.Has(`[data-testid="list-search"]`) {
		t.Error("the htmx answer is not the table alone")
	}
}

func TestTrackerLinksFollowPermissions(t *testing.T) {
	env := portaltest.New(t)
	env.Sim.AddAccount("trkonly", "trkonly", map[string][]string{"base": {"get_dealer_info"}, "trackers": {"read"}})
	b := env.NewBrowser(t)
	b.Login("trkonly", "trkonly")
	p := b.Get("/trackers")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	if p.Has(`[data-testid="owner-link"]`) || p.Has(`[data-testid="plan-link"]`) {
		t.Error("owner or plan linked without users: read / tariffs: read")
	}
	if !p.Has(`[data-testid="owner-text"]`) || !p.Has(`[data-testid="plan-text"]`) {
		t.Error("owner or plan missing as text")
	}
	if p.Has(`[data-testid="bulk-form"]`) || p.Has(`[data-testid="register-box"]`) {
		t.Error("a read-only account sees bulk actions or tracker registration")
	}
	if env.Sim.Attempts("tariff/list") != 0 || env.Sim.Attempts("user/read") != 0 {
		t.Error("the list read plans or users without the permission")
	}
	p = b.Get("/trackers/3")
	if p.Status != http.StatusOK || p.Has(`[data-testid="owner-link"]`) || p.Has(`[data-testid="plan-link"]`) {
		t.Errorf("detail: status %d, links shown without permission", p.Status)
	}
}

func TestTrackerDetailShowsEveryFieldAndItsClones(t *testing.T) {
	env, b := trkLogin(t, "admin")
	want, _ := env.Sim.Store().Tracker(1)
	p := b.Get("/trackers/1")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	if got := p.Text(`[data-testid="tracker-title"]`); got != want.Label {
		t.Errorf("title %q, want %q", got, want.Label)
	}
	if got := p.Text(`[data-testid="prop-device-id"]`); got != want.Source.DeviceID {
		t.Errorf("device id %q", got)
	}
	if href, _ := p.Doc.Find(`[data-testid="prop-owner"] [data-testid="owner-link"]`).Attr("href"); href != "/users/1" {
		t.Errorf("owner link %q", href)
	}
	if href, _ := p.Doc.Find(`[data-testid="prop-plan"] [data-testid="plan-link"]`).Attr("href"); href != "/plans/"+strconv.Itoa(want.Source.TariffID) {
		t.Errorf("plan link %q", href)
	}
	plan, _ := env.Sim.Store().Tariff(want.Source.TariffID)
	if got := p.Text(`[data-testid="prop-plan"] [data-testid="plan-link"]`); got != plan.Name {
		t.Errorf("plan named %q, want %q", got, plan.Name)
	}
	// The owner's login and the clones come in the fragments the page
	// loads once shown.
	if p.Has(`[data-testid="clones-table"]`) || p.Has(`[data-testid="owner-login"]`) {
		t.Error("the page itself waited for the owner or the clones")
	}
	owner := trkFragment(t, b, p, "prop-owner", "/trackers/1/owner?user_id=1")
	wantOwner, _ := env.Sim.Store().User(1)
	if got := owner.Text(`[data-testid="owner-login"]`); got != "· "+wantOwner.Login {
		t.Errorf("owner login %q, want %q", got, wantOwner.Login)
	}
	if href, _ := owner.Doc.Find(`[data-testid="owner-link"]`).Attr("href"); href != "/users/1" {
		t.Errorf("owner fragment links %q", href)
	}
	family := trkFragment(t, b, p, "tracker-family", "/trackers/1/clones?device_id="+url.QueryEscape(want.Source.DeviceID))
	if !family.Has(`[data-testid="clones-table"] [data-testid="tracker-row"][data-id="11"]`) {
		t.Error("tracker 1's clone 11 is not listed")
	}
	if family.Doc.Find("script, img").Length() > 0 {
		t.Error("a hostile label in the clones became markup")
	}
	if p.Doc.Find("main script, main img").Length() > 0 {
		t.Error("hostile label became markup")
	}
	for _, id := range []string{"action-edit", "action-move", "action-clone", "action-plan", "action-console", "action-corrupt", "action-device-settings", "dlg-move", "dlg-corrupt"} {
		if !p.Has(`[data-testid="` + id + `"]`) {
			t.Errorf("admin lacks %s", id)
		}
	}
	if p.Has(`[data-testid="action-delete-clone"]`) {
		t.Error("an original offers delete clone")
	}

	p = b.Get("/trackers/11")
	clone, _ := env.Sim.Store().Tracker(11)
	family = trkFragment(t, b, p, "tracker-family", "/trackers/11/clones?device_id="+url.QueryEscape(clone.Source.DeviceID))
	if href, _ := family.Doc.Find(`[data-testid="clone-of"]`).Attr("href"); href != "/trackers/1" {
		t.Errorf("clone 11 does not name its original: %q", href)
	}
	if family.Has(`[data-testid="clones-table"]`) {
		t.Error("a clone lists clones of its own")
	}
	if !p.Has(`[data-testid="action-delete-clone"]`) || p.Has(`[data-testid="action-move"]`) || p.Has(`[data-testid="action-plan"]`) {
		t.Error("a clone offers the wrong actions")
	}

	if p := b.Get("/trackers/99999999"); p.Status != http.StatusNotFound {
		t.Errorf("unknown tracker: %d", p.Status)
	}
	if p := b.Get("/trackers/abc"); p.Status != http.StatusNotFound {
		t.Errorf("non-numeric id: %d", p.Status)
	}
}

func TestTrackerEditSettingsAndSource(t *testing.T) {
	env, b := trkLogin(t, "admin")
	tr := trkOriginal(t, env)
	path := "/trackers/" + strconv.Itoa(tr.ID)
	if p := b.Get(path + "/edit"); p.Status != http.StatusOK || !p.Has(`[data-testid="settings-form"]`) {
		t.Fatalf("edit page %d", p.Status)
	}
	p := b.Post(path+"/settings", url.Values{"label": {"Ambulance «Север» 7"}, "comment": {"New SIM\r\nin May"}})
	if p.Status != http.StatusSeeOther || p.Location() != path {
		t.Fatalf("save: %d %s", p.Status, p.Location())
	}
	got, _ := env.Sim.Store().Tracker(tr.ID)
	if got.Label != "Ambulance «Север» 7" || got.Comment != "New SIM\nin May" || got.Deleted {
		t.Errorf("saved %q / %q / deleted %v", got.Label, got.Comment, got.Deleted)
	}
	if p := b.Get(path); p.Text(`[data-testid="flash"]`) != "Saved." {
		t.Errorf("flash %q", p.Text(`[data-testid="flash"]`))
	}

	// The documented label rules are checked before any call.
	before := env.Sim.Attempts("tracker/settings/update")
	for _, label := range []string{"", "<b>x</b>", strings.Repeat("x", 61), "tab\there"} {
		p = b.Post(path+"/settings", url.Values{"label": {label}})
		if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-label"]`) {
			t.Errorf("label %q: status %d", label, p.Status)
		}
	}
	if env.Sim.Attempts("tracker/settings/update") != before {
		t.Error("an invalid label reached the Panel")
	}

	p = b.Post(path+"/source", url.Values{"blocked": {"true"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("block: %d", p.Status)
	}
	if got, _ := env.Sim.Store().Tracker(tr.ID); !got.Source.Blocked {
		t.Error("the device was not blocked")
	}

	// A corrupted device refuses changes (252): said on the form.
	env.Sim.SetFault("tracker/settings/update", panelsim.Fault{Code: 252})
	p = b.Post(path+"/settings", url.Values{"label": {"x"}})
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="form-error"]`), "cancelled") {
		t.Errorf("252: %d %q", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	env.Sim.SetFault("tracker/settings/update", panelsim.Fault{Code: 201})
	if p = b.Post(path+"/settings", url.Values{"label": {"x"}}); p.Status != http.StatusNotFound {
		t.Errorf("201: %d", p.Status)
	}
}

func TestTrackerMoveFollowsTheNewID(t *testing.T) {
	env, b := trkLogin(t, "admin")
	tr := trkOriginal(t, env)
	to := trkOtherUser(env, tr.UserID)
	path := "/trackers/" + strconv.Itoa(tr.ID)
	if p := b.Get(path + "/move"); p.Status != http.StatusOK || !p.Has(`[data-testid="move-warning"]`) {
		t.Fatalf("move page %d, warning shown: %v", p.Status, p.Has(`[data-testid="move-warning"]`))
	}
	p := b.Post(path+"/move", url.Values{"user_id": {strconv.Itoa(to)}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("move: %d %s", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	newID, _ := strconv.Atoi(strings.TrimPrefix(p.Location(), "/trackers/"))
	moved, ok := env.Sim.Store().Tracker(newID)
	if !ok || moved.UserID != to {
		t.Fatalf("after the move the portal went to %s; that tracker has owner %d (want %d)", p.Location(), moved.UserID, to)
	}
	if p := b.Get(p.Location()); p.Status != http.StatusOK || !strings.Contains(p.Text(`[data-testid="flash"]`), "owner") {
		t.Errorf("moved tracker page %d, flash %q", p.Status, p.Text(`[data-testid="flash"]`))
	}

	// When the Panel answers without an id, the page stays on the old one.
	other := trkOriginal(t, env, tr.ID, newID)
	env.Sim.SetFault("tracker/move", panelsim.Fault{Body: `{"success":true}`})
	p = b.Post("/trackers/"+strconv.Itoa(other.ID)+"/move", url.Values{"user_id": {strconv.Itoa(trkOtherUser(env, other.UserID))}})
	if p.Location() != "/trackers/"+strconv.Itoa(other.ID) {
		t.Errorf("id 0: went to %q", p.Location())
	}
	env.Sim.ClearFaults()

	cases := []struct {
		name    string
		tracker int
		user    string
		field   string
		text    string
	}{
		{"clone (219)", 11, "30", "form-error", "clone"},
		{"same owner (246)", other.ID, strconv.Itoa(other.UserID), "error-user_id", "another user"},
		{"user has a clone (247)", 1, "2", "error-user_id", "already has a clone"},
		{"no user", other.ID, "", "error-user_id", "user ID"},
		{"not a number", other.ID, "smith", "error-user_id", "user ID"},
	}
	for _, c := range cases {
		p := b.Post("/trackers/"+strconv.Itoa(c.tracker)+"/move", url.Values{"user_id": {c.user}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="`+c.field+`"]`), c.text) {
			t.Errorf("%s: status %d, %s = %q", c.name, p.Status, c.field, p.Text(`[data-testid="`+c.field+`"]`))
		}
	}
	env.Sim.SetFault("tracker/move", panelsim.Fault{Code: 252})
	if p := b.Post("/trackers/"+strconv.Itoa(other.ID)+"/move", url.Values{"user_id": {"40"}}); p.Status != http.StatusUnprocessableEntity && p.Status != http.StatusGone {
		t.Errorf("252: %d", p.Status)
	}
}

func TestTrackerCloneAndDeleteClone(t *testing.T) {
	env, b := trkLogin(t, "admin")
	tr := trkOriginal(t, env)
	to := trkOtherUser(env, tr.UserID)
	path := "/trackers/" + strconv.Itoa(tr.ID)
	p := b.Post(path+"/clone", url.Values{"user_id": {strconv.Itoa(to)}, "label": {"Courier copy"}})
	if p.Status != http.StatusSeeOther || p.Location() != path {
		t.Fatalf("clone: %d %s %s", p.Status, p.Location(), p.Text(`[data-testid="form-error"]`))
	}
	page := b.Get(path)
	flash := page.Text(`[data-testid="flash"]`)
	if !strings.HasPrefix(flash, "Clone #") {
		t.Fatalf("flash %q", flash)
	}
	cloneID, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(flash, "Clone #"), " created."))
	clone, ok := env.Sim.Store().Tracker(cloneID)
	if !ok || !clone.Clone || clone.UserID != to || clone.Label != "Courier copy" {
		t.Fatalf("clone %d: %+v", cloneID, clone)
	}
	family := trkFragment(t, b, page, "tracker-family", "/trackers/"+strconv.Itoa(tr.ID)+"/clones?device_id="+url.QueryEscape(tr.Source.DeviceID))
	if !family.Has(`[data-testid="clones-table"] [data-testid="tracker-row"][data-id="` + strconv.Itoa(cloneID) + `"]`) {
		t.Error("the new clone is not among the tracker's clones")
	}

	cases := []struct {
		name, tracker, user, label, field, text string
	}{
		{"of a clone (219)", "11", "30", "x", "form-error", "clone"},
		{"to the owner (246)", strconv.Itoa(tr.ID), strconv.Itoa(tr.UserID), "x", "error-user_id", "owner"},
		{"again (247)", strconv.Itoa(tr.ID), strconv.Itoa(to), "x", "error-user_id", "already has a clone"},
		{"no label", strconv.Itoa(tr.ID), "30", "", "error-label", "label"},
	}
	for _, c := range cases {
		p := b.Post("/trackers/"+c.tracker+"/clone", url.Values{"user_id": {c.user}, "label": {c.label}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="`+c.field+`"]`), c.text) {
			t.Errorf("%s: status %d, %s = %q", c.name, p.Status, c.field, p.Text(`[data-testid="`+c.field+`"]`))
		}
	}

	// Deleting: an original is refused (249), rules bound to the clone
	// are named (203), and a clone goes.
	p = b.Post(path+"/delete-clone", nil)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="form-error"]`), "not a clone") {
		t.Errorf("delete an original: %d %q", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	env.Sim.SetFault("tracker/delete_clone", panelsim.Fault{Status: 400, Body: `{"success":false,"status":{"code":203,"description":"Delete entity associated with"},"rules":[10,12]}`})
	p = b.Post("/trackers/"+strconv.Itoa(cloneID)+"/delete-clone", nil)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="form-error"]`), "#10, #12") {
		t.Errorf("203: %d %q", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	env.Sim.ClearFaults()
	p = b.Post("/trackers/"+strconv.Itoa(cloneID)+"/delete-clone", nil)
	if p.Status != http.StatusSeeOther || p.Location() != "/trackers" {
		t.Fatalf("delete clone: %d %s", p.Status, p.Location())
	}
	if _, ok := env.Sim.Store().Tracker(cloneID); ok {
		t.Error("the clone is still there")
	}
}

// trkOnce reads the one-time token of the plan form on a page.
func trkOnce(t *testing.T, b *portaltest.Browser, path string) string {
	t.Helper()
	tok, ok := b.Get(path).Doc.Find(`input[name="_once"]`).Attr("value")
	if !ok || tok == "" {
		t.Fatalf("%s has no one-time token", path)
	}
	return tok
}

func TestTrackerPlanChange(t *testing.T) {
	env, b := trkLogin(t, "admin")
	tr := trkOriginal(t, env)
	path := "/trackers/" + strconv.Itoa(tr.ID)
	p := b.Get(path + "/plan")
	if p.Status != http.StatusOK {
		t.Fatalf("plan page %d", p.Status)
	}
	var choices []int
	p.Doc.Find(`[data-testid="plan-tariff_id"] option`).Each(func(_ int, s *goquery.Selection) {
		if id, err := strconv.Atoi(s.AttrOr("value", "")); err == nil {
			choices = append(choices, id)
		}
	})
	if len(choices) == 0 {
		t.Fatal("no plans offered")
	}
	for _, id := range choices {
		pl, _ := env.Sim.Store().Tariff(id)
		if id == tr.Source.TariffID || pl.DeviceType != "tracker" {
			t.Errorf("plan %d offered (current %d, device type %s)", id, tr.Source.TariffID, pl.DeviceType)
		}
	}
	if _, ok := p.Doc.Find(`[data-testid="plan-repay"]`).Attr("checked"); !ok {
		t.Error("repay is not checked by default")
	}
	if !strings.Contains(p.Text("fieldset"), "1st of next month") {
		t.Error("the charge choice is not explained")
	}
	target := choices[0]
	for _, id := range choices {
		if pl, _ := env.Sim.Store().Tariff(id); pl.Active && pl.DeviceLimit >= 100 {
			target = id
			break
		}
	}
	tok := trkOnce(t, b, path+"/plan")
	form := url.Values{"tariff_id": {strconv.Itoa(target)}, "repay": {"true"}, "_once": {tok}}
	p = b.Post(path+"/plan", form)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("change: %d %s %s", p.Status, p.Text(`[data-testid="form-error"]`), p.Text(`[data-testid="error-tariff_id"]`))
	}
	if got, _ := env.Sim.Store().Tracker(tr.ID); got.Source.TariffID != target {
		t.Errorf("plan is %d, want %d", got.Source.TariffID, target)
	}
	// The same form sent again (double click, "resend form") is refused
	// before the Panel: the owner is not charged twice.
	attempts := env.Sim.Attempts("tracker/tariff/change")
	p = b.Post(path+"/plan", form)
	if p.Status != http.StatusSeeOther || env.Sim.Attempts("tracker/tariff/change") != attempts {
		t.Errorf("resent form: %d, attempts %d -> %d", p.Status, attempts, env.Sim.Attempts("tracker/tariff/change"))
	}
	if f := b.Get(path).Text(`[data-testid="flash"]`); !strings.Contains(f, "already sent") {
		t.Errorf("resent form flash %q", f)
	}
	// A form without its token is refused too.
	if p := b.Post(path+"/plan", url.Values{"tariff_id": {strconv.Itoa(target)}}); p.Status != http.StatusUnprocessableEntity || env.Sim.Attempts("tracker/tariff/change") != attempts {
		t.Errorf("no token: %d", p.Status)
	}

	other := trkOriginal(t, env, tr.ID)
	for _, c := range []struct {
		name    string
		tracker string
		fault   int
		text    string
	}{
		{"clone (219)", "11", 0, "original"},
		{"deleted (250)", "9", 0, "deleted"},
		{"not allowed (238)", strconv.Itoa(other.ID), 238, "not allowed"},
		{"no such plan (239)", strconv.Itoa(other.ID), 239, "does not exist"},
		{"too often (240)", strconv.Itoa(other.ID), 240, "too recently"},
		{"device limit (221)", strconv.Itoa(other.ID), 221, "fewer devices"},
	} {
		env.Sim.ClearFaults()
		if c.fault != 0 {
			env.Sim.SetFault("tracker/tariff/change", panelsim.Fault{Code: c.fault})
		}
		tok := trkOnce(t, b, "/trackers/"+c.tracker+"/plan")
		p := b.Post("/trackers/"+c.tracker+"/plan", url.Values{"tariff_id": {strconv.Itoa(target)}, "_once": {tok}})
		msg := p.Text(`[data-testid="form-error"]`) + p.Text(`[data-testid="error-tariff_id"]`)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(msg, c.text) {
			t.Errorf("%s: status %d, message %q", c.name, p.Status, msg)
		}
	}
	env.Sim.ClearFaults()
	before := env.Sim.Attempts("tracker/tariff/change")
	if p := b.Post(path+"/plan", url.Values{"tariff_id": {""}}); p.Status != http.StatusUnprocessableEntity || env.Sim.Attempts("tracker/tariff/change") != before {
		t.Error("a change without a plan reached the Panel")
	}
}

func TestTrackerCorruptNeedsTheAgreement(t *testing.T) {
	env, b := trkLogin(t, "admin")
	tr := trkOriginal(t, env)
	path := "/trackers/" + strconv.Itoa(tr.ID)
	page := b.Get(path + "/corrupt")
	if !page.Has(`[data-testid="corrupt-confirm"][required]`) {
		t.Error("the no-script confirm page has no required agreement box")
	}
	p := b.Post(path+"/corrupt", url.Values{"corrupt_clones": {"true"}})
	if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-confirm"]`) || env.Sim.Attempts("tracker/corrupt") != 0 {
		t.Fatalf("without the agreement: %d, attempts %d", p.Status, env.Sim.Attempts("tracker/corrupt"))
	}
	// With clones kept, a tracker that has clones is refused (253) and
	// they are named.
	p = b.Post("/trackers/1/corrupt", url.Values{"confirm": {"true"}})
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="form-error"]`), "#11") {
		t.Errorf("253: %d %q", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	p = b.Post(path+"/corrupt", url.Values{"confirm": {"true"}, "corrupt_clones": {"true"}})
	if p.Status != http.StatusSeeOther || p.Location() != "/trackers" {
		t.Fatalf("corrupt: %d %s", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	if got, _ := env.Sim.Store().Tracker(tr.ID); !got.Source.Corrupted {
		t.Error("not corrupted")
	}
	if p := b.Get(path); p.Status != http.StatusGone || !p.Has(`[data-testid="tracker-gone"]`) {
		t.Errorf("a corrupted tracker's page: %d", p.Status)
	}
}

func TestTrackerRegisterRetry(t *testing.T) {
	env, b := trkLogin(t, "admin")
	tr := trkOriginal(t, env)
	path := "/trackers/" + strconv.Itoa(tr.ID)
	p := b.Post(path+"/register-retry", nil)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("retry: %d %s", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	p = b.Post(path+"/register-retry", nil)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="form-error"]`), "2 minutes") {
		t.Errorf("second retry (264): %d %q", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	p = b.Post("/trackers/11/register-retry", nil)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="form-error"]`), "clone") {
		t.Errorf("clone (219): %d %q", p.Status, p.Text(`[data-testid="form-error"]`))
	}
}

func TestTrackerUserPicker(t *testing.T) {
	env, b := trkLogin(t, "admin")
	u, _ := env.Sim.Store().User(42)
	p := b.Get("/trackers/user-picker?user_id="+url.QueryEscape(u.Login), portaltest.HTMX...)
	if p.Status != http.StatusOK {
		t.Fatalf("picker: %d", p.Status)
	}
	if v, _ := p.Doc.Find(`option`).First().Attr("value"); v != "42" {
		t.Errorf("picker for %q offers %q", u.Login, v)
	}
	if strings.Contains(p.Body, "<html") {
		t.Error("the picker answered a whole page")
	}
	// Hostile names are text inside the options.
	p = b.Get("/trackers/user-picker?q=script", portaltest.HTMX...)
	if strings.Contains(p.Body, "<script>") {
		t.Error("a user's name became markup in the picker")
	}
}

func TestTrackerOpensTheOwnersApplication(t *testing.T) {
	env, b := trkLogin(t, "admin")
	tr := trkOriginal(t, env)
	p := b.Post("/trackers/register", url.Values{"user_id": {"5"}})
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "https://demo.navixy.com/pro/applications/registration/?session_key=") {
		t.Fatalf("register: %d %q", p.Status, p.Location())
	}
	hash := strings.TrimPrefix(p.Location(), "https://demo.navixy.com/pro/applications/registration/?session_key=")
	if hash == "" || strings.Contains(env.Logs(), hash) {
		t.Error("the user's session hash is empty or was logged")
	}
	p = b.Post("/trackers/"+strconv.Itoa(tr.ID)+"/device-settings", nil)
	if p.Status != http.StatusSeeOther || !strings.HasSuffix(p.Location(), "#/tracker/"+strconv.Itoa(tr.ID)+"/settings") {
		t.Fatalf("settings: %d %q", p.Status, p.Location())
	}
	page := b.Get("/trackers/" + strconv.Itoa(tr.ID))
	form := page.Doc.Find(`[data-testid="device-settings-form"]`)
	if form.AttrOr("target", "") != "_blank" || form.AttrOr("rel", "") != "noopener noreferrer" || form.AttrOr("method", "") != "post" {
		t.Error("the settings form does not open a new tab safely")
	}
	if strings.Contains(page.Body, "session_key") {
		t.Error("a page carries a session key")
	}

	// Custom addresses from the options.
	_, b2 := trkLogin(t, "admin", portaltest.WithOptions(func(o *handlers.Options) {
		o.TrackerRegisterURL = "https://apps.example.com/{domain}/reg?k={hash}"
	}))
	p = b2.Post("/trackers/register", url.Values{"user_id": {"5"}})
	if !strings.HasPrefix(p.Location(), "https://apps.example.com/demo.navixy.com/reg?k=") {
		t.Errorf("custom register URL: %q", p.Location())
	}
}

func TestTrackerI18nKeysHaveRussian(t *testing.T) {
	en, ru := i18n.Keys()
	for k := range en {
		for _, prefix := range []string{"trackers.", "console.", "plans.", "reports."} {
			if strings.HasPrefix(k, prefix) && ru[k] == "" {
				t.Errorf("%s has no Russian text", k)
			}
		}
	}
	for k := range ru {
		if en[k] == "" {
			t.Errorf("%s has Russian text only", k)
		}
	}
}

func TestDashboardCountsTrackers(t *testing.T) {
	env, b := trkLogin(t, "viewer")
	p := b.Get("/")
	want := env.Sim.Store().TrackerCount()
	if got := p.Text(`[data-testid="card-trackers"] a`); got != strconv.Itoa(want) && got != strings.ReplaceAll(strconv.FormatFloat(float64(want)/1000, 'f', 3, 64), ".", ",") {
		t.Errorf("trackers card %q, want %d", got, want)
	}
	env.Sim.AddAccount("usersonly", "usersonly", map[string][]string{"base": {"get_dealer_info"}, "users": {"read"}})
	b2 := env.NewBrowser(t)
	b2.Login("usersonly", "usersonly")
	before := env.Sim.Attempts("tracker/list")
	if p := b2.Get("/"); p.Has(`[data-testid="card-trackers"]`) || env.Sim.Attempts("tracker/list") != before {
		t.Error("the trackers card shows without trackers: read")
	}
}
