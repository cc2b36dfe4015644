package handlers_test

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/navixy-portal/portal/portaltest"
)

// mutatingRoutes lists every POST route of the portal with its ids filled
// in, except signing in and out.
func mutatingRoutes(env *portaltest.Env) []string {
	var out []string
	for _, r := range env.Echo.Routes() {
		if r.Method != http.MethodPost {
			continue
		}
		switch r.Path {
		case "/login", "/logout", "/lang", "/resellers/return":
			continue
		}
		out = append(out, strings.ReplaceAll(r.Path, ":id", "20"))
	}
	sort.Strings(out)
	return out
}

func totalAttempts(env *portaltest.Env) int {
	n := 0
	for _, a := range env.Sim.Actions() {
		n += env.Sim.Attempts(a)
	}
	return n
}

// TestForgedPostsFromViewerAreRefused: a read-only session sees no
// mutation control, and a hand-made POST (with a valid anti-forgery token)
// to any mutating route gets 403 with nothing reaching the Panel API.
func TestForgedPostsFromViewerAreRefused(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("viewer", "viewer")
	routes := mutatingRoutes(env)
	if len(routes) < 10 {
		t.Fatalf("only %d mutating routes found", len(routes))
	}
	for _, path := range routes {
		env.Sim.ResetCalls()
		p := b.Post(path, url.Values{"user_id": {"21"}, "tariff_id": {"2"}, "login": {"x@example.com"}, "amount": {"5"}, "text": {"forged change"}})
		if p.Status != http.StatusForbidden {
			t.Errorf("viewer POST %s: status %d", path, p.Status)
		}
		if n := totalAttempts(env); n != 0 {
			t.Errorf("viewer POST %s reached the Panel API (%d calls)", path, n)
		}
	}
}

// TestForgedPostsFromTechAreRefusedWhereTheRoleEnds: the employee role may
// not delete users or cancel tracker registrations; a forged POST is 403
// before any upstream call, and every 403 reaches nothing upstream.
func TestForgedPostsFromTechAreRefusedWhereTheRoleEnds(t *testing.T) {
	env := portaltest.New(t)
	b := env.NewBrowser(t)
	b.Login("tech", "tech")
	denied := map[string]bool{}
	for _, path := range mutatingRoutes(env) {
		env.Sim.ResetCalls()
		p := b.Post(path, url.Values{"login": {"nobody@example.com"}})
		if p.Status == http.StatusForbidden {
			denied[path] = true
			if n := totalAttempts(env); n != 0 {
				t.Errorf("tech POST %s: 403 after %d upstream calls", path, n)
			}
		}
	}
	for _, must := range []string{"/users/20/delete", "/trackers/20/corrupt"} {
		if !denied[must] {
			t.Errorf("tech may POST %s", must)
		}
	}
	for _, may := range []string{"/users/new", "/users/20/edit", "/trackers/20/clone", "/trackers/20/move", "/trackers/20/plan"} {
		if denied[may] {
			t.Errorf("tech is refused %s, which the employee role allows", may)
		}
	}
}
