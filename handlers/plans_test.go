package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/portaltest"
)

func planRows(p *portaltest.Page) []int {
	var ids []int
	p.Doc.Find(`[data-testid="plan-row"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := strconv.Atoi(s.AttrOr("data-id", ""))
		ids = append(ids, id)
	})
	return ids
}

func TestPlanListShowsDefaultsAndSorts(t *testing.T) {
	env, b := trkLogin(t, "viewer")
	p := b.Get("/plans")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	rows := planRows(p)
	if len(rows) != len(env.Sim.Store().Tariffs()) {
		t.Errorf("%d plans shown, the dealer has %d", len(rows), len(env.Sim.Store().Tariffs()))
	}
	defaults := map[int]bool{}
	p.Doc.Find(`[data-testid="plan-row"]`).Each(func(_ int, s *goquery.Selection) {
		if s.Find(`[data-testid="plan-default"]`).Length() > 0 {
			id, _ := strconv.Atoi(s.AttrOr("data-id", ""))
			defaults[id] = true
		}
	})
	if !defaults[2] || !defaults[9] || len(defaults) != 2 {
		t.Errorf("default badges on %v, want plans 2 (trackers) and 9 (cameras)", defaults)
	}
	hostile, _ := env.Sim.Store().Tariff(8)
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="plan-row"][data-id="8"] [data-testid="plan-name"]`).Text()); got != hostile.Name {
		t.Errorf("plan 8 name %q, want %q", got, hostile.Name)
	}
	if p.Has("table b") {
		t.Error("a plan name became markup")
	}
	if !strings.Contains(p.Text(`[data-testid="plan-row"][data-id="1"]`), "Monthly") {
		t.Error("plan type not in words")
	}

	p = b.Get("/plans?sort=price&dir=desc")
	rows = planRows(p)
	best := 0.0
	for _, pl := range env.Sim.Store().Tariffs() {
		best = max(best, pl.Price)
	}
	if top, _ := env.Sim.Store().Tariff(rows[0]); top.Price != best {
		t.Errorf("sorted by price desc, first is plan %d (%v), want price %v", rows[0], top.Price, best)
	}
	p = b.Get("/plans?device_type=camera")
	for _, id := range planRows(p) {
		if pl, _ := env.Sim.Store().Tariff(id); pl.DeviceType != "camera" {
			t.Errorf("plan %d (%s) among camera plans", id, pl.DeviceType)
		}
	}
	p = b.Get("/plans?q=Premium", portaltest.HTMX...)
	if strings.Contains(p.Body, "<html") || !p.Has("#plans-table") {
		t.Error("the htmx search does not answer the table alone")
	}
}

func TestPlanPageListsItsTrackers(t *testing.T) {
	env, b := trkLogin(t, "admin")
	p := b.Get("/plans/2")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	if p.Text(`[data-testid="plan-title"]`) != "Standard" || !p.Has(`h1 [data-testid="plan-default"]`) {
		t.Errorf("title %q, default badge %v", p.Text(`[data-testid="plan-title"]`), p.Has(`h1 [data-testid="plan-default"]`))
	}
	if !p.Has(`[data-testid="plan-service-prices"]`) {
		t.Error("no service prices")
	}
	rows := trkRows(p)
	if len(rows) == 0 {
		t.Fatal("plan 2 lists no trackers")
	}
	for _, id := range rows {
		if tr, _ := env.Sim.Store().Tracker(id); tr.Source.TariffID != 2 {
			t.Errorf("tracker %d on plan %d listed on plan 2", id, tr.Source.TariffID)
		}
	}
	if p.Has(`[data-testid="sort-tariff_id"]`) {
		t.Error("the plan's tracker table repeats the plan column")
	}
	// Paging the plan's trackers swaps the table alone and stays on the plan.
	p = b.Get("/plans/2?page=2&sort=label", portaltest.HTMX...)
	if strings.Contains(p.Body, "<html") || !p.Has("#trackers-table") {
		t.Error("htmx paging of the plan's trackers does not answer the table alone")
	}
	if href, _ := p.Doc.Find(`[data-testid="sort-id"] a`).Attr("href"); !strings.HasPrefix(href, "/plans/2?") {
		t.Errorf("sort link %q leaves the plan page", href)
	}
	if p := b.Get("/plans/424242"); p.Status != http.StatusNotFound {
		t.Errorf("unknown plan: %d", p.Status)
	}

	// Without trackers: read the plan shows without its trackers.
	env.Sim.AddAccount("plansonly", "plansonly", map[string][]string{"base": {"get_dealer_info"}, "tariffs": {"read"}})
	b2 := env.NewBrowser(t)
	b2.Login("plansonly", "plansonly")
	before := env.Sim.Attempts("tracker/list")
	p = b2.Get("/plans/2")
	if p.Status != http.StatusOK || p.Has(`[data-testid="trackers-table"]`) || env.Sim.Attempts("tracker/list") != before {
		t.Errorf("plans-only account: %d, trackers shown %v", p.Status, p.Has(`[data-testid="trackers-table"]`))
	}
	if p.Has(`[data-testid="nav-trackers"]`) || !p.Has(`[data-testid="nav-plans"]`) {
		t.Error("navigation does not follow permissions")
	}
}
