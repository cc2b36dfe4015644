package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// consoleAPI is what the air console calls.
type consoleAPI interface {
	ReadTracker(ctx context.Context, hash string, trackerID int) (*panelclient.Tracker, error)
	ConnectTrackerConsole(ctx context.Context, hash string, trackerID int) (*panelclient.ConsoleSession, error)
	SendRawCommand(ctx context.Context, hash string, p panelclient.RawCommandParams) error
}

// consoleHandlers relay a tracker's air console to the browser. The portal
// itself opens the console socket upstream with the key
// tracker/console/connect gives, and passes the device's messages on as
// server-sent events: the key never reaches the browser, and the page
// needs no WebSocket access beyond its own origin.
type consoleHandlers struct {
	*app
	api consoleAPI
}

// Limits of the relay.
const (
	// consoleHeartbeat keeps proxies from closing a quiet stream and finds
	// a browser that went away.
	consoleHeartbeat = 15 * time.Second
	// consoleMaxLife ends a stream after this long; the page offers to
	// reconnect, which asks the Panel for a fresh key.
	consoleMaxLife = 30 * time.Minute
	// consoleDialTimeout bounds the upstream handshake.
	consoleDialTimeout = 10 * time.Second
	// consoleMaxText cuts very long device messages.
	consoleMaxText = 8 << 10
	// consoleMaxCommand is the longest command, as in the official console.
	consoleMaxCommand = 300
)

// page shows the live log and the command line.
func (h *consoleHandlers) page(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	t, err := h.api.ReadTracker(c.Request().Context(), session(c).Hash, id)
	if err != nil {
		return err
	}
	v := templates.TrackerConsoleView{
		ID: t.ID, Label: t.Label, DeviceID: t.Source.DeviceID,
		Configured: h.o.ConsoleWSURL != "",
		Send:       templates.ConsoleSendView{ID: t.ID, Type: panelclient.RawCommandText},
	}
	return h.render(c, http.StatusOK, templates.TrackerConsolePage(v))
}

// consoleFrame is one message of the console as the browser receives it.
type consoleFrame struct {
	Type string `json:"type"`
	Time string `json:"time"`
	Text string `json:"text"`
}

// sseWriter writes server-sent events and flushes each one.
type sseWriter struct {
	w http.ResponseWriter
	f http.Flusher
}

func (s sseWriter) event(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", name, b); err != nil {
		return err
	}
	s.f.Flush()
	return nil
}

func (s sseWriter) ping() error {
	if _, err := fmt.Fprint(s.w, ": ping\n\n"); err != nil {
		return err
	}
	s.f.Flush()
	return nil
}

// stream opens the console upstream and relays its frames as server-sent
// events: "frame" for each message, "state" when the connection opens or
// closes, "fail" with a worded reason when it cannot open. After "fail" or
// a close the browser does not reconnect by itself.
func (h *consoleHandlers) stream(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	s := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	t, err := h.api.ReadTracker(ctx, s.Hash, id)
	if panelclient.IsSessionEnded(err) || panelclient.IsForbidden(err) {
		return err
	}

	res := c.Response()
	flusher, ok := res.Writer.(http.Flusher)
	if !ok {
		return errors.New("console stream: the response cannot be flushed")
	}
	hdr := res.Header()
	hdr.Set(echo.HeaderContentType, "text/event-stream; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Accel-Buffering", "no")
	res.WriteHeader(http.StatusOK)
	out := sseWriter{w: res, f: flusher}
	fail := func(msg string) error {
		_ = out.event("fail", map[string]string{"text": msg})
		return nil
	}
	if err != nil {
		return fail(consoleErrorText(l, err))
	}
	if h.o.ConsoleWSURL == "" {
		return fail(l.T("console.unconfigured"))
	}
	key, err := h.api.ConnectTrackerConsole(ctx, s.Hash, id)
	h.audit(c, "tracker/console/connect", id, err)
	if err != nil {
		return fail(consoleErrorText(l, err))
	}
	upstream, err := consoleURL(h.o.ConsoleWSURL, t.ID, key.Key, key.Timestamp, t.DealerID)
	if err != nil {
		h.log().Error("console address", "request_id", requestID(c), "error", err.Error())
		return fail(l.T("console.unconfigured"))
	}

	life, cancel := context.WithTimeout(ctx, consoleMaxLife)
	defer cancel()
	dialCtx, cancelDial := context.WithTimeout(life, consoleDialTimeout)
	conn, resp, err := websocket.Dial(dialCtx, upstream, nil)
	cancelDial()
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		// The dial error can quote the address, which carries the key.
		h.log().Warn("console upstream refused", "request_id", requestID(c), "tracker", id, "error", redactKey(err.Error(), key.Key))
		return fail(l.T("console.upstream_failed"))
	}
	defer conn.CloseNow()
	conn.SetReadLimit(64 << 10)
	h.log().Info("console open", "request_id", requestID(c), "staff", s.Login, "tracker", id)

	frames := make(chan consoleFrame, 16)
	var readErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(frames)
		for {
			typ, data, err := conn.Read(life)
			if err != nil {
				readErr = err
				return
			}
			if typ != websocket.MessageText {
				continue
			}
			select {
			case frames <- parseConsoleFrame(data, time.Now()):
			case <-life.Done():
				return
			}
		}
	}()
	defer wg.Wait()
	defer conn.CloseNow()

	if err := out.event("state", map[string]string{"state": "open", "text": l.T("console.state.open")}); err != nil {
		return nil
	}
	beat := time.NewTicker(consoleHeartbeat)
	defer beat.Stop()
	for {
		select {
		case f, open := <-frames:
			if !open {
				if websocket.CloseStatus(readErr) == websocket.StatusPolicyViolation {
					// The Panel refused the key (expired, or the device
					// became unavailable).
					h.log().Warn("console upstream refused the key", "request_id", requestID(c), "tracker", id)
					return fail(l.T("console.upstream_failed"))
				}
				state := map[string]string{"state": "closed", "text": l.T("console.state.closed")}
				if ctx.Err() == nil && life.Err() != nil {
					state["text"] = l.T("console.state.expired")
				}
				_ = out.event("state", state)
				if readErr != nil && websocket.CloseStatus(readErr) == -1 && life.Err() == nil {
					h.log().Info("console upstream closed", "request_id", requestID(c), "tracker", id, "error", redactKey(readErr.Error(), key.Key))
				}
				return nil
			}
			if err := out.event("frame", f); err != nil {
				return nil
			}
		case <-beat.C:
			if err := out.ping(); err != nil {
				return nil
			}
		case <-life.Done():
			// The browser left (or the stream is too old): the reader
			// ends on the same context, which closes the socket, and
			// closes frames.
			for range frames {
			}
			if ctx.Err() == nil {
				_ = out.event("state", map[string]string{"state": "closed", "text": l.T("console.state.expired")})
			}
			return nil
		}
	}
}

// consoleURL builds the upstream address:
// {base}?device={tracker_id}&key={key}&timestamp={timestamp}&dealer_id={dealer_id}.
func consoleURL(base string, trackerID int, key string, timestamp int64, dealerID int) (string, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return "", fmt.Errorf("CONSOLE_WS_URL %q is not a ws:// or wss:// address", base)
	}
	q := u.Query()
	q.Set("device", itoa(trackerID))
	q.Set("key", key)
	q.Set("timestamp", fmt.Sprint(timestamp))
	q.Set("dealer_id", itoa(dealerID))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func redactKey(msg, key string) string {
	if key == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, url.QueryEscape(key), "[key]")
	return strings.ReplaceAll(msg, key, "[key]")
}

// parseConsoleFrame reads one upstream message: {"type","time","text"},
// or the documented status form {"type":"status","data":[[name,value],...]},
// or plain text.
func parseConsoleFrame(data []byte, now time.Time) consoleFrame {
	var raw struct {
		Type string          `json:"type"`
		Time string          `json:"time"`
		Text string          `json:"text"`
		Data json.RawMessage `json:"data"`
	}
	f := consoleFrame{Type: "data", Time: now.UTC().Format(time.RFC3339)}
	if err := json.Unmarshal(data, &raw); err != nil {
		f.Text = string(data)
	} else {
		if raw.Type != "" {
			f.Type = raw.Type
		}
		if raw.Time != "" {
			f.Time = raw.Time
		}
		f.Text = raw.Text
		if f.Text == "" && len(raw.Data) > 0 {
			var pairs [][]string
			if json.Unmarshal(raw.Data, &pairs) == nil {
				parts := make([]string, 0, len(pairs))
				for _, p := range pairs {
					parts = append(parts, strings.Join(p, ": "))
				}
				f.Text = strings.Join(parts, "; ")
			} else {
				f.Text = string(raw.Data)
			}
		}
	}
	switch f.Type {
	case "data", "status", "echo", "error":
	default:
		f.Type = "data"
	}
	if !utf8.ValidString(f.Text) {
		f.Text = strings.ToValidUTF8(f.Text, "\uFFFD")
	}
	if len(f.Text) > consoleMaxText {
		f.Text = strings.ToValidUTF8(f.Text[:consoleMaxText], "") + "…"
	}
	return f
}

// consoleErrorText words why the console cannot open.
func consoleErrorText(l *i18n.Localizer, err error) string {
	var ae *panelclient.APIError
	var te *panelclient.TransportError
	switch {
	case errors.As(err, &ae):
		if ae.Code == 201 || ae.Code == 204 {
			return l.T("error.404.text")
		}
		return trackerAPIText(l, "console", ae)
	case errors.As(err, &te):
		return transportMessage(l, te)
	}
	return l.T("error.500.text")
}

// send sends a command to the device (tracker/raw_command/send, by the
// tracker's device ID). Its echo arrives on the console's log.
func (h *consoleHandlers) send(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l := i18n.From(c.Request().Context())
	command := strings.Trim(c.FormValue("command"), "\r\n")
	typ := c.FormValue("type")
	if typ != panelclient.RawCommandHex {
		typ = panelclient.RawCommandText
	}
	v := templates.ConsoleSendView{ID: id, Command: command, Type: typ, Errs: templates.FieldErrors{}}
	switch {
	case strings.TrimSpace(command) == "":
		v.Errs["command"] = l.T("console.val.empty")
	case utf8.RuneCountInString(command) > consoleMaxCommand:
		v.Errs["command"] = l.T("console.val.long", consoleMaxCommand)
	case typ == panelclient.RawCommandHex && !isHexCommand(command):
		v.Errs["command"] = l.T("console.val.hex")
	}
	if len(v.Errs) > 0 {
		return h.sendAgain(c, v)
	}
	s := session(c)
	ctx := c.Request().Context()
	t, err := h.api.ReadTracker(ctx, s.Hash, id)
	if err != nil {
		return err
	}
	err = h.api.SendRawCommand(ctx, s.Hash, panelclient.RawCommandParams{DeviceID: t.Source.DeviceID, Command: command, Type: typ})
	h.audit(c, "tracker/raw_command/send", id, err)
	if err != nil {
		errs, err := trackerFormErrors(c, "raw_command", err)
		if err != nil {
			return err
		}
		v.Errs = errs
		return h.sendAgain(c, v)
	}
	if wantsPartial(c) {
		return h.render(c, http.StatusOK, templates.ConsoleSendForm(templates.ConsoleSendView{ID: id, Type: typ, Sent: true}))
	}
	setFlash(c, "ok", "console.sent")
	return redirect(c, trackerURLOf(id)+"/console")
}

// sendAgain shows the command form with its message: the form alone for
// htmx, the console page otherwise.
func (h *consoleHandlers) sendAgain(c echo.Context, v templates.ConsoleSendView) error {
	if wantsPartial(c) {
		return h.render(c, statusUnprocessable, templates.ConsoleSendForm(v))
	}
	page := templates.TrackerConsoleView{ID: v.ID, Configured: h.o.ConsoleWSURL != "", Send: v}
	if t, err := h.api.ReadTracker(c.Request().Context(), session(c).Hash, v.ID); err == nil {
		page.Label, page.DeviceID = t.Label, t.Source.DeviceID
	}
	return h.render(c, statusUnprocessable, templates.TrackerConsolePage(page))
}

func isHexCommand(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r == ' ':
		case (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F'):
			n++
		default:
			return false
		}
	}
	return n > 0 && n%2 == 0
}
