package handlers_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/navixy-portal/portal/handlers"
	"github.com/navixy-portal/portal/panelclient/panelsim"
	"github.com/navixy-portal/portal/portaltest"
)

// trkConsoleEnv is a portal whose air console points at the emulator's
// console socket.
func trkConsoleEnv(t *testing.T, login string) (*portaltest.Env, *portaltest.Browser) {
	t.Helper()
	sim := panelsim.New()
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	env := portaltest.New(t,
		portaltest.WithSim(sim, ts.URL+"/v2/panel"),
		portaltest.WithOptions(func(o *handlers.Options) {
			o.ConsoleWSURL = "ws://" + strings.TrimPrefix(ts.URL, "http://") + "/console"
		}))
	b := env.NewBrowser(t)
	b.Login(login, login)
	return env, b
}

type sseEvent struct {
	name string
	data map[string]string
}

// trkStream opens a tracker's console stream and delivers its events.
func trkStream(t *testing.T, env *portaltest.Env, b *portaltest.Browser, trackerID int) (<-chan sseEvent, *http.Response, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, env.URL+"/trackers/"+strconv.Itoa(trackerID)+"/console/stream", nil)
	req.Header.Set("Accept", "text/event-stream")
	client := &http.Client{Jar: b.Jar, CheckRedirect: b.HTTP.CheckRedirect}
	resp, err := client.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("stream: %v", err)
	}
	events := make(chan sseEvent, 64)
	go func() {
		defer close(events)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = map[string]string{}
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.data)
			case line == "" && ev.name != "":
				events <- ev
				ev = sseEvent{}
			}
		}
	}()
	t.Cleanup(cancel)
	return events, resp, cancel
}

func trkNext(t *testing.T, events <-chan sseEvent, want func(sseEvent) bool, what string) sseEvent {
	t.Helper()
	timeout := time.After(10 * time.Second)
	var seen []sseEvent
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("stream ended waiting for %s; saw %+v", what, seen)
			}
			if want(ev) {
				return ev
			}
			seen = append(seen, ev)
		case <-timeout:
			t.Fatalf("no %s within 10 s; saw %+v", what, seen)
		}
	}
}

func TestConsoleRelaysFramesAndEchoesCommands(t *testing.T) {
	env, b := trkConsoleEnv(t, "tech")
	tr := trkOriginal(t, env)
	page := b.Get("/trackers/" + strconv.Itoa(tr.ID) + "/console")
	if page.Status != http.StatusOK || !page.Has(`[data-testid="console-log"][data-stream]`) || !page.Has(`[data-testid="console-send"]`) {
		t.Fatalf("console page: %d", page.Status)
	}
	if strings.Contains(page.Body, "key=") || strings.Contains(page.Body, "timestamp=") {
		t.Error("the console page carries connection secrets")
	}
	events, resp, cancel := trkStream(t, env, b, tr.ID)
	defer cancel()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	trkNext(t, events, func(e sseEvent) bool { return e.name == "state" && e.data["state"] == "open" }, "the open state")
	trkNext(t, events, func(e sseEvent) bool { return e.name == "frame" && e.data["time"] != "" }, "a frame")

	p := b.Post("/trackers/"+strconv.Itoa(tr.ID)+"/console/send", url.Values{"command": {"getver"}}, portaltest.HTMX...)
	if p.Status != http.StatusOK || !p.Has(`[data-testid="console-sent"]`) {
		t.Fatalf("send: %d %s", p.Status, p.Text(`[data-testid="form-error"]`))
	}
	echo := trkNext(t, events, func(e sseEvent) bool {
		return e.name == "frame" && e.data["type"] == "echo" && strings.Contains(e.data["text"], "getver")
	}, "the command's echo")
	if _, err := time.Parse(time.RFC3339, echo.data["time"]); err != nil {
		t.Errorf("echo time %q: %v", echo.data["time"], err)
	}
	cancel()
	if logs := env.Logs(); strings.Contains(logs, "key=") {
		t.Error("the console key reached the log")
	}
	if env.Sim.Attempts("tracker/console/connect") != 1 || env.Sim.Attempts("tracker/raw_command/send") != 1 {
		t.Errorf("connect %d, send %d", env.Sim.Attempts("tracker/console/connect"), env.Sim.Attempts("tracker/raw_command/send"))
	}
}

func TestConsoleRefusalsAreWorded(t *testing.T) {
	env, b := trkConsoleEnv(t, "admin")
	// A deleted tracker has no console (230).
	events, _, cancel := trkStream(t, env, b, 9)
	ev := trkNext(t, events, func(e sseEvent) bool { return e.name == "fail" }, "a failure")
	cancel()
	if !strings.Contains(ev.data["text"], "deleted or blocked") {
		t.Errorf("230 worded %q", ev.data["text"])
	}

	tr := trkOriginal(t, env)
	path := "/trackers/" + strconv.Itoa(tr.ID) + "/console/send"
	for _, c := range []struct {
		form url.Values
		text string
	}{
		{url.Values{"command": {""}}, "Enter a command"},
		{url.Values{"command": {strings.Repeat("x", 301)}}, "300"},
		{url.Values{"command": {"zz"}, "type": {"hex"}}, "hex"},
	} {
		p := b.Post(path, c.form, portaltest.HTMX...)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(`[data-testid="error-command"]`), c.text) {
			t.Errorf("%v: %d %q", c.form, p.Status, p.Text(`[data-testid="error-command"]`))
		}
	}
	if env.Sim.Attempts("tracker/raw_command/send") != 0 {
		t.Error("an invalid command reached the Panel")
	}
	env.Sim.SetFault("tracker/raw_command/send", panelsim.Fault{Status: 400, Body: `{"success":false,"status":{"code":7,"description":"Invalid parameters"},"errors":[{"parameter":"command","error":"Non-hex string"}]}`})
	p := b.Post(path, url.Values{"command": {"ab"}, "type": {"hex"}})
	if p.Status != http.StatusUnprocessableEntity || p.Text(`[data-testid="error-command"]`) != "Non-hex string" {
		t.Errorf("code 7: %d %q", p.Status, p.Text(`[data-testid="error-command"]`))
	}
	env.Sim.ClearFaults()
	// Without script the command form posts and comes back to the console.
	p = b.Post(path, url.Values{"command": {"getver"}})
	if p.Status != http.StatusSeeOther || p.Location() != "/trackers/"+strconv.Itoa(tr.ID)+"/console" {
		t.Errorf("plain send: %d %q", p.Status, p.Location())
	}
}

func TestConsoleWithoutAddressSaysSo(t *testing.T) {
	env, b := trkLogin(t, "admin")
	tr := trkOriginal(t, env)
	p := b.Get("/trackers/" + strconv.Itoa(tr.ID) + "/console")
	if !p.Has(`[data-testid="console-unconfigured"]`) || p.Has(`[data-testid="console-log"]`) {
		t.Error("an unconfigured console does not say so")
	}
	events, _, cancel := trkStream(t, env, b, tr.ID)
	defer cancel()
	trkNext(t, events, func(e sseEvent) bool { return e.name == "fail" && strings.Contains(e.data["text"], "CONSOLE_WS_URL") }, "the unconfigured failure")
	if env.Sim.Attempts("tracker/console/connect") != 0 {
		t.Error("connected to the Panel without a console address")
	}
}
