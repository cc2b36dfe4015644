package panelclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	verrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/panelclient/panelsim"
)

// This file is the machinery of the contract test (contract_test.go): an
// emulator per test with a client whose transport records every exchange,
// and the OpenAPI referee that judges what was recorded.

// specPath is Navixy's OpenAPI file, copied into the repository with its
// licence.
const specPath = "../testdata/Admin_Panel.json"

// panelPrefix is where the client sends an action: {base}/<action> with the
// base ending in /v2/panel. The OpenAPI file's paths are /panel/<action>
// under servers ending in /v2.
const panelPrefix = "/v2/panel/"

var (
	specOnce   sync.Once
	specV      validator.Validator
	specServer string
	specErr    error
)

// openAPI loads the referee once: the validator and the first server URL
// ("https://api.eu.navixy.com/v2"), under which recorded paths are replayed.
func openAPI(t testing.TB) (validator.Validator, string) {
	t.Helper()
	specOnce.Do(loadSpec)
	if specErr != nil {
		t.Fatalf("loading the OpenAPI file: %v", specErr)
	}
	return specV, specServer
}

// preloadOpenAPI starts loading the referee in the background, so the
// rows' calls overlap with it (it takes seconds under -race); openAPI
// waits for it.
func preloadOpenAPI() { go specOnce.Do(loadSpec) }

// loadSpec reads, repairs and compiles the OpenAPI file. The validator it
// builds is shared by the parallel rows: libopenapi-validator validates
// concurrently (its caches are synchronised), and -race agrees.
func loadSpec() {
	spec, err := os.ReadFile(specPath)
	if err != nil {
		specErr = err
		return
	}
	var head struct {
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
	}
	if err := json.Unmarshal(spec, &head); err != nil || len(head.Servers) == 0 {
		specErr = fmt.Errorf("no servers in %s: %v", specPath, err)
		return
	}
	specServer = strings.TrimRight(head.Servers[0].URL, "/")
	spec, specFixes, err = repairSpec(spec)
	if err != nil {
		specErr = err
		return
	}
	// Only the operations the rows exercise: the validator compiles
	// every operation's schemas up front, which is most of the test's
	// time (several seconds under -race).
	spec, err = keepOperations(spec, rowActions())
	if err != nil {
		specErr = err
		return
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		specErr = err
		return
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		specErr = errs[0]
		return
	}
	specV = v
}

// rowActions are the actions of contractRows.
func rowActions() []string {
	out := make([]string, 0, len(contractRows))
	for _, r := range contractRows {
		out = append(out, r.action)
	}
	return out
}

// keepOperations drops the paths of the OpenAPI file that are not
// /panel/<action> for one of actions. It changes nothing about the paths
// kept; an exchange for a dropped path is reported as an unknown path, which
// TestContractCoverage prevents anyway (every client action has a row).
func keepOperations(spec []byte, actions []string) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(spec, &doc); err != nil {
		return nil, err
	}
	var paths map[string]json.RawMessage
	if err := json.Unmarshal(doc["paths"], &paths); err != nil {
		return nil, err
	}
	kept := make(map[string]json.RawMessage, len(actions))
	for _, a := range actions {
		if op, ok := paths["/panel/"+a]; ok {
			kept["/panel/"+a] = op
		}
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return nil, err
	}
	doc["paths"] = b
	return json.Marshal(doc)
}

// specFixes lists the repairs repairSpec made to the OpenAPI file.
var specFixes []string

// repairSpec fixes what keeps a schema of Navixy's file from compiling, and
// says what it fixed; it changes no meaning. Known: UserIndividual lists
// "post_city" twice in `required`, which JSON Schema forbids (required
// items must be unique), so the request schemas of user/create and
// user/update (UserEditForm) cannot compile and the validator would reject
// every request. Duplicates are dropped.
func repairSpec(spec []byte) ([]byte, []string, error) {
	var doc any
	if err := json.Unmarshal(spec, &doc); err != nil {
		return nil, nil, err
	}
	var fixes []string
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if req, ok := v["required"].([]any); ok {
				seen := map[any]bool{}
				kept := req[:0:0]
				for _, r := range req {
					if seen[r] {
						fixes = append(fixes, fmt.Sprintf("%s/required: %v listed twice", at, r))
						continue
					}
					seen[r] = true
					kept = append(kept, r)
				}
				v["required"] = kept
			}
			for k, child := range v {
				walk(child, at+"/"+k)
			}
		case []any:
			for i, child := range v {
				walk(child, fmt.Sprintf("%s/%d", at, i))
			}
		}
	}
	walk(doc, "#")
	if len(fixes) == 0 {
		return spec, nil, nil
	}
	slices.Sort(fixes)
	out, err := json.Marshal(doc)
	return out, fixes, err
}

// exchange is one HTTP round trip the client made, as it went over the wire.
type exchange struct {
	Method     string
	Path       string
	Header     http.Header
	Body       []byte
	Status     int
	RespHeader http.Header
	// respBody fills while the client reads the answer; read it through
	// RespBody once the call has returned.
	respBody *lockedBuffer
	// Err is the transport error, when no response came back.
	Err error
}

// Action is the Panel action of the exchange ("user/list"), "" when the
// path is not under /v2/panel/.
func (x *exchange) Action() string {
	a, ok := strings.CutPrefix(x.Path, panelPrefix)
	if !ok {
		return ""
	}
	return strings.TrimSuffix(a, "/")
}

// RespBody is what the client read of the answer.
func (x *exchange) RespBody() []byte {
	if x.respBody == nil {
		return nil
	}
	return x.respBody.Bytes()
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// recorder is an http.RoundTripper that keeps a copy of every request and
// of every response body the client reads, without changing what the
// client sees: the answer still streams, so read errors and timeouts reach
// the client exactly as they would without the recorder.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	log  []*exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	x := &exchange{Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone()}
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		x.Body = body
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	r.mu.Lock()
	r.log = append(r.log, x)
	r.mu.Unlock()

	resp, err := r.next.RoundTrip(req)
	if err != nil {
		x.Err = err
		return nil, err
	}
	x.Status, x.RespHeader = resp.StatusCode, resp.Header.Clone()
	x.respBody = &lockedBuffer{}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(resp.Body, x.respBody), resp.Body}
	return resp, nil
}

// exchanges returns what was recorded so far.
func (r *recorder) exchanges() []*exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}

// simEnv is one emulator, served over HTTP, and a client that talks to it
// through a recorder.
type simEnv struct {
	ctx    context.Context
	sim    *panelsim.Server
	srv    *httptest.Server
	rec    *recorder
	c      *panelclient.Client
	served map[string]bool

	mu     sync.Mutex
	hashes map[string]string
}

// contractSeed keeps each emulator small (it is built once per row) while
// seeding every kind of record: clones, deleted and blocked trackers,
// hostile values.
var contractSeed = panelsim.SeedConfig{Users: 40, Trackers: 150}

// newSimEnv starts a fresh emulator and a recording client for it.
func newSimEnv(t testing.TB, opts ...panelclient.Option) *simEnv {
	t.Helper()
	sim := panelsim.New(panelsim.WithSeed(contractSeed))
	srv := httptest.NewServer(sim)
	tr := &http.Transport{}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	rec := &recorder{next: tr}
	hc := &http.Client{
		Transport:     rec,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	all := append([]panelclient.Option{panelclient.WithHTTPClient(hc), panelclient.WithTimeout(5 * time.Second)}, opts...)
	c, err := panelclient.New(srv.URL+"/v2/panel", all...)
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, a := range sim.Actions() {
		served[a] = true
	}
	return &simEnv{ctx: context.Background(), sim: sim, srv: srv, rec: rec, c: c, served: served, hashes: map[string]string{}}
}

// hash signs in one of the demo accounts (admin, tech, viewer) through the
// client, once per environment.
func (e *simEnv) hash(t testing.TB, login string) string {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if h, ok := e.hashes[login]; ok {
		return h
	}
	if !e.served["account/auth"] {
		t.Skip("emulator lacks account/auth")
	}
	res, err := e.c.Auth(e.ctx, login, login)
	if err != nil {
		t.Fatalf("signing in as %s: %v", login, err)
	}
	e.hashes[login] = res.Hash
	return res.Hash
}

func (e *simEnv) admin(t testing.TB) string  { return e.hash(t, "admin") }
func (e *simEnv) tech(t testing.TB) string   { return e.hash(t, "tech") }
func (e *simEnv) viewer(t testing.TB) string { return e.hash(t, "viewer") }

// need skips the test when the emulator does not serve one of actions yet.
func (e *simEnv) need(t testing.TB, actions ...string) {
	t.Helper()
	for _, a := range actions {
		if !e.served[a] {
			t.Skipf("emulator lacks %s", a)
		}
	}
}

// Fixtures picked from the seed through the emulator's read-only Store, so
// rows do not depend on the seed's exact ids.

// original returns a live, unblocked, uncorrupted original tracker.
func (e *simEnv) original(t testing.TB) panelsim.Tracker {
	t.Helper()
	for _, tr := range e.sim.Store().Trackers(0, -1) {
		if !tr.Clone && !tr.Deleted && tr.Source != nil && !tr.Source.Blocked && !tr.Source.Corrupted {
			return tr
		}
	}
	t.Fatal("seed has no live original tracker")
	return panelsim.Tracker{}
}

// originals returns n live, unblocked originals.
func (e *simEnv) originals(t testing.TB, n int) []panelsim.Tracker {
	t.Helper()
	var out []panelsim.Tracker
	for _, tr := range e.sim.Store().Trackers(0, -1) {
		if !tr.Clone && !tr.Deleted && tr.Source != nil && !tr.Source.Blocked && !tr.Source.Corrupted {
			out = append(out, tr)
			if len(out) == n {
				return out
			}
		}
	}
	t.Fatalf("seed has fewer than %d live original trackers", n)
	return nil
}

// clone returns a live clone tracker.
func (e *simEnv) clone(t testing.TB) panelsim.Tracker {
	t.Helper()
	for _, tr := range e.sim.Store().Trackers(0, -1) {
		if tr.Clone && !tr.Deleted && tr.Source != nil && !tr.Source.Corrupted {
			return tr
		}
	}
	t.Fatal("seed has no clone")
	return panelsim.Tracker{}
}

// originalWithClone returns a live original that has at least one clone.
func (e *simEnv) originalWithClone(t testing.TB) panelsim.Tracker {
	t.Helper()
	trackers := e.sim.Store().Trackers(0, -1)
	for _, c := range trackers {
		if !c.Clone || c.Deleted || c.Source == nil {
			continue
		}
		for _, o := range trackers {
			if !o.Clone && o.Source != nil && o.Source.ID == c.Source.ID && !o.Deleted && !o.Source.Corrupted {
				return o
			}
		}
	}
	t.Fatal("seed has no original with a clone")
	return panelsim.Tracker{}
}

// otherUser returns a user that holds no tracker over the same device as
// any of trackers (so a clone or move to them is allowed).
func (e *simEnv) otherUser(t testing.TB, trackers ...panelsim.Tracker) panelsim.User {
	t.Helper()
	st := e.sim.Store()
	busy := map[int]bool{}
	sources := map[int]bool{}
	for _, tr := range trackers {
		busy[tr.UserID] = true
		if tr.Source != nil {
			sources[tr.Source.ID] = true
		}
	}
	for _, tr := range st.Trackers(0, -1) {
		if tr.Source != nil && sources[tr.Source.ID] {
			busy[tr.UserID] = true
		}
	}
	for _, u := range st.Users(0, -1) {
		if !busy[u.ID] {
			return u
		}
	}
	t.Fatal("seed has no free user")
	return panelsim.User{}
}

// userWithMoney returns a user with a positive balance.
func (e *simEnv) userWithMoney(t testing.TB) panelsim.User {
	t.Helper()
	for _, u := range e.sim.Store().Users(0, -1) {
		if u.Balance > 1 {
			return u
		}
	}
	t.Fatal("seed has no user with money")
	return panelsim.User{}
}

// trackerPlan returns an active plan for trackers other than notID.
func (e *simEnv) trackerPlan(t testing.TB, notID int) panelsim.Tariff {
	t.Helper()
	for _, p := range e.sim.Store().Tariffs() {
		if p.DeviceType == "tracker" && p.Active && p.ID != notID && p.DeviceLimit >= 1000 {
			return p
		}
	}
	t.Fatal("seed has no other tracker plan")
	return panelsim.Tariff{}
}

// planOf returns a plan of the given device type.
func (e *simEnv) planOf(t testing.TB, deviceType string) panelsim.Tariff {
	t.Helper()
	for _, p := range e.sim.Store().Tariffs() {
		if p.DeviceType == deviceType {
			return p
		}
	}
	t.Fatalf("seed has no %s plan", deviceType)
	return panelsim.Tariff{}
}

// --- The referee ---------------------------------------------------------

// problem is one way an exchange disagrees with the OpenAPI file.
type problem struct {
	Side string // "request" or "response"
	// Path is the JSON path of the failing field ("$.list[0]"), "" when the
	// problem is not about a field.
	Path string
	Text string
}

func (p problem) String() string {
	if p.Path != "" {
		return fmt.Sprintf("%s %s: %s", p.Side, p.Path, p.Text)
	}
	return p.Side + ": " + p.Text
}

// specRequest rebuilds the recorded request under the OpenAPI file's
// server: /v2/panel/<action> on the emulator becomes
// https://api.eu.navixy.com/v2/panel/<action>, i.e. the path
// /panel/<action> of the file under its /v2 server.
func specRequest(t testing.TB, x *exchange) *http.Request {
	t.Helper()
	_, server := openAPI(t)
	action := x.Action()
	if action == "" {
		t.Fatalf("the client called %s, which is not under %s", x.Path, panelPrefix)
	}
	req, err := http.NewRequest(x.Method, server+"/panel/"+action, bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = x.Header.Clone()
	return req
}

// judge validates one recorded exchange: the request the client built
// against the operation's request schema and security scheme, and the
// answer against the response schema of its status.
func judge(t testing.TB, x *exchange) []problem {
	t.Helper()
	v, _ := openAPI(t)
	var out []problem
	add := func(side string, errs []*verrors.ValidationError) {
		for _, e := range errs {
			if len(e.SchemaValidationErrors) == 0 {
				out = append(out, problem{Side: side, Text: strings.TrimSpace(e.Message + ": " + e.Reason)})
				continue
			}
			for _, se := range e.SchemaValidationErrors {
				out = append(out, problem{Side: side, Path: se.FieldPath, Text: se.Reason})
			}
		}
	}
	if ok, errs := v.ValidateHttpRequest(specRequest(t, x)); !ok {
		add("request", errs)
	}
	if x.Err != nil || x.Status == 0 {
		return out
	}
	resp := &http.Response{
		StatusCode: x.Status,
		Header:     x.RespHeader.Clone(),
		Body:       io.NopCloser(bytes.NewReader(x.RespBody())),
	}
	req := specRequest(t, x)
	resp.Request = req
	if ok, errs := v.ValidateHttpResponse(req, resp); !ok {
		add("response", errs)
	}
	return out
}

// decodeObject reads a JSON object body, nil when it is not one.
func decodeObject(b []byte) map[string]any {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

// firstOf returns the first element of the array at key, as an object.
func firstOf(m map[string]any, key string) map[string]any {
	list, _ := m[key].([]any)
	if len(list) == 0 {
		return nil
	}
	o, _ := list[0].(map[string]any)
	return o
}

// hasKeys reports whether object o has every key.
func hasKeys(o map[string]any, keys ...string) bool {
	if o == nil {
		return false
	}
	for _, k := range keys {
		if _, ok := o[k]; !ok {
			return false
		}
	}
	return true
}
