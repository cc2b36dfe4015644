package panelsim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// The air console. tracker/console/connect issues a key; the browser (or
// the portal) then opens a WebSocket on the same host:
//
//	ws://HOST/console?device={tracker_id}&key={key}&timestamp={timestamp}&dealer_id={dealer_id}
//
// device may also be the tracker's source device_id (tracker.md writes
// <device_id>; the official console and the portal send the tracker id).
// The key is valid for consoleKeyLifetime after it was issued, by the
// emulator's clock, and may be used more than once in that time. A wrong,
// expired or mismatched key, or a device that became unavailable, is
// accepted as a WebSocket and closed at once with status 1008 (policy
// violation) and a reason.
//
// Once open, the server sends text frames, each a JSON object
// {"type":"data"|"status"|"echo"|"error","time":RFC3339,"text":"..."}:
// a "status" frame "connected" first, then a "data" frame of plausible
// telemetry for the device's model every interval (SetConsoleInterval,
// 1 s by default), with a "status" summary every tenth frame. When
// tracker/raw_command/send targets the device, or a client sends a text
// message on the socket (plain text, or {"command":"...","type":"hex"}),
// every open console of the device gets {"type":"echo","text":command}
// followed by the device's reply as a "data" frame; an invalid command
// typed on the socket gets an "error" frame. Corrupting the tracker closes
// its consoles with 1001 (going away); so does CloseConsoles.
const (
	consolePath            = "/console"
	consoleKeyLifetime     = 5 * time.Minute
	defaultConsoleInterval = time.Second
	consoleWriteTimeout    = 5 * time.Second
	consoleStatusEvery     = 10
)

// deviceRuntime is the emulator's device-side state that is not part of
// the store: console keys and connections, register_retry cooldowns and
// plan change times.
type deviceRuntime struct {
	mu          sync.Mutex
	keys        map[string]consoleKey
	retries     map[int]time.Time // by source id
	planChanges map[int]time.Time // by source id
	consoles    map[int]map[*consoleConn]struct{}
	interval    time.Duration
}

func newDeviceRuntime() *deviceRuntime {
	return &deviceRuntime{
		keys:        map[string]consoleKey{},
		retries:     map[int]time.Time{},
		planChanges: map[int]time.Time{},
		consoles:    map[int]map[*consoleConn]struct{}{},
		interval:    defaultConsoleInterval,
	}
}

// consoleKey is a key tracker/console/connect issued.
type consoleKey struct {
	trackerID int
	sourceID  int
	timestamp int64
	issued    time.Time
}

// tryRegisterRetry records a register_retry of a device, unless the last
// one was less than 120 s ago.
func (d *deviceRuntime) tryRegisterRetry(sourceID int, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if last, ok := d.retries[sourceID]; ok && now.Sub(last) < trackerRegisterRetryEvery {
		return false
	}
	d.retries[sourceID] = now
	return true
}

func (d *deviceRuntime) lastPlanChange(sourceID int) (time.Time, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, ok := d.planChanges[sourceID]
	return t, ok
}

func (d *deviceRuntime) recordPlanChange(sourceID int, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.planChanges[sourceID] = now
}

// issueKey creates a console key for a tracker: 40 lowercase hex digits,
// like the documented example.
func (d *deviceRuntime) issueKey(trackerID, sourceID int, now time.Time) (string, int64) {
	var raw [20]byte
	_, _ = rand.Read(raw[:])
	key := hex.EncodeToString(raw[:])
	ts := now.Unix()
	d.mu.Lock()
	defer d.mu.Unlock()
	for k, v := range d.keys {
		if now.Sub(v.issued) > consoleKeyLifetime {
			delete(d.keys, k)
		}
	}
	d.keys[key] = consoleKey{trackerID: trackerID, sourceID: sourceID, timestamp: ts, issued: now}
	return key, ts
}

func (d *deviceRuntime) lookupKey(key string) (consoleKey, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	k, ok := d.keys[key]
	return k, ok
}

func (d *deviceRuntime) consoleInterval() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.interval
}

func (d *deviceRuntime) addConsole(sourceID int, cc *consoleConn) {
	d.mu.Lock()
	defer d.mu.Unlock()
	set := d.consoles[sourceID]
	if set == nil {
		set = map[*consoleConn]struct{}{}
		d.consoles[sourceID] = set
	}
	set[cc] = struct{}{}
}

func (d *deviceRuntime) removeConsole(sourceID int, cc *consoleConn) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.consoles[sourceID], cc)
	if len(d.consoles[sourceID]) == 0 {
		delete(d.consoles, sourceID)
	}
}

// sendCommand hands a command to every open console of a device. A
// console too slow to keep up misses it.
func (d *deviceRuntime) sendCommand(sourceID int, cmd consoleCommand) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for cc := range d.consoles[sourceID] {
		select {
		case cc.commands <- cmd:
		default:
		}
	}
}

// closeSource closes every open console of a device.
func (d *deviceRuntime) closeSource(sourceID int, reason string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for cc := range d.consoles[sourceID] {
		cc.close(reason)
	}
}

// openConsoles counts the open consoles of a device.
func (d *deviceRuntime) openConsoles(sourceID int) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.consoles[sourceID])
}

// SetConsoleInterval sets how often open air consoles receive a data
// frame (1 s by default; tests use a few milliseconds). It applies to
// consoles opened afterwards. d <= 0 restores the default.
func (s *Server) SetConsoleInterval(d time.Duration) {
	if d <= 0 {
		d = defaultConsoleInterval
	}
	s.devices.mu.Lock()
	defer s.devices.mu.Unlock()
	s.devices.interval = d
}

// CloseConsoles closes every open air console with status 1001 (going
// away). Running.Close calls it, since http.Server.Shutdown does not wait
// for WebSocket connections.
func (s *Server) CloseConsoles() {
	d := s.devices
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, set := range d.consoles {
		for cc := range set {
			cc.close("emulator shutting down")
		}
	}
}

// ConsoleURLFor derives the air console address from the emulator's base
// URL ("http://127.0.0.1:41234/v2/panel" or "http://127.0.0.1:41234", as
// an httptest server gives it): "ws://127.0.0.1:41234/console" (wss for
// https).
func ConsoleURLFor(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return ""
	}
	scheme := "ws"
	if u.Scheme == "https" || u.Scheme == "wss" {
		scheme = "wss"
	}
	return (&url.URL{Scheme: scheme, Host: u.Host, Path: consolePath}).String()
}

// trackerConsoleConnect issues an air console key for a tracker: 201
// unknown, 252 corrupted, 230 deleted or blocked. timestamp is the
// emulator's clock in Unix seconds.
func (s *Server) trackerConsoleConnect(c *call) (any, error) {
	id := c.params.int("tracker_id")
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.RLock()
	t := st.trackerLocked(id)
	var apiErr *apiError
	var sourceID int
	switch {
	case t == nil:
		apiErr = newError(codeNotFound)
	case t.Source.Corrupted:
		apiErr = newError(codeDeviceCorrupted)
	case t.Deleted || t.Source.Blocked:
		apiErr = newError(codeTrackerNotForEntity)
	default:
		sourceID = t.Source.ID
	}
	st.mu.RUnlock()
	if apiErr != nil {
		return nil, apiErr
	}
	key, ts := s.devices.issueKey(id, sourceID, c.now)
	return struct {
		Key       string `json:"key"`
		Timestamp int64  `json:"timestamp"`
	}{key, ts}, nil
}

// consoleCommand is a command on its way to a device.
type consoleCommand struct {
	text string
	hex  bool
}

// checkConsoleCommand validates a command: not empty, and for hex an even
// number of hex digits (spaces allowed). It returns the platform's wording
// of the problem, or "".
func checkConsoleCommand(cmd consoleCommand) string {
	if strings.TrimSpace(cmd.text) == "" {
		return "Must not be empty"
	}
	if cmd.hex {
		digits := strings.ReplaceAll(cmd.text, " ", "")
		if len(digits)%2 != 0 {
			return "Non-hex string"
		}
		if _, err := hex.DecodeString(digits); err != nil {
			return "Non-hex string"
		}
	}
	return ""
}

// trackerRawCommandSend sends a command to a device, named by its
// source.device_id (not the tracker id): 201 when no tracker has that
// device id, 252 when the device is corrupted, 7 for an empty command, an
// unknown type or a hex command that is not hex ("Non-hex string", as the
// documented example). Every open air console of the device shows the
// command's echo and the device's reply. reliable is accepted; the
// emulator delivers at once either way.
func (s *Server) trackerRawCommandSend(c *call) (any, error) {
	p := c.params
	deviceID := p.string("device_id")
	text := p.string("command")
	typ := p.oneOf("type", "text", "text", "hex")
	_, _ = p.optBool("reliable")
	cmd := consoleCommand{text: text, hex: typ == "hex"}
	if p.has("command") {
		if problem := checkConsoleCommand(cmd); problem != "" {
			p.invalid("command", problem)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.RLock()
	var found *Tracker
	for _, t := range st.trackers {
		if t.Source.DeviceID == deviceID {
			found = t
			break
		}
	}
	var apiErr *apiError
	var sourceID int
	switch {
	case deviceID == "" || found == nil:
		apiErr = newError(codeNotFound)
	case found.Source.Corrupted:
		apiErr = newError(codeDeviceCorrupted)
	default:
		sourceID = found.Source.ID
	}
	st.mu.RUnlock()
	if apiErr != nil {
		return nil, apiErr
	}
	s.devices.sendCommand(sourceID, cmd)
	return nil, nil
}

// consoleFrame is one message of the console socket.
type consoleFrame struct {
	Type string `json:"type"`
	Time string `json:"time"`
	Text string `json:"text"`
}

// consoleConn is one open console.
type consoleConn struct {
	commands  chan consoleCommand
	done      chan struct{}
	closeOnce sync.Once
	reason    string
}

func (cc *consoleConn) close(reason string) {
	cc.closeOnce.Do(func() {
		cc.reason = reason
		close(cc.done)
	})
}

// consoleTarget is the device a console shows.
type consoleTarget struct {
	trackerID int
	sourceID  int
	deviceID  string
	model     string
	modelName string
}

// checkConsoleQuery checks a console address against the issued keys and
// the store. It returns the device, or the reason to refuse.
func (s *Server) checkConsoleQuery(q url.Values, now time.Time) (consoleTarget, string) {
	k, ok := s.devices.lookupKey(q.Get("key"))
	switch {
	case !ok:
		return consoleTarget{}, "invalid console key"
	case now.Sub(k.issued) > consoleKeyLifetime:
		return consoleTarget{}, "console key expired"
	case q.Get("timestamp") != strconv.FormatInt(k.timestamp, 10):
		return consoleTarget{}, "timestamp does not match the key"
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	if q.Get("dealer_id") != strconv.Itoa(st.dealer.ID) {
		return consoleTarget{}, "wrong dealer_id"
	}
	t := st.trackerLocked(k.trackerID)
	if t == nil || t.Source.ID != k.sourceID || t.Source.Corrupted || t.Deleted || t.Source.Blocked {
		return consoleTarget{}, "device unavailable"
	}
	if device := q.Get("device"); device != strconv.Itoa(t.ID) && device != t.Source.DeviceID {
		return consoleTarget{}, "device does not match the key"
	}
	return consoleTarget{trackerID: t.ID, sourceID: t.Source.ID, deviceID: t.Source.DeviceID,
		model: t.Source.Model, modelName: t.ModelName}, ""
}

// serveConsole runs one air console socket.
func (s *Server) serveConsole(w http.ResponseWriter, r *http.Request) {
	// Any origin: the emulator runs on loopback for tests and demos.
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return // Accept has answered the HTTP request
	}
	defer conn.CloseNow()
	target, refusal := s.checkConsoleQuery(r.URL.Query(), s.clock())
	if refusal != "" {
		s.log.Debug("panelsim console refused", "reason", refusal)
		_ = conn.Close(websocket.StatusPolicyViolation, refusal)
		return
	}
	cc := &consoleConn{commands: make(chan consoleCommand, 16), done: make(chan struct{})}
	s.devices.addConsole(target.sourceID, cc)
	defer s.devices.removeConsole(target.sourceID, cc)

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	typed := make(chan consoleCommand, 4)
	go func() {
		defer cancel()
		for {
			typ, data, err := conn.Read(ctx)
			if err != nil {
				return
			}
			if typ != websocket.MessageText {
				continue
			}
			cmd := parseTypedCommand(data)
			select {
			case typed <- cmd:
			case <-ctx.Done():
				return
			}
		}
	}()

	dev := newDeviceFeed(target)
	write := func(typ, text string) bool {
		b, _ := json.Marshal(consoleFrame{Type: typ, Time: s.clock().UTC().Format(time.RFC3339), Text: text})
		wctx, wcancel := context.WithTimeout(ctx, consoleWriteTimeout)
		defer wcancel()
		return conn.Write(wctx, websocket.MessageText, b) == nil
	}
	if !write("status", "connected") {
		return
	}
	tick := time.NewTicker(s.devices.consoleInterval())
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-cc.done:
			_ = conn.Close(websocket.StatusGoingAway, cc.reason)
			return
		case cmd := <-typed:
			if problem := checkConsoleCommand(cmd); problem != "" {
				if !write("error", problem) {
					return
				}
				continue
			}
			s.devices.sendCommand(target.sourceID, cmd)
		case cmd := <-cc.commands:
			if !write("echo", cmd.text) || !write("data", dev.reply(cmd, s.clock())) {
				return
			}
		case <-tick.C:
			typ, text := dev.next(s.clock())
			if !write(typ, text) {
				return
			}
		}
	}
}

// parseTypedCommand reads a message a client typed on the socket: plain
// text, or {"command":"...","type":"text"|"hex"}.
func parseTypedCommand(data []byte) consoleCommand {
	var m struct {
		Command *string `json:"command"`
		Type    string  `json:"type"`
	}
	if json.Unmarshal(data, &m) == nil && m.Command != nil {
		return consoleCommand{text: *m.Command, hex: m.Type == "hex"}
	}
	return consoleCommand{text: strings.TrimRight(string(data), "\r\n")}
}

// deviceFeed makes up what a device sends: a position that drifts along a
// road-like track, and the model's own message format.
type deviceFeed struct {
	t        consoleTarget
	rng      *mrand.Rand
	lat, lon float64
	heading  float64 // degrees
	speed    float64 // km/h
	odometer float64 // km
	seq      int
}

// feedOrigins are starting points of the made-up tracks.
var feedOrigins = [][2]float64{
	{51.507351, -0.127758}, {40.712776, -74.005974}, {48.137154, 11.576124}, {55.755826, 37.617300},
	{-33.459572, -70.780523}, {25.204849, 55.270783}, {-23.550520, -46.633308}, {41.008238, 28.978359},
}

func newDeviceFeed(t consoleTarget) *deviceFeed {
	rng := mrand.New(mrand.NewPCG(uint64(t.sourceID), 0xc0ffee))
	o := feedOrigins[t.sourceID%len(feedOrigins)]
	return &deviceFeed{
		t: t, rng: rng,
		lat: o[0] + (rng.Float64()-0.5)/10, lon: o[1] + (rng.Float64()-0.5)/10,
		heading: rng.Float64() * 360, speed: 20 + rng.Float64()*40,
		odometer: 1000 + float64(t.sourceID%9000)*3.7,
	}
}

// step moves the device by one second of driving.
func (f *deviceFeed) step() {
	f.seq++
	f.heading = math.Mod(f.heading+f.rng.NormFloat64()*8+360, 360)
	f.speed = math.Max(0, math.Min(110, f.speed+f.rng.NormFloat64()*4))
	km := f.speed / 3600
	rad := f.heading * math.Pi / 180
	f.lat += math.Cos(rad) * km / 111.32
	f.lon += math.Sin(rad) * km / (111.32 * math.Cos(f.lat*math.Pi/180))
	f.odometer += km
}

func (f *deviceFeed) sats() int { return 7 + f.seq%6 }
func (f *deviceFeed) gsm() int  { return 2 + f.seq%4 }
func (f *deviceFeed) volts() float64 {
	return 12.4 + float64(f.seq%7)/10
}

// next returns the next frame: a data line, or every tenth frame a status
// summary like the documented status frame.
func (f *deviceFeed) next(now time.Time) (typ, text string) {
	f.step()
	now = now.UTC()
	if f.seq%consoleStatusEvery == 0 {
		return "status", fmt.Sprintf("Location valid: yes; Latitude: %.7f; Longitude: %.7f; Speed: %.0f; Heading: %.0f; Satellites: %d; GSM Level: %d; board_voltage: %.3f; Mileage: %.2f",
			f.lat, f.lon, f.speed, f.heading, f.sats(), f.gsm()*6, f.volts(), f.odometer)
	}
	m := f.t.model
	switch {
	case strings.HasPrefix(m, "tel"), strings.HasPrefix(m, "ruptela"), strings.HasPrefix(m, "galileosky"):
		return "data", fmt.Sprintf("imei=%s ts=%s lat=%.6f lon=%.6f alt=%d angle=%.0f sats=%d speed=%.0f ign=1 mov=%d gsm=%d ext_v=%.2f bat_v=4.0%d odo=%.1f",
			f.t.deviceID, now.Format("2006-01-02T15:04:05Z"), f.lat, f.lon, 30+f.seq%20, f.heading, f.sats(), f.speed,
			feedBit(f.speed > 3), f.gsm(), f.volts(), f.seq%10, f.odometer)
	case strings.HasPrefix(m, "ql"):
		return "data", fmt.Sprintf("+RESP:GTFRI,300400,%s,,0,0,1,1,%.1f,%.0f,35.0,%.6f,%.6f,%s,0234,0015,53AA,A4C1,00,,,,,100,210100,,,,%s,%04X$",
			f.t.deviceID, f.speed, f.heading, f.lon, f.lat, now.Format("20060102150405"), now.Format("20060102150405"), f.seq)
	case strings.HasPrefix(m, "concox"):
		return "data", gt06Packet(f, now)
	case strings.Contains(m, "streamax") || strings.Contains(m, "howen"):
		return "data", fmt.Sprintf("cam=%s ch1=recording ch2=recording sd_free=%d%% lat=%.6f lon=%.6f speed=%.0f",
			f.t.deviceID, 63-f.seq%5, f.lat, f.lon, f.speed)
	}
	return "data", nmeaRMC(f, now)
}

func feedBit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nmeaRMC is a $GPRMC sentence with its checksum.
func nmeaRMC(f *deviceFeed, now time.Time) string {
	ns, ew := "N", "E"
	lat, lon := f.lat, f.lon
	if lat < 0 {
		ns, lat = "S", -lat
	}
	if lon < 0 {
		ew, lon = "W", -lon
	}
	latDeg, lonDeg := math.Floor(lat), math.Floor(lon)
	body := fmt.Sprintf("GPRMC,%s.00,A,%02.0f%07.4f,%s,%03.0f%07.4f,%s,%.1f,%.1f,%s,,,A",
		now.Format("150405"), latDeg, (lat-latDeg)*60, ns, lonDeg, (lon-lonDeg)*60, ew,
		f.speed/1.852, f.heading, now.Format("020106"))
	var sum byte
	for i := 0; i < len(body); i++ {
		sum ^= body[i]
	}
	return fmt.Sprintf("$%s*%02X", body, sum)
}

// gt06Packet is a Concox GT06 location packet in spaced hex.
func gt06Packet(f *deviceFeed, now time.Time) string {
	lat := uint32(math.Abs(f.lat) * 1800000)
	lon := uint32(math.Abs(f.lon) * 1800000)
	course := uint16(f.heading) & 0x03FF
	course |= 0x1000 // GPS positioned
	if f.lat >= 0 {
		course |= 0x0400
	}
	if f.lon < 0 {
		course |= 0x0800
	}
	b := []byte{0x78, 0x78, 0x1F, 0x12,
		byte(now.Year() % 100), byte(now.Month()), byte(now.Day()), byte(now.Hour()), byte(now.Minute()), byte(now.Second()),
		byte(0xC0 | f.sats()),
		byte(lat >> 24), byte(lat >> 16), byte(lat >> 8), byte(lat),
		byte(lon >> 24), byte(lon >> 16), byte(lon >> 8), byte(lon),
		byte(f.speed), byte(course >> 8), byte(course),
		0x01, 0xCC, 0x00, 0x28, 0x7D, 0x00, 0x1F, 0xB8,
		byte(f.seq >> 8), byte(f.seq), 0x3C, 0x1E, 0x0D, 0x0A}
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, " ")
}

// reply is the device's answer to a command, in its model's manner.
func (f *deviceFeed) reply(cmd consoleCommand, now time.Time) string {
	if cmd.hex {
		n := len(strings.ReplaceAll(cmd.text, " ", "")) / 2
		return fmt.Sprintf("ACK %d bytes", n)
	}
	text := strings.TrimSpace(cmd.text)
	lower := strings.ToLower(text)
	now = now.UTC()
	m := f.t.model
	switch {
	case strings.HasPrefix(m, "tel"):
		name, arg, _ := strings.Cut(lower, " ")
		switch name {
		case "getver":
			return fmt.Sprintf("Ver:03.28.07_04 GPS:AXN_5.10_3333 Hw:%s Mod:15 IMEI:%s Init:%s Uptime:%d BOOT:%s",
				strings.TrimPrefix(f.t.modelName, "Teltonika "), f.t.deviceID, now.Add(-3*time.Hour).Format("2006-1-2 15:04"), 10800+f.seq, "Bl_1.12")
		case "getinfo":
			return fmt.Sprintf("RTC:%s Init:%s UpTime:%ds PWR:PwrVoltage RST:0 GPS:3 SAT:%d TTFF:14 TTLL:2 NOGPS:0:0 SR:0 FG:0 FL:0 SMS:0 REC:%d MD:%d DB:0",
				now.Format("2006/1/2 15:4"), now.Add(-3*time.Hour).Format("2006-1-2 15:04"), 10800+f.seq, f.sats(), f.seq%40, feedBit(f.speed > 3))
		case "getgps":
			return fmt.Sprintf("GPS:1 Sat:%d Lat:%.6f Long:%.6f Alt:35 Speed:%.0f Dir:%.0f Date: %s Time: %s",
				f.sats(), f.lat, f.lon, f.speed, f.heading, now.Format("2006/1/2"), now.Format("15:4:5"))
		case "getstatus":
			return fmt.Sprintf("Data Link: 1 GPRS: 1 Phone: 0 SIM: 0 OP: 24602 Signal: %d NewSMS: 0 Roaming: 0 SMSFull: 0 LAC: 1 Cell ID: 3055 NetType: 1 FwUpd:-1", f.gsm())
		case "setparam":
			return "New value " + arg
		case "getparam":
			return "Param ID:" + arg + " Value:0"
		case "cpureset":
			return "Resetting CPU"
		}
		return "Command not supported: " + text
	case strings.HasPrefix(m, "ql"):
		name, _, _ := strings.Cut(strings.ToUpper(text), "=")
		name = strings.TrimPrefix(name, "AT+")
		if !strings.HasPrefix(name, "GT") {
			name = "GTCMD"
		}
		return fmt.Sprintf("+ACK:%s,300400,%s,,%04X,%s,%04X$", name, f.t.deviceID, f.seq, now.Format("20060102150405"), f.seq+1)
	case strings.HasPrefix(m, "concox"):
		switch strings.TrimSuffix(strings.ToUpper(text), "#") {
		case "WHERE":
			return fmt.Sprintf("Current position! Lat:%.6f,Lon:%.6f,Course:%.0f,Speed:%.0fkm/h,DateTime:%s",
				f.lat, f.lon, f.heading, f.speed, now.Format("2006-01-02 15:04:05"))
		case "STATUS":
			return fmt.Sprintf("Battery:4.10V,NORMAL;GPRS:Link Up;GSM Signal Level:%d;GPS:Successful positioning,SVS Used in fix:%d(12)", f.gsm(), f.sats())
		case "VERSION":
			return "[VERSION]GT06N_20_V1.3_20240412"
		case "RESET":
			return "Reset OK!"
		}
		return "OK!"
	}
	return "OK: " + text
}
