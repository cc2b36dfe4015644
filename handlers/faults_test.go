package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// faultyEnv is a portal whose Panel API client gives up after 400 ms, so a
// latency fault can run past it quickly.
func faultyEnv(t *testing.T) *portaltest.Env {
	t.Helper()
	return portaltest.New(t, portaltest.WithOptions(func(o *handlers.Options) {
		c, err := panelclient.New(o.Client.BaseURL(), panelclient.WithTimeout(400*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		o.Client = c
	}))
}

// TestUpstreamFaultsKeepTheFormAndSayWhat: for each way the Panel API can
// fail, saving a user's edit form shows a plain message, keeps what was
// typed, logs the cause with the request id, and is never retried.
func TestUpstreamFaultsKeepTheFormAndSayWhat(t *testing.T) {
	cases := []struct {
		name  string
		fault panelsim.Fault
		want  string
	}{
		{"latency past the timeout", panelsim.Fault{Latency: 2 * time.Second}, "took too long"},
		{"502 with an HTML page", panelsim.Fault{Status: 502, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>"}, "could not read"},
		{"500 with an HTML page", panelsim.Fault{Status: 500, Body: "<html>oops</html>"}, "could not read"},
		{"truncated JSON", panelsim.Fault{Truncate: true}, "could not read"},
		{"dropped connection", panelsim.Fault{Drop: true}, "cannot be reached"},
		{"queue error (8)", panelsim.Fault{Code: 8}, "busy"},
		{"rate limit (15)", panelsim.Fault{Code: 15}, "Too many requests"},
	}
	env := faultyEnv(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			form := b.Get("/users/40/edit")
			if form.Status != http.StatusOK {
				t.Fatalf("edit form: %d", form.Status)
			}
			env.Sim.ResetCalls()
			env.Sim.SetFault("user/update", c.fault)
			defer env.Sim.SetFault("user/update", panelsim.Fault{})
			posted := editValues(form)
			posted.Set("first_name", "Typed By Staff")
			p := b.Post("/users/40/edit", posted)
			if p.Status < 400 {
				t.Fatalf("status %d", p.Status)
			}
			if msg := p.Text("[data-testid=form-error]"); !strings.Contains(msg, c.want) {
				t.Errorf("message %q, want it to mention %q", msg, c.want)
			}
			if v, _ := p.Doc.Find("[name=first_name]").Attr("value"); v != "Typed By Staff" {
				t.Errorf("typed value lost: %q", v)
			}
			if n := env.Sim.Attempts("user/update"); n != 1 {
				t.Errorf("the mutation was sent %d times", n)
			}
			id := p.Header.Get("X-Request-Id")
			if id == "" || !strings.Contains(env.Logs(), id) {
				t.Errorf("no log line with the request id %q", id)
			}
		})
	}
}

// editValues are the fields of the user form as the page filled them.
func editValues(p *portaltest.Page) url.Values {
	v := url.Values{}
	p.Doc.Find("form[data-testid=user-form] input[name], form[data-testid=user-form] textarea[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		typ, _ := s.Attr("type")
		if name == "_csrf" || ((typ == "checkbox" || typ == "radio") && s.AttrOr("checked", "x") == "x") {
			return
		}
		if s.Is("textarea") {
			v.Add(name, s.Text())
			return
		}
		v.Add(name, s.AttrOr("value", ""))
	})
	p.Doc.Find("form[data-testid=user-form] select[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v.Set(name, s.Find("option[selected]").AttrOr("value", ""))
	})
	return v
}

// TestReadsAreRetriedOnceOnAConnectionError: a page read that meets a
// dropped connection is tried once more, then shows a plain message.
func TestReadsAreRetriedOnceOnAConnectionError(t *testing.T) {
	env := faultyEnv(t)
	b := env.NewBrowser(t)
	b.Login("admin", "admin")
	env.Sim.ResetCalls()
	env.Sim.SetFault("user/read", panelsim.Fault{Drop: true})
	p := b.Get("/users/40")
	if p.Status != http.StatusBadGateway || !strings.Contains(p.Text("[data-testid=error]"), "cannot be reached") {
		t.Fatalf("status %d: %q", p.Status, p.Text("[data-testid=error]"))
	}
	if n := env.Sim.Attempts("user/read"); n != 2 {
		t.Errorf("user/read attempted %d times, want 2 (one retry)", n)
	}
}
