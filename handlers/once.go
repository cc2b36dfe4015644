package handlers

import (
	"sync"
	"time"

	"github.com/navixy-portal/portal/auth"
)

// onceGuard makes a form that moves money apply at most once. Each such
// form carries a random one-time token (field "_once"); the first submit of
// a token claims it and goes on to the Panel API, any later submit of the
// same token (a double click, the browser's "resend form", a second tab
// restored from history) is refused before any Panel API call.
//
// The guard is in memory and per replica: behind a load balancer without
// sticky sessions, a resubmitted form that lands on another replica is not
// caught here. Two other layers cover that case: the page's script
// disables the submit button once the form is sent (forms marked
// data-once, see static/portal.js), and the confirmation page after a
// successful change is reached by a redirect, so a reload does not resend
// the form. A token is remembered for a day; the guard holds at most
// maxEntries tokens and forgets the oldest first when full.
type onceGuard struct {
	mu         sync.Mutex
	seen       map[string]time.Time
	order      []onceEntry // claim order, oldest first, for expiry and eviction
	ttl        time.Duration
	maxEntries int
	now        func() time.Time
}

type onceEntry struct {
	token string
	at    time.Time
}

// onceTTL is how long a claimed token is remembered.
const onceTTL = 24 * time.Hour

// onceMaxEntries bounds the guard's memory (about 100 bytes a token).
const onceMaxEntries = 100_000

// onceField is the form field that carries the token.
const onceField = "_once"

func newOnceGuard(now func() time.Time, ttl time.Duration, maxEntries int) *onceGuard {
	if now == nil {
		now = time.Now
	}
	return &onceGuard{seen: map[string]time.Time{}, ttl: ttl, maxEntries: maxEntries, now: now}
}

// Issue returns a fresh token to put in a form. Issuing stores nothing:
// only claimed tokens take memory.
func (g *onceGuard) Issue() string { return auth.RandomToken() }

// Valid reports whether s looks like a token Issue made, so a missing or
// mangled token is told apart from a resent one.
func (g *onceGuard) Valid(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Claim marks the token as used and reports whether this was its first
// use. Only the first of any number of concurrent claims of one token
// succeeds.
func (g *onceGuard) Claim(token string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.expireLocked(now)
	if at, ok := g.seen[token]; ok && now.Sub(at) < g.ttl {
		return false
	}
	for len(g.order) >= g.maxEntries && len(g.order) > 0 {
		delete(g.seen, g.order[0].token)
		g.order = g.order[1:]
	}
	g.seen[token] = now
	g.order = append(g.order, onceEntry{token, now})
	return true
}

// expireLocked forgets the tokens older than the TTL.
func (g *onceGuard) expireLocked(now time.Time) {
	n := 0
	for n < len(g.order) && now.Sub(g.order[n].at) >= g.ttl {
		delete(g.seen, g.order[n].token)
		n++
	}
	if n > 0 {
		g.order = append(g.order[:0:0], g.order[n:]...)
	}
}

// Len is the number of tokens remembered.
func (g *onceGuard) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.seen)
}
