// Package panelsim is an in-memory emulator of the Navixy Admin Panel API.
//
// The portal's staff pages are built and tested against it because the real
// Panel API cannot be reached from development machines or CI. It answers
// on the documented paths (/v2/panel/<resource>/<action>, trailing slash
// optional), reads parameters from a JSON body, form fields or the query
// string, takes the session hash from `Authorization: NVX <hash>`, a `hash`
// parameter or the query, and replies with the documented shapes, error
// codes and HTTP statuses. A deterministic seed gives every run the same
// dealer, users, trackers and plans, including records with hostile values
// so that every page proves its escaping. Fault knobs let tests simulate a
// slow, failing or vanishing upstream.
//
// panelsim is a reading of the Panel API docs independent of the portal's
// client (package panelclient): it must never import it.
package panelsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"
)

// pathPrefix is where the Panel API lives on a Navixy platform.
const pathPrefix = "/v2/panel/"

const jsonContentType = "application/json; charset=utf-8"

// Server emulates the Panel API of one dealer. It is an http.Handler; use
// Start to serve it on a loopback port. All methods are safe for
// concurrent use.
type Server struct {
	clock    func() time.Time
	log      *slog.Logger
	store    *Store
	actions  map[string]action
	sessions sessionBook
	accounts accountBook
	faults   faultBook
	calls    callLog
	// devices is the air console and other device-side state (console.go).
	devices *deviceRuntime
}

// Option configures a Server built by New.
type Option func(*config)

type config struct {
	clock  func() time.Time
	seed   SeedConfig
	logger *slog.Logger
}

// WithClock replaces the wall clock the emulator uses for session lifetimes
// and for timestamps of new records, so tests can move time forward.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.clock = now }
}

// WithSeed sets how many users and trackers the demo dealer starts with.
// Zero fields keep the defaults (DefaultUsers, DefaultTrackers).
func WithSeed(sc SeedConfig) Option {
	return func(c *config) { c.seed = sc }
}

// WithLogger sets where the emulator logs one line per request (action,
// result code, duration). It never logs hashes or passwords. The default
// discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// New builds an emulator with the demo dealer, its seeded data and the demo
// accounts (see DemoAccounts).
func New(opts ...Option) *Server {
	cfg := config{clock: time.Now, logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&cfg)
	}
	s := &Server{
		clock:    cfg.clock,
		log:      cfg.logger,
		store:    seed(cfg.seed),
		actions:  map[string]action{},
		sessions: newSessionBook(),
		accounts: newAccountBook(),
		faults:   newFaultBook(),
		calls:    newCallLog(),
	}
	s.registerActions()
	return s
}

// registerActions wires every resource's actions. A resource file adds its
// own registerXxxActions method and one line here.
func (s *Server) registerActions() {
	s.registerAccountActions()
	s.registerDealerActions()
	s.registerTimezoneActions()
	s.registerUserActions()
	s.registerTrackerActions()
	s.registerTariffActions()
	s.registerActivationCodeActions()
	s.registerBundleActions()
	s.registerOrderActions()
	s.registerSettingsActions() // settings.go: settings, images, gateways, password, presets, resellers
}

// Store gives tests read access to the emulator's data, for example to
// check that a page shows the seeded hostile name of user 1.
func (s *Server) Store() *Store { return s.store }

// Actions lists the registered action names ("dealer/get_info", ...),
// sorted, so a test can compare them with the documented operations.
func (s *Server) Actions() []string {
	names := make([]string, 0, len(s.actions))
	for name := range s.actions {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// actionFunc runs one Panel API action. It returns the fields of a
// successful reply (a struct or map that encodes as a JSON object, or nil
// for a bare {"success":true}), a rawReply for a file download, or an
// error: an *apiError for a documented failure, anything else becomes code
// 6 and is logged.
type actionFunc func(c *call) (any, error)

// action is a registered action: who may call it and what it does.
type action struct {
	access access
	run    actionFunc
}

// register adds an action to the registry; call it only while New builds
// the server. The name is the path below /v2/panel/ ("tracker/bundle/list").
// Use public for actions that need no session (account/auth, timezone/list),
// sessionOnly for actions any session may call, and need(...).and(...) for
// the documented "required permissions". The server checks the session and
// the permissions before the action runs, so an action only validates its
// parameters and does its work. A resource file looks like this:
//
//	func (s *Server) registerUserActions() { // plus one line in registerActions
//		s.register("user/read", need("users", "read"), s.userRead)
//		s.register("user/transaction/list", need("users", "read").and("transactions", "read"), s.userTransactionList)
//	}
//
//	// userRead answers one customer's card (user/read).
//	func (s *Server) userRead(c *call) (any, error) {
//		id := c.params.int("user_id")
//		if err := c.params.err(); err != nil {
//			return nil, err // code 7, every bad parameter listed
//		}
//		st := s.store
//		st.mu.RLock()
//		defer st.mu.RUnlock()
//		u := st.userLocked(id)
//		if u == nil {
//			return nil, newError(codeNotFound)
//		}
//		v := st.userViewLocked(u) // a copy: never reply with store pointers
//		return map[string]any{"value": v, "discount": v.Discount}, nil
//	}
func (s *Server) register(name string, a access, run actionFunc) {
	if _, dup := s.actions[name]; dup {
		panic("panelsim: action registered twice: " + name)
	}
	s.actions[name] = action{access: a, run: run}
}

// call is everything an action may need about the request it serves.
type call struct {
	// params are the request parameters, whatever way they arrived.
	params *params
	// session is the caller's session; nil for public actions.
	session *session
	// perms are the caller's permissions; nil for public actions.
	perms permSet
	// now is the emulator's clock at the start of the request.
	now time.Time
	// req is the HTTP request, for the rare action that reads an uploaded
	// file (r.MultipartForm is already parsed).
	req *http.Request
}

// reply is a complete HTTP answer, built before anything is written so a
// fault can still cut it short.
type reply struct {
	status      int
	contentType string
	header      http.Header
	body        []byte
}

// rawReply lets an action answer with something other than JSON, such as
// the file of user/export or the redirect of user/upload.
type rawReply struct {
	Status      int
	ContentType string
	Header      http.Header
	Body        []byte
}

// ServeHTTP answers one Panel API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == consolePath || r.URL.Path == consolePath+"/" {
		s.serveConsole(w, r) // the air console WebSocket (console.go)
		return
	}
	if strings.HasPrefix(r.URL.Path, ImagePathPrefix) {
		s.serveImage(w, r) // uploaded branding images (image.go)
		return
	}
	if name, ok := userAPIActionName(r.URL.Path); ok {
		s.serveUserAPI(w, r, name) // the user API calls of user sessions (userapi.go)
		return
	}
	start := time.Now()
	name, known := actionName(r.URL.Path)
	s.calls.countAttempt(name)

	f := s.faults.lookup(name)
	if f.Latency > 0 {
		// Read the body first: net/http notices a client that gives up
		// (and cancels r.Context()) only once the body has been consumed.
		bufferBody(r)
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if f.Drop {
		s.log.Debug("panelsim request", "action", name, "fault", "drop")
		dropConnection(w)
		return
	}
	if f.Status != 0 || f.Body != "" {
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", http.DetectContentType([]byte(f.Body)))
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		s.log.Debug("panelsim request", "action", name, "fault", "raw", "status", status)
		return
	}

	var rep reply
	switch {
	case f.Code != 0:
		rep = newError(f.Code).render()
	case !known:
		rep = newError(codeWrongHandler).render()
	default:
		rep = s.dispatch(r, name)
	}
	if f.Truncate && len(rep.body) > 1 {
		rep.body = rep.body[:len(rep.body)/2]
	}
	writeReply(w, rep)
	if s.log.Enabled(r.Context(), slog.LevelDebug) {
		s.log.Debug("panelsim request", "action", name, "status", rep.status,
			"code", replyCode(rep), "duration", time.Since(start))
	}
}

// dispatch runs the pipeline every documented call goes through: find the
// action, check the method, read the parameters, check the session and the
// permissions, then run it.
func (s *Server) dispatch(r *http.Request, name string) reply {
	a, ok := s.actions[name]
	if !ok {
		return newError(codeWrongHandler).render()
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return newError(codeWrongMethod).render()
	}
	p, perr := readParams(r)
	if perr != nil {
		return perr.render()
	}
	c := &call{params: p, now: s.clock(), req: r}
	if a.access.session {
		hash, herr := requestHash(r, p)
		if herr != nil {
			return herr.render()
		}
		sess, ok := s.sessions.lookup(hash, c.now)
		if !ok {
			return newError(codeSessionEnded).render()
		}
		perms := s.accounts.permissions(sess.login)
		if !perms.allows(a.access.perms) {
			return newError(codeNotPermitted).render()
		}
		c.session, c.perms = sess, perms
	}
	s.calls.countRun(name)

	payload, err := a.run(c)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return ae.render()
		}
		s.log.Error("panelsim action failed", "action", name, "error", err)
		return newError(codeUnexpected).render()
	}
	return successReply(payload)
}

// bufferBody reads the request body into memory (one byte over the limit
// at most, so readParams still sees an oversized body).
func bufferBody(r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	data, _ := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(data))
}

// successReply renders {"success":true, ...fields of payload}.
func successReply(payload any) reply {
	if raw, ok := payload.(rawReply); ok {
		status := raw.Status
		if status == 0 {
			status = http.StatusOK
		}
		return reply{status: status, contentType: raw.ContentType, header: raw.Header, body: raw.Body}
	}
	body := []byte(`{"success":true}`)
	if payload != nil {
		fields, err := marshalJSON(payload)
		if err == nil {
			body, err = spliceObjects(body, fields)
		}
		if err != nil {
			return newError(codeUnexpected).render()
		}
	}
	return reply{status: http.StatusOK, contentType: jsonContentType, body: body}
}

func writeReply(w http.ResponseWriter, rep reply) {
	for k, vs := range rep.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if rep.contentType != "" {
		w.Header().Set("Content-Type", rep.contentType)
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// replyCode extracts status.code from a JSON failure for the log line.
func replyCode(rep reply) int {
	if rep.status == http.StatusOK {
		return 0
	}
	var b struct {
		Status struct {
			Code int `json:"code"`
		} `json:"status"`
	}
	_ = json.Unmarshal(rep.body, &b)
	return b.Status.Code
}

// actionName turns "/v2/panel/tracker/bundle/list/" into
// "tracker/bundle/list". ok is false for paths outside the Panel API or
// with empty segments.
func actionName(path string) (string, bool) {
	name, ok := strings.CutPrefix(path, pathPrefix)
	if !ok {
		return path, false
	}
	name = strings.TrimSuffix(name, "/")
	if name == "" || strings.Contains(name, "//") {
		return name, false
	}
	return name, true
}

// marshalJSON encodes like the real API: no HTML escaping, so hostile
// values reach the client exactly as stored.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// spliceObjects appends the fields of JSON object b to JSON object a.
func spliceObjects(a, b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, fmt.Errorf("panelsim: reply payload is not a JSON object: %.40s", b)
	}
	inner := bytes.TrimSpace(b[1 : len(b)-1])
	if len(inner) == 0 {
		return a, nil
	}
	out := make([]byte, 0, len(a)+len(inner)+1)
	out = append(out, a[:len(a)-1]...)
	out = append(out, ',')
	out = append(out, inner...)
	out = append(out, '}')
	return out, nil
}
