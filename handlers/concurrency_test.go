package handlers_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

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
