package handlers_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

func codeRows(p *portaltest.Page) []string {
	var out []string
	p.Doc.Find(`[data-testid="code-row"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-code", ""))
	})
	return out
}

func storeCode(env *portaltest.Env, code string) (panelsim.ActivationCode, bool) {
	for _, c := range env.Sim.Store().ActivationCodes() {
		if c.Code == code {
			return c, true
		}
	}
	return panelsim.ActivationCode{}, false
}

func TestCodesListSearchSortPageAndFilter(t *testing.T) {
	env, b := trkLogin(t, "viewer")
	all := env.Sim.Store().ActivationCodes()
	p := b.Get("/codes")
	if p.Status != http.StatusOK || len(codeRows(p)) != 20 || !p.Has(`[data-testid="nav-codes"][aria-current="page"]`) {
		t.Fatalf("codes page: %d, %d rows", p.Status, len(codeRows(p)))
	}
	if !strings.Contains(p.Text(`[data-testid="total"]`), strconv.Itoa(len(all))) {
		t.Errorf("total %q, the dealer has %d codes", p.Text(`[data-testid="total"]`), len(all))
	}
	// Hostile plan names are text.
	if p.Has("td b") {
		t.Error("a plan name became markup")
	}
	// Sort by code, descending, page 2.
	p = b.Get("/codes?sort=code&dir=desc&page=2&per_page=10")
	rows := codeRows(p)
	codes := make([]string, len(all))
	for i, c := range all {
		codes[i] = c.Code
	}
	slices.Sort(codes)
	slices.Reverse(codes)
	if !slices.Equal(rows, codes[10:20]) {
		t.Errorf("page 2 by code desc: %v, want %v", rows, codes[10:20])
	}
	// Search by a code.
	p = b.Get("/codes?q=" + all[3].Code)
	if rows := codeRows(p); len(rows) != 1 || rows[0] != all[3].Code {
		t.Errorf("search %s: %v", all[3].Code, rows)
	}
	// Activated filter (the Panel has none: the portal filters), kept in the URL.
	for _, tc := range []struct {
		f    string
		want bool
	}{{"yes", true}, {"no", false}} {
		n := 0
		for _, c := range all {
			if c.Activated == tc.want {
				n++
			}
		}
		p = b.Get("/codes?activated=" + tc.f + "&per_page=50&sort=code")
		p.Doc.Find(`[data-testid="code-row"]`).Each(func(_ int, s *goquery.Selection) {
			if s.AttrOr("data-activated", "") != strconv.FormatBool(tc.want) {
				t.Errorf("activated=%s shows %s", tc.f, s.AttrOr("data-code", ""))
			}
		})
		if !strings.Contains(p.Text(`[data-testid="total"]`), strconv.Itoa(n)) {
			t.Errorf("activated=%s total %q, want %d", tc.f, p.Text(`[data-testid="total"]`), n)
		}
		if href := p.Doc.Find(`[data-testid="page-next"]`).AttrOr("href", ""); !strings.Contains(href, "activated="+tc.f) {
			t.Errorf("next page %q loses the filter", href)
		}
		if got := p.Doc.Find(`[data-testid="filter-activated"] option[selected]`).AttrOr("value", ""); got != tc.f {
			t.Errorf("filter shows %q", got)
		}
	}
	// htmx asks for the table alone.
	p = b.Get("/codes?activated=no", portaltest.HTMX...)
	if strings.Contains(p.Body, "<html") || !p.Has("#codes-table") {
		t.Error("the htmx list does not answer the table alone")
	}
	// A viewer gets no batch or bulk edit controls.
	p = b.Get("/codes")
	if p.Has(`[data-testid="codes-new"]`) || p.Has(`[data-testid="codes-bulk-form"]`) || p.Has(`input[name="codes"]`) {
		t.Error("viewer sees create or edit controls")
	}
}

func TestCodesExportCSV(t *testing.T) {
	env, b := trkLogin(t, "viewer")
	p := b.Get("/codes?activated=no&sort=code&q=1")
	href := p.Doc.Find(`[data-testid="codes-export"]`).AttrOr("href", "")
	if !strings.HasPrefix(href, "/codes/export.csv?") || !strings.Contains(href, "activated=no") || !strings.Contains(href, "q=1") {
		t.Fatalf("export link %q", href)
	}
	p = b.Get(href)
	if p.Status != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/csv") || !strings.Contains(p.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %s", p.Status, p.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(p.Body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, c := range env.Sim.Store().ActivationCodes() {
		if !c.Activated && (strings.Contains(c.Code, "1") || strings.Contains(strconv.Itoa(c.TariffID), "1") || strings.Contains(c.DeviceType, "1")) {
			want++
		}
	}
	if len(recs) != want+1 || recs[0][0] != "Code" {
		t.Fatalf("%d records, want %d and a header (%v)", len(recs), want+1, recs[0])
	}
	for _, r := range recs[1:] {
		if c, ok := storeCode(env, r[0]); !ok || c.Activated {
			t.Errorf("exported %v", r)
		}
		for _, cell := range r {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("a cell could run as a formula: %q", cell)
			}
		}
	}
}

func TestCodesCreateBatchShowsTheNewCodes(t *testing.T) {
	env, b := trkLogin(t, "admin")
	p := b.Get("/codes")
	if !p.Has(`[data-testid="codes-new"]`) {
		t.Fatal("admin has no create control")
	}
	p = b.Get("/codes/new")
	if p.Status != http.StatusOK || !p.Has(`select[name="tariff_id"] optgroup option[value="2"]`) {
		t.Fatalf("new codes form: %d", p.Status)
	}
	once := p.Doc.Find(`input[name="_once"]`).AttrOr("value", "")
	before := len(env.Sim.Store().ActivationCodes())
	form := url.Values{"count": {"4"}, "tariff_id": {"4"}, "bonus_amount": {"3"}, "free_days": {"5"}, "_once": {once}}
	p = b.Post("/codes/new", form)
	if p.Status != http.StatusOK || !strings.Contains(p.Text(`[data-testid="codes-created"]`), "4") {
		t.Fatalf("create: %d %q %s", p.Status, p.Text(`[data-testid="codes-created"]`), p.Text(".field-error"))
	}
	all := env.Sim.Store().ActivationCodes()
	if len(all) != before+4 {
		t.Fatalf("%d codes, had %d", len(all), before)
	}
	var shown []string
	p.Doc.Find(`[data-testid="new-code"] code`).Each(func(_ int, s *goquery.Selection) { shown = append(shown, s.Text()) })
	var made []string
	for _, c := range all[before:] {
		made = append(made, c.Code)
		if c.TariffID != 4 || c.BonusAmount != 3 || c.FreeDays != 5 || c.Activated {
			t.Errorf("new code %+v", c)
		}
	}
	slices.Sort(made)
	if !slices.Equal(shown, made) {
		t.Errorf("shown %v, made %v", shown, made)
	}
	if txt := p.Text(`[data-testid="new-codes-text"]`); !strings.Contains(txt, made[0]) {
		t.Errorf("copy box %q", txt)
	}
	// Sent again: no second batch.
	env.Sim.ResetCalls()
	p = b.Post("/codes/new", form)
	if p.Status != http.StatusSeeOther || env.Sim.Attempts("dealer/activation_code/create") != 0 {
		t.Errorf("resent: %d, %d creates", p.Status, env.Sim.Attempts("dealer/activation_code/create"))
	}
}

func TestCodesCreateRules(t *testing.T) {
	env, b := trkLogin(t, "admin")
	cases := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"count 0", url.Values{"count": {"0"}, "tariff_id": {"2"}, "bonus_amount": {"0"}, "free_days": {"0"}}, "count"},
		{"count too big", url.Values{"count": {"1001"}, "tariff_id": {"2"}, "bonus_amount": {"0"}, "free_days": {"0"}}, "count"},
		{"no plan", url.Values{"count": {"1"}, "bonus_amount": {"0"}, "free_days": {"0"}}, "tariff_id"},
		{"negative free days", url.Values{"count": {"1"}, "tariff_id": {"2"}, "bonus_amount": {"0"}, "free_days": {"-1"}}, "free_days"},
		{"fractional bonus", url.Values{"count": {"1"}, "tariff_id": {"2"}, "bonus_amount": {"1.5"}, "free_days": {"0"}}, "bonus_amount"},
		{"bonus missing", url.Values{"count": {"1"}, "tariff_id": {"2"}, "free_days": {"0"}}, "bonus_amount"},
	}
	for _, tc := range cases {
		env.Sim.ResetCalls()
		tc.form.Set("_once", b.Get("/codes/new").Doc.Find(`input[name="_once"]`).AttrOr("value", ""))
		p := b.Post("/codes/new", tc.form)
		if p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-`+tc.field+`"]`) {
			t.Errorf("%s: %d, error on %s %v", tc.name, p.Status, tc.field, p.Has(`[data-testid="error-`+tc.field+`"]`))
		}
		if n := env.Sim.Attempts("dealer/activation_code/create"); n != 0 {
			t.Errorf("%s reached the Panel", tc.name)
		}
	}
	// 201: the plan is not the dealer's.
	form := url.Values{"count": {"2"}, "tariff_id": {"424242"}, "bonus_amount": {"0"}, "free_days": {"0"}}
	form.Set("_once", b.Get("/codes/new").Doc.Find(`input[name="_once"]`).AttrOr("value", ""))
	p := b.Post("/codes/new", form)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="error-tariff_id"]`), "no such plan") {
		t.Errorf("201: %d %q", p.Status, p.Text(`[data-testid="error-tariff_id"]`))
	}
}

// A staff member with codes but no plans types the plan ID.
func TestCodesCreateWithoutTariffsRead(t *testing.T) {
	env := portaltest.New(t)
	env.Sim.AddAccount("codes", "codes", map[string][]string{"base": {"get_dealer_info"}, "activation_code": {"read", "create", "update"}})
	b := env.NewBrowser(t)
	b.Login("codes", "codes")
	env.Sim.ResetCalls()
	p := b.Get("/codes/new")
	if p.Status != http.StatusOK || !p.Has(`input[name="tariff_id"]`) || env.Sim.Attempts("tariff/list") != 0 {
		t.Errorf("form: %d, typed plan %v, tariff/list %d", p.Status, p.Has(`input[name="tariff_id"]`), env.Sim.Attempts("tariff/list"))
	}
	if p := b.Get("/codes"); p.Has(`[data-testid="code-plan"] a`) {
		t.Error("plans are links without tariffs: read")
	}
}

func TestCodesBulkEdit(t *testing.T) {
	env, b := trkLogin(t, "admin")
	var fresh, used []panelsim.ActivationCode
	for _, c := range env.Sim.Store().ActivationCodes() {
		switch {
		case !c.Activated && c.DeviceType == "tracker" && c.TariffID != 3 && len(fresh) < 2:
			fresh = append(fresh, c)
		case c.Activated && len(used) < 1:
			used = append(used, c)
		}
	}
	p := b.Get("/codes?q=" + fresh[0].Code)
	if !p.Has(`[data-testid="select-code-` + fresh[0].Code + `"]`) {
		t.Fatal("no checkbox on a code not activated")
	}
	p = b.Get("/codes?q=" + used[0].Code)
	if p.Has(`input[name="codes"]`) {
		t.Error("a checkbox on an activated code")
	}
	p = b.Get("/codes/edit?codes=" + fresh[0].Code + "&codes=" + fresh[1].Code + "&codes=" + used[0].Code)
	if p.Status != http.StatusOK || p.Doc.Find(`[data-testid="codes-edit-form"] input[name="codes"]`).Length() != 3 {
		t.Fatalf("edit form: %d", p.Status)
	}
	form := url.Values{"codes": {fresh[0].Code, fresh[1].Code, used[0].Code}, "tariff_id": {"3"}, "bonus_amount": {"7"}, "free_days": {"11"}}
	p = b.Post("/codes/edit", form)
	if p.Status != http.StatusOK || p.Text(`[data-testid="codes-edit-result"]`) != "Updated 2, failed 1." {
		t.Fatalf("result: %d %q", p.Status, p.Text(`[data-testid="codes-edit-result"]`))
	}
	for _, c := range fresh {
		if got, _ := storeCode(env, c.Code); got.TariffID != 3 || got.BonusAmount != 7 || got.FreeDays != 11 {
			t.Errorf("code %s now %+v", c.Code, got)
		}
	}
	if got, _ := storeCode(env, used[0].Code); got.TariffID == 3 && got.FreeDays == 11 {
		t.Error("the activated code changed")
	}
	// htmx swaps the result in place.
	p = b.Post("/codes/edit", form, portaltest.HTMX...)
	if strings.Contains(p.Body, "<html") || !p.Has(`#codes-edit [data-testid="codes-edit-result"]`) {
		t.Error("htmx bulk edit does not answer the result area")
	}
	// Rules and the 201 refusal.
	env.Sim.ResetCalls()
	for name, f := range map[string]url.Values{
		"no codes":  {"tariff_id": {"3"}, "bonus_amount": {"0"}, "free_days": {"0"}},
		"no plan":   {"codes": {fresh[0].Code}, "bonus_amount": {"0"}, "free_days": {"0"}},
		"free days": {"codes": {fresh[0].Code}, "tariff_id": {"3"}, "bonus_amount": {"0"}, "free_days": {"x"}},
	} {
		if p := b.Post("/codes/edit", f); p.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", name, p.Status)
		}
	}
	if env.Sim.Attempts("dealer/activation_code/update") != 0 {
		t.Error("an invalid bulk edit reached the Panel")
	}
	form.Set("tariff_id", "424242")
	if p := b.Post("/codes/edit", form); p.Status != http.StatusUnprocessableEntity || !p.Has(`[data-testid="error-tariff_id"]`) {
		t.Errorf("201 on update: %d", p.Status)
	}
	if p := b.Get("/codes/edit"); !p.Has(`[data-testid="codes-edit-none"]`) {
		t.Error("nothing selected: no notice")
	}
}

// The bulk edit requires activation_code: update, which the official
// console never checks: a session with read and create sees no checkbox,
// and a forged POST is refused before the Panel.
func TestCodesBulkEditNeedsUpdate(t *testing.T) {
	env := portaltest.New(t)
	env.Sim.AddAccount("maker", "maker", map[string][]string{"base": {"get_dealer_info"}, "activation_code": {"read", "create"}, "tariffs": {"read"}})
	b := env.NewBrowser(t)
	b.Login("maker", "maker")
	p := b.Get("/codes")
	if !p.Has(`[data-testid="codes-new"]`) || p.Has(`[data-testid="codes-bulk-form"]`) || p.Has(`input[name="codes"]`) {
		t.Errorf("create %v, bulk edit %v", p.Has(`[data-testid="codes-new"]`), p.Has(`[data-testid="codes-bulk-form"]`))
	}
	code := env.Sim.Store().ActivationCodes()[0].Code
	env.Sim.ResetCalls()
	if p := b.Get("/codes/edit?codes=" + code); p.Status != http.StatusForbidden {
		t.Errorf("GET edit: %d", p.Status)
	}
	if p := b.Post("/codes/edit", url.Values{"codes": {code}, "tariff_id": {"2"}, "bonus_amount": {"0"}, "free_days": {"0"}}); p.Status != http.StatusForbidden {
		t.Errorf("POST edit: %d", p.Status)
	}
	if n := totalAttempts(env); n != 0 {
		t.Errorf("%d upstream calls", n)
	}
}

// Tech and viewer read codes only.
func TestCodesForgedPostsFromReadOnlyStaff(t *testing.T) {
	for _, login := range []string{"tech", "viewer"} {
		env, b := trkLogin(t, login)
		p := b.Get("/codes")
		if p.Status != http.StatusOK || p.Has(`[data-testid="codes-new"]`) || p.Has(`input[name="codes"]`) {
			t.Errorf("%s: %d, controls shown", login, p.Status)
		}
		env.Sim.ResetCalls()
		for _, path := range []string{"/codes/new", "/codes/edit"} {
			if p := b.Post(path, url.Values{"count": {"5"}, "codes": {"1"}, "tariff_id": {"2"}, "bonus_amount": {"0"}, "free_days": {"0"}}); p.Status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d", login, path, p.Status)
			}
			if p := b.Get(path); p.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", login, path, p.Status)
			}
		}
		if n := totalAttempts(env); n != 0 {
			t.Errorf("%s: %d upstream calls", login, n)
		}
	}
}
