package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/portaltest"
)

// TestConcurrentStaffSessions runs several staff members browsing at once
// (run under -race by make test): every page answers and no session sees
// another's.
func TestConcurrentStaffSessions(t *testing.T) {
	env := portaltest.New(t)
	logins := []string{"admin", "tech", "viewer", "admin", "tech", "viewer", "admin", "tech"}
	pages := []string{"/", "/users", "/users?q=a&sort=login", "/users/20", "/trackers", "/trackers/20", "/plans", "/users?page=2", "/users", "/"}
	var wg sync.WaitGroup
	errs := make(chan error, len(logins)*len(pages))
	for i, login := range logins {
		b := env.NewBrowser(t)
		b.Login(login, login)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, p := range pages {
				page := b.Get(p)
				if page.Status != http.StatusOK && page.Status != http.StatusForbidden {
					errs <- fmt.Errorf("session %d (%s) %s: %d", i, login, p, page.Status)
					continue
				}
				if who := page.Text("[data-testid=whoami]"); page.Status == http.StatusOK && who != login {
					errs <- fmt.Errorf("session %d (%s) %s: page for %q", i, login, p, who)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestConcurrentUserLists: lists read at once by many staff members, as
// full pages and as partials, each come out exactly as when read alone.
// The rows of a list are read in place from the Panel's answer and its
// memory reused by the next list, so a list handed back too early would
// show another's rows here (and to the race detector).
func TestConcurrentUserLists(t *testing.T) {
	env := portaltest.New(t)
	pages := []string{"/users", "/users?page=2", "/users?sort=login", "/users?sort=-balance&per_page=50",
		"/users?q=a", "/users?per_page=100", "/users?page=3&per_page=10", "/users?q=smith"}
	rows := func(p *portaltest.Page) string {
		var b strings.Builder
		p.Doc.Find("tr[data-user-id]").Each(func(_ int, s *goquery.Selection) {
			b.WriteString(strings.Join(strings.Fields(s.Text()), " "))
			b.WriteByte('\n')
		})
		return b.String()
	}
	want := map[string]string{}
	solo := env.NewBrowser(t)
	solo.Login("admin", "admin")
	for _, p := range pages {
		pg := solo.Get(p)
		if pg.Status != http.StatusOK || !pg.Has("tr[data-user-id]") {
			t.Fatalf("%s: %d, no rows", p, pg.Status)
		}
		want[p] = rows(pg)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*3*len(pages))
	for i := range 8 {
		b := env.NewBrowser(t)
		b.Login("admin", "admin")
		wg.Go(func() {
			for round := range 3 {
				for k := range pages {
					p := pages[(k+i+round)%len(pages)]
					var headers []string
					if (k+i)%2 == 1 {
						headers = []string{"HX-Request", "true"}
					}
					if got := rows(b.Get(p, headers...)); got != want[p] {
						errs <- fmt.Errorf("session %d %s (htmx %v): rows differ from the page read alone", i, p, headers != nil)
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
