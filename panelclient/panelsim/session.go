package panelsim

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"
)

// sessionLifetime is how long a Panel session hash stays valid: 24 hours
// from its creation, whatever the activity (authentication.md: sessions
// "cannot be renewed").
const sessionLifetime = 24 * time.Hour

// session is one staff member's Panel API session, created by account/auth.
type session struct {
	hash    string
	login   string
	created time.Time
}

// expired reports whether the session's 24 hours are over at now.
func (s *session) expired(now time.Time) bool {
	return !now.Before(s.created.Add(sessionLifetime))
}

// sessionBook holds the live sessions by hash.
type sessionBook struct {
	mu     sync.Mutex
	byHash map[string]*session
}

func newSessionBook() sessionBook {
	return sessionBook{byHash: map[string]*session{}}
}

// create opens a session for login and returns its hash: 32 lowercase hex
// digits from crypto/rand, like the platform's.
func (b *sessionBook) create(login string, now time.Time) *session {
	var raw [16]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails (Go 1.24+)
	s := &session{hash: hex.EncodeToString(raw[:]), login: login, created: now}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sweep(now)
	b.byHash[s.hash] = s
	return s
}

// lookup finds the live session of hash. An expired session is forgotten
// on the way, so it answers exactly like an ended one.
func (b *sessionBook) lookup(hash string, now time.Time) (*session, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.byHash[hash]
	if !ok {
		return nil, false
	}
	if s.expired(now) {
		delete(b.byHash, hash)
		return nil, false
	}
	return s, true
}

// end closes a session (account/logout).
func (b *sessionBook) end(hash string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.byHash, hash)
}

// sweep forgets expired sessions once the book grows, so a long load test
// does not accumulate them. Caller holds b.mu.
func (b *sessionBook) sweep(now time.Time) {
	if len(b.byHash) < 1024 {
		return
	}
	for h, s := range b.byHash {
		if s.expired(now) {
			delete(b.byHash, h)
		}
	}
}

// requestHash finds the session hash of a request, in the order the docs
// recommend: the `Authorization: NVX <hash>` header, then a `hash`
// parameter (JSON body, form field or query string).
//
// Choices where the docs are silent:
//   - A header present with another scheme ("Bearer ...") or no value is a
//     wrong hash (code 3); the parameter is not consulted then.
//   - A missing hash is code 3 "Wrong hash", like a malformed one: no
//     session can be identified.
//   - A hash that is not 32 lowercase hex digits is code 3; a well-formed
//     hash with no live session (unknown, expired or logged out) is code 4
//     "User not found or session ended", as the session-expiry examples show.
func requestHash(r *http.Request, p *params) (string, *apiError) {
	var hash string
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, value, _ := strings.Cut(strings.TrimSpace(h), " ")
		if !strings.EqualFold(scheme, "NVX") {
			return "", newError(codeWrongHash)
		}
		hash = strings.TrimSpace(value)
	} else if v, ok := p.text("hash"); ok {
		hash = v
	}
	if !wellFormedHash(hash) {
		return "", newError(codeWrongHash)
	}
	return hash, nil
}

// wellFormedHash reports whether h looks like a session hash.
func wellFormedHash(h string) bool {
	if len(h) != 32 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// EndAllSessions ends every open Panel session at once, as a platform
// restart or a password change would: every hash then answers code 4, so
// tests can show how the portal sends a staff member back to the login.
func (s *Server) EndAllSessions() {
	s.sessions.mu.Lock()
	defer s.sessions.mu.Unlock()
	clear(s.sessions.byHash)
}
