package panelsim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// consoleSession is what tracker/console/connect answered.
type consoleSession struct {
	Key       string `json:"key"`
	Timestamp int64  `json:"timestamp"`
}

func (f *trackerFixture) connectConsole(t *testing.T, hash string, trackerID int) consoleSession {
	t.Helper()
	res := f.call(t, hash, "tracker/console/connect", `{"tracker_id":%d}`, trackerID)
	if !res.success() {
		t.Fatalf("console/connect %d: %s", trackerID, res.body)
	}
	var cs consoleSession
	if err := json.Unmarshal(res.body, &cs); err != nil {
		t.Fatal(err)
	}
	return cs
}

// consoleAddr builds the documented console address.
func consoleAddr(base, device, key string, ts int64, dealer int) string {
	q := url.Values{"device": {device}, "key": {key}, "timestamp": {strconv.FormatInt(ts, 10)}, "dealer_id": {strconv.Itoa(dealer)}}
	return base + "?" + q.Encode()
}

func dialConsole(t *testing.T, ctx context.Context, addr string) *websocket.Conn {
	t.Helper()
	conn, resp, err := websocket.Dial(ctx, addr, nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return conn
}

func readFrame(t *testing.T, ctx context.Context, conn *websocket.Conn) consoleFrame {
	t.Helper()
	typ, data, err := conn.Read(ctx)
	if err != nil {
		t.Fatalf("reading a console frame: %v", err)
	}
	var f consoleFrame
	if typ != websocket.MessageText || json.Unmarshal(data, &f) != nil {
		t.Fatalf("frame is not a JSON text message: %q", data)
	}
	if _, err := time.Parse(time.RFC3339, f.Time); err != nil {
		t.Fatalf("frame time %q: %v", f.Time, err)
	}
	switch f.Type {
	case "data", "status", "echo", "error":
	default:
		t.Fatalf("frame type %q", f.Type)
	}
	return f
}

// readUntil reads frames until one of the type arrives and returns it and
// the frame after it.
func readEchoAndReply(t *testing.T, ctx context.Context, conn *websocket.Conn, command string) consoleFrame {
	t.Helper()
	for {
		f := readFrame(t, ctx, conn)
		if f.Type == "echo" {
			if f.Text != command {
				t.Fatalf("echo %q, want %q", f.Text, command)
			}
			reply := readFrame(t, ctx, conn)
			if reply.Type != "data" || reply.Text == "" {
				t.Fatalf("reply after the echo: %+v", reply)
			}
			return reply
		}
	}
}

// liveFamily finds a live original with a live clone, skipping the
// originals and clones listed.
func (f *trackerFixture) liveFamily(t *testing.T, skip ...int) (orig, clone Tracker) {
	t.Helper()
	all := f.s.Store().Trackers(0, 0)
	for _, c := range all {
		if !c.Clone || c.Deleted || c.Source.Blocked || c.Source.Corrupted || slices.Contains(skip, c.ID) {
			continue
		}
		for _, o := range all {
			if !o.Clone && !o.Deleted && o.Source.ID == c.Source.ID && !slices.Contains(skip, o.ID) {
				return o, c
			}
		}
	}
	t.Fatal("the seed has no live tracker with a live clone")
	return
}

func TestTrackerConsoleConnect(t *testing.T) {
	f := newTrackerFixture(t)
	orig, _ := f.liveFamily(t)
	cs := f.connectConsole(t, f.tech, orig.ID) // employees use the air console
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(cs.Key) || cs.Timestamp != f.clock.Now().Unix() {
		t.Fatalf("key %q timestamp %d", cs.Key, cs.Timestamp)
	}
	if again := f.connectConsole(t, f.admin, orig.ID); again.Key == cs.Key {
		t.Fatal("two connects gave the same key")
	}
	blocked := f.find(t, "a blocked tracker", func(x Tracker) bool { return x.Source.Blocked && !x.Source.Corrupted && !x.Deleted })
	corrupted := f.corrupted(t)
	wantError(t, f.call(t, f.admin, "tracker/console/connect", `{"tracker_id":9}`), codeTrackerNotForEntity, 400) // deleted
	wantError(t, f.call(t, f.admin, "tracker/console/connect", `{"tracker_id":%d}`, blocked.ID), codeTrackerNotForEntity, 400)
	wantError(t, f.call(t, f.admin, "tracker/console/connect", `{"tracker_id":%d}`, corrupted.ID), codeDeviceCorrupted, 400)
	wantError(t, f.call(t, f.admin, "tracker/console/connect", `{"tracker_id":99999}`), codeNotFound, 400)
	wantError(t, f.call(t, f.viewer, "tracker/console/connect", `{"tracker_id":%d}`, orig.ID), codeNotPermitted, 403)
}

func TestTrackerRawCommandSend(t *testing.T) {
	f := newTrackerFixture(t)
	orig, _ := f.liveFamily(t)
	dev := orig.Source.DeviceID
	f.ok(t, "tracker/raw_command/send", `{"device_id":%q,"command":"setparam 101:4"}`, dev)
	f.ok(t, "tracker/raw_command/send", `{"device_id":%q,"command":"0A 1b","type":"hex","reliable":false}`, dev)
	if res := f.call(t, f.tech, "tracker/raw_command/send", `{"device_id":%q,"command":"getver"}`, dev); !res.success() {
		t.Fatalf("tech: %s", res.body)
	}
	res := f.call(t, f.admin, "tracker/raw_command/send", `{"device_id":%q,"command":"zz","type":"hex"}`, dev)
	wantParamError(t, res, "command")
	if !strings.Contains(string(res.body), `"error":"Non-hex string"`) {
		t.Fatalf("non-hex wording: %s", res.body)
	}
	wantParamError(t, f.call(t, f.admin, "tracker/raw_command/send", `{"device_id":%q,"command":"abc","type":"hex"}`, dev), "command")
	wantParamError(t, f.call(t, f.admin, "tracker/raw_command/send", `{"device_id":%q,"command":""}`, dev), "command")
	wantParamError(t, f.call(t, f.admin, "tracker/raw_command/send", `{"device_id":%q,"command":"x","type":"binary"}`, dev), "type")
	// The device is named by device_id: a tracker_id alone fails validation.
	wantParamError(t, f.call(t, f.admin, "tracker/raw_command/send", `{"tracker_id":%d,"command":"getver"}`, orig.ID), "device_id")
	wantError(t, f.call(t, f.admin, "tracker/raw_command/send", `{"device_id":"000000000000000","command":"getver"}`), codeNotFound, 400)
	corrupted := f.corrupted(t)
	wantError(t, f.call(t, f.admin, "tracker/raw_command/send", `{"device_id":%q,"command":"getver"}`, corrupted.Source.DeviceID), codeDeviceCorrupted, 400)
}

func TestConsoleSocketRefusesBadKeys(t *testing.T) {
	f := newTrackerFixture(t)
	srv := httptest.NewServer(f.s)
	defer srv.Close()
	base := ConsoleURLFor(srv.URL)
	orig, clone := f.liveFamily(t)
	other := f.find(t, "another live tracker", func(x Tracker) bool {
		return !x.Deleted && !x.Source.Blocked && !x.Source.Corrupted && x.Source.ID != orig.Source.ID
	})
	cs := f.connectConsole(t, f.admin, orig.ID)
	dev := strconv.Itoa(orig.ID)

	for _, tc := range []struct {
		name, addr, reason string
	}{
		{"unknown key", consoleAddr(base, dev, strings.Repeat("0", 40), cs.Timestamp, dealerID), "invalid console key"},
		{"no key", base + "?device=" + dev, "invalid console key"},
		{"wrong timestamp", consoleAddr(base, dev, cs.Key, cs.Timestamp+1, dealerID), "timestamp does not match the key"},
		{"wrong dealer", consoleAddr(base, dev, cs.Key, cs.Timestamp, dealerID+1), "wrong dealer_id"},
		{"another tracker", consoleAddr(base, strconv.Itoa(other.ID), cs.Key, cs.Timestamp, dealerID), "device does not match the key"},
		{"the clone's id", consoleAddr(base, strconv.Itoa(clone.ID), cs.Key, cs.Timestamp, dealerID), "device does not match the key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			conn := dialConsole(t, ctx, tc.addr)
			_, _, err := conn.Read(ctx)
			var ce websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.StatusPolicyViolation || ce.Reason != tc.reason {
				t.Fatalf("want close 1008 %q, got %v", tc.reason, err)
			}
		})
	}

	// The key expires five minutes after it was issued.
	f.clock.Advance(consoleKeyLifetime + time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn := dialConsole(t, ctx, consoleAddr(base, dev, cs.Key, cs.Timestamp, dealerID))
	_, _, err := conn.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusPolicyViolation || !strings.Contains(err.Error(), "console key expired") {
		t.Fatalf("expired key: %v", err)
	}

	// A device blocked after the key was issued is refused.
	cs = f.connectConsole(t, f.admin, orig.ID)
	f.ok(t, "tracker/source/update", `{"tracker_id":%d,"blocked":true}`, orig.ID)
	conn = dialConsole(t, ctx, consoleAddr(base, dev, cs.Key, cs.Timestamp, dealerID))
	if _, _, err := conn.Read(ctx); websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Fatalf("blocked device: %v", err)
	}
}

func TestConsoleSocketFramesAndCommands(t *testing.T) {
	f := newTrackerFixture(t)
	f.s.SetConsoleInterval(20 * time.Millisecond)
	srv := httptest.NewServer(f.s)
	defer srv.Close()
	base := ConsoleURLFor(srv.URL)
	orig, clone := f.liveFamily(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// One console by tracker id, one by the source's device_id (the
	// markdown's <device_id>), one through the clone: all three show the
	// same device.
	cs := f.connectConsole(t, f.tech, orig.ID)
	byID := dialConsole(t, ctx, consoleAddr(base, strconv.Itoa(orig.ID), cs.Key, cs.Timestamp, dealerID))
	byDevice := dialConsole(t, ctx, consoleAddr(base, orig.Source.DeviceID, cs.Key, cs.Timestamp, dealerID))
	ccs := f.connectConsole(t, f.admin, clone.ID)
	byClone := dialConsole(t, ctx, consoleAddr(base, strconv.Itoa(clone.ID), ccs.Key, ccs.Timestamp, dealerID))
	for _, conn := range []*websocket.Conn{byID, byDevice, byClone} {
		if first := readFrame(t, ctx, conn); first.Type != "status" || first.Text != "connected" {
			t.Fatalf("first frame %+v, want status connected", first)
		}
	}
	// Device data keeps coming.
	data := 0
	for i := 0; i < 12; i++ {
		fr := readFrame(t, ctx, byID)
		if fr.Type == "data" {
			data++
			if fr.Text == "" {
				t.Fatal("empty data frame")
			}
		}
	}
	if data < 10 {
		t.Fatalf("%d data frames in 12", data)
	}
	deadline := time.Now().Add(5 * time.Second)
	for f.s.devices.openConsoles(orig.Source.ID) != 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}

	// tracker/raw_command/send reaches every open console of the device.
	f.ok(t, "tracker/raw_command/send", `{"device_id":%q,"command":"getver"}`, orig.Source.DeviceID)
	for _, conn := range []*websocket.Conn{byID, byDevice, byClone} {
		reply := readEchoAndReply(t, ctx, conn, "getver")
		if strings.HasPrefix(orig.Source.Model, "tel") && !strings.Contains(reply.Text, "Ver:") {
			t.Errorf("Teltonika getver reply %q", reply.Text)
		}
	}
	// A command typed on the socket is echoed to every console too.
	if err := byDevice.Write(ctx, websocket.MessageText, []byte("getinfo")); err != nil {
		t.Fatal(err)
	}
	readEchoAndReply(t, ctx, byID, "getinfo")
	readEchoAndReply(t, ctx, byDevice, "getinfo")
	// A bad typed command gets an error frame on that console only.
	if err := byID.Write(ctx, websocket.MessageText, []byte(`{"command":"zz","type":"hex"}`)); err != nil {
		t.Fatal(err)
	}
	for {
		fr := readFrame(t, ctx, byID)
		if fr.Type == "error" {
			if fr.Text != "Non-hex string" {
				t.Fatalf("error frame %q", fr.Text)
			}
			break
		}
		if fr.Type == "echo" {
			t.Fatalf("an invalid command was echoed: %+v", fr)
		}
	}

	// Corrupting the tracker closes its consoles (going away).
	f.ok(t, "tracker/corrupt", `{"tracker_id":%d}`, orig.ID)
	for _, conn := range []*websocket.Conn{byID, byDevice} {
		for {
			_, _, err := conn.Read(ctx)
			if err != nil {
				if websocket.CloseStatus(err) != websocket.StatusGoingAway {
					t.Fatalf("after corrupt: %v", err)
				}
				break
			}
		}
	}
}

func TestConsoleFeedFormats(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		model string
		want  *regexp.Regexp
		cmd   string
		reply string
	}{
		{"telfmb120", regexp.MustCompile(`^imei=\d+ ts=\S+ lat=-?\d+\.\d{6} lon=-?\d+\.\d{6} .*odo=`), "setparam 101:4", "New value 101:4"},
		{"qlgv300", regexp.MustCompile(`^\+RESP:GTFRI,.*\$$`), "AT+GTRTO=gv300,1,,,,,,FFFF$", "+ACK:GTRTO"},
		{"concox_gt06n", regexp.MustCompile(`^78 78 1F 12( [0-9A-F]{2})+ 0D 0A$`), "WHERE#", "Current position!"},
		{"navixymobile_xgps", regexp.MustCompile(`^\$GPRMC,\d{6}\.00,A,\d{4}\.\d{4},[NS],\d{5}\.\d{4},[EW],.*\*[0-9A-F]{2}$`), "ping", "OK: ping"},
		{"streamax_ad_plus2", regexp.MustCompile(`^cam=\S+ ch1=recording`), "status", "OK: status"},
	} {
		feed := newDeviceFeed(consoleTarget{sourceID: 42, deviceID: "352093100000420", model: tc.model, modelName: "Model"})
		_, text := feed.next(now)
		if !tc.want.MatchString(text) {
			t.Errorf("%s data %q", tc.model, text)
		}
		if r := feed.reply(consoleCommand{text: tc.cmd}, now); !strings.Contains(r, tc.reply) {
			t.Errorf("%s reply to %q: %q", tc.model, tc.cmd, r)
		}
		for i := 0; i < consoleStatusEvery-2; i++ {
			feed.next(now)
		}
		if typ, text := feed.next(now); typ != "status" || !strings.Contains(text, "Satellites:") {
			t.Errorf("%s: every tenth frame should be a status summary, got %s %q", tc.model, typ, text)
		}
	}
	if r := newDeviceFeed(consoleTarget{model: "telfmb120"}).reply(consoleCommand{text: "0A0B", hex: true}, now); r != "ACK 2 bytes" {
		t.Errorf("hex reply %q", r)
	}
}

func TestConsoleURLFor(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:41234/v2/panel": "ws://127.0.0.1:41234/console",
		"http://127.0.0.1:41234":          "ws://127.0.0.1:41234/console",
		"https://panel.example.com/v2/":   "wss://panel.example.com/console",
		"not a url":                       "",
	} {
		if got := ConsoleURLFor(in); got != want {
			t.Errorf("ConsoleURLFor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStartServesConsole(t *testing.T) {
	sim, err := Start(context.Background(), "", smallSeed)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	if sim.ConsoleURL != "ws://"+sim.Addr+"/console" {
		t.Fatalf("ConsoleURL %q", sim.ConsoleURL)
	}
	sim.Server.SetConsoleInterval(10 * time.Millisecond)
	f := &trackerFixture{s: sim.Server, admin: login(t, sim.Server, "admin", "admin")}
	orig, _ := f.liveFamily(t)
	cs := f.connectConsole(t, f.admin, orig.ID)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn := dialConsole(t, ctx, consoleAddr(sim.ConsoleURL, strconv.Itoa(orig.ID), cs.Key, cs.Timestamp, dealerID))
	readFrame(t, ctx, conn)
	readFrame(t, ctx, conn)
	// Close ends the open consoles too.
	if err := sim.Close(); err != nil {
		t.Fatal(err)
	}
	for {
		if _, _, err := conn.Read(ctx); err != nil {
			if ctx.Err() != nil {
				t.Fatal("console still open after Close")
			}
			break
		}
	}
}
