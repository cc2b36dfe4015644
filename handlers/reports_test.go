package handlers_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/navixy-portal/portal/panelclient/panelsim"
)

func TestActiveReportDefaultsToSixMonths(t *testing.T) {
	env, b := trkLogin(t, "tech")
	p := b.Get("/reports/active")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d", p.Status)
	}
	now := env.Clock.Now().UTC()
	cur := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	from, to := cur.AddDate(0, -5, 0).Format("2006-01"), cur.Format("2006-01")
	if v, _ := p.Doc.Find(`[data-testid="report-from"]`).Attr("value"); v != from {
		t.Errorf("from %q, want %q", v, from)
	}
	if v, _ := p.Doc.Find(`[data-testid="report-to"]`).Attr("value"); v != to {
		t.Errorf("to %q, want %q", v, to)
	}
	if !p.Has(`[data-testid="report-chart"] svg[role="img"]`) {
		t.Fatal("no chart")
	}
	if n := p.Doc.Find(`[data-testid="chart-bar"]`).Length(); n != 6 {
		t.Errorf("%d bars, want 6", n)
	}
	if !p.Has(`[data-testid="report-month"] [data-testid="report-user"]`) {
		t.Error("no month grouped by user")
	}
	if p.Doc.Find("main script, main img").Length() > 0 {
		t.Error("a label became markup")
	}
	if href, _ := p.Doc.Find(`[data-testid="report-csv"]`).Attr("href"); href != "/reports/active.csv?from="+from+"&to="+to {
		t.Errorf("CSV link %q", href)
	}
}

func TestActiveReportErrorsAndCSV(t *testing.T) {
	env, b := trkLogin(t, "admin")
	// A span the Panel refuses (211) is explained on the form.
	env.Sim.SetFault("tracker/active/history/list", panelsim.Fault{Code: 211})
	p := b.Get("/reports/active?from=2010-01&to=2026-11")
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="form-error"]`), "fewer months") {
		t.Errorf("211: %d %q", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	env.Sim.ClearFaults()
	before := env.Sim.Attempts("tracker/active/history/list")
	for _, q := range []string{"from=2026-13&to=2026-11", "from=nonsense", "from=2026-10&to=2026-02"} {
		if p := b.Get("/reports/active?" + q); p.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", q, p.Status)
		}
	}
	if env.Sim.Attempts("tracker/active/history/list") != before {
		t.Error("an invalid range reached the Panel")
	}

	// The CSV keeps spreadsheet formulas inert.
	env.Sim.SetFault("tracker/active/history/list", panelsim.Fault{Body: `{"success":true,"list":[{"month":"2026-09","amount":2,"trackers":[` +
		`{"tracker_id":14,"user_id":3,"label":"=HYPERLINK(\"http://evil\")","device_id":"123"},` +
		`{"tracker_id":15,"user_id":3,"label":"Грузовик","device_id":"456"}]}]}`})
	p = b.Get("/reports/active.csv?from=2026-09&to=2026-09")
	if p.Status != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/csv") || !strings.Contains(p.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %q %q", p.Status, p.Header.Get("Content-Type"), p.Header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(p.Body, "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv rows %d: %v", len(rows), err)
	}
	if rows[1][3] != `'=HYPERLINK("http://evil")` || rows[2][3] != "Грузовик" || rows[1][0] != "2026-09" || rows[1][1] != "3" || rows[1][2] != "14" {
		t.Errorf("csv rows %q", rows[1:])
	}
	p = b.Get("/reports/active?from=2026-09&to=2026-09")
	if !strings.Contains(p.Text(`[data-testid="report-month"] summary`), "2 active devices, 1 owners") {
		t.Errorf("month summary %q", p.Text(`[data-testid="report-month"] summary`))
	}
}
