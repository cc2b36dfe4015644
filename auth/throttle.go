package auth

import (
	"strings"
	"sync"
	"time"
)

// Throttle slows down password guessing. Each failed login counts against
// the client address and against the login tried; after a few free
// failures every further one doubles the wait, up to MaxWait. A success
// clears the login's count. The answer never says whether a login exists:
// unknown and known logins are counted alike.
//
// The counts live in the replica's memory: behind a load balancer with N
// replicas an attacker gets at most N times the attempts, still growing
// exponentially slower.
type Throttle struct {
	Free    int           // failures allowed before any wait
	Base    time.Duration // the first wait
	MaxWait time.Duration // the longest wait
	Forget  time.Duration // a quiet key is forgotten after this

	mu   sync.Mutex
	keys map[string]*strikes
	now  func() time.Time
}

type strikes struct {
	n     int
	until time.Time
	last  time.Time
}

// NewThrottle returns a throttle with the portal's defaults: 5 free
// failures, then 2 s doubling up to 15 minutes.
func NewThrottle(now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{Free: 5, Base: 2 * time.Second, MaxWait: 15 * time.Minute, Forget: time.Hour, keys: map[string]*strikes{}, now: now}
}

func loginKey(login string) string { return "l:" + strings.ToLower(strings.TrimSpace(login)) }
func addrKey(addr string) string   { return "a:" + addr }

// Wait returns how long the client must wait before its next attempt at
// login; zero means it may try now.
func (t *Throttle) Wait(addr, login string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for _, k := range []string{addrKey(addr), loginKey(login)} {
		if s, ok := t.keys[k]; ok && s.until.After(now) {
			wait = max(wait, s.until.Sub(now))
		}
	}
	return wait
}

// Fail records a failed attempt.
func (t *Throttle) Fail(addr, login string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.gc(now)
	for _, k := range []string{addrKey(addr), loginKey(login)} {
		s := t.keys[k]
		if s == nil {
			s = &strikes{}
			t.keys[k] = s
		}
		s.n++
		s.last = now
		if over := s.n - t.Free; over > 0 {
			d := t.Base << min(over-1, 20)
			s.until = now.Add(min(d, t.MaxWait))
		}
	}
}

// Succeed clears the login's count (the address keeps its own, so one
// good password does not reset a spray across many logins).
func (t *Throttle) Succeed(login string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, loginKey(login))
}

func (t *Throttle) gc(now time.Time) {
	if len(t.keys) < 10000 {
		return
	}
	for k, s := range t.keys {
		if now.Sub(s.last) > t.Forget && !s.until.After(now) {
			delete(t.keys, k)
		}
	}
}
