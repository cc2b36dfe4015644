package panelsim

import (
	"net/http"
	"sync"
	"time"
)

// AnyAction names every action in SetFault: a fault set for it applies to
// actions that have no fault of their own, e.g. to take the whole upstream
// down.
const AnyAction = "*"

// Fault makes one action misbehave, so tests can show what a staff member
// sees when the Panel API is slow, failing or gone. Fields combine in this
// order: Latency first, then the first of Drop, a raw reply (Status or
// Body), Code; Truncate applies to whatever JSON reply comes out, real or
// Code.
type Fault struct {
	// Latency delays the answer (the request's context still cancels it).
	Latency time.Duration
	// Code answers this documented error code, with its HTTP status from
	// errors.md, instead of running the action.
	Code int
	// Status and Body answer a raw reply instead of the API's JSON, e.g.
	// 502 with a proxy's HTML page. Status 0 with a Body means 200.
	Status int
	Body   string
	// Truncate cuts the JSON reply in half, as a connection lost mid-body.
	Truncate bool
	// Drop closes the connection without any answer.
	Drop bool
}

// faultBook holds the faults by action name, and the global latency.
type faultBook struct {
	mu       sync.RWMutex
	byAction map[string]Fault
	latency  time.Duration
}

func newFaultBook() faultBook {
	return faultBook{byAction: map[string]Fault{}}
}

// lookup returns the fault for an action (or AnyAction's), with the global
// latency added.
func (b *faultBook) lookup(action string) Fault {
	b.mu.RLock()
	defer b.mu.RUnlock()
	f, ok := b.byAction[action]
	if !ok {
		f = b.byAction[AnyAction]
	}
	f.Latency += b.latency
	return f
}

// SetFault makes an action ("user/list", or AnyAction) misbehave until
// ClearFaults. A zero Fault removes the action's fault.
func (s *Server) SetFault(action string, f Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if f == (Fault{}) {
		delete(s.faults.byAction, action)
		return
	}
	s.faults.byAction[action] = f
}

// ClearFaults removes every per-action fault. The global latency stays.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	clear(s.faults.byAction)
}

// SetLatency delays every answer by d, on top of any per-action fault, to
// give benchmarks and demos a realistic upstream round trip.
func (s *Server) SetLatency(d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.latency = d
}

// dropConnection closes the client's connection without a reply.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// HTTP/2 or a wrapped writer: abort the handler; net/http resets the
	// stream or closes the connection without writing the buffered reply.
	panic(http.ErrAbortHandler)
}

// callLog counts requests per action name.
type callLog struct {
	mu       sync.Mutex
	attempts map[string]int
	ran      map[string]int
}

func newCallLog() callLog {
	return callLog{attempts: map[string]int{}, ran: map[string]int{}}
}

func (l *callLog) countAttempt(action string) {
	l.mu.Lock()
	l.attempts[action]++
	l.mu.Unlock()
}

func (l *callLog) countRun(action string) {
	l.mu.Lock()
	l.ran[action]++
	l.mu.Unlock()
}

// Attempts counts every request that named the action, whatever became of
// it (bad hash, missing permission, fault).
func (s *Server) Attempts(action string) int {
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	return s.calls.attempts[action]
}

// CallCount counts the requests that passed the session and permission
// checks and ran the action, so a test can assert that a forbidden click
// never reached the upstream's business logic.
func (s *Server) CallCount(action string) int {
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	return s.calls.ran[action]
}

// ResetCalls zeroes Attempts and CallCount for every action.
func (s *Server) ResetCalls() {
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	clear(s.calls.attempts)
	clear(s.calls.ran)
}
