package auth

import (
	"crypto/subtle"
	"net/http"

	"github.com/gorilla/securecookie"
)

// CSRFCookieName holds the anti-forgery token of a visitor who has not
// signed in yet (the login form). A signed-in staff member's token lives in
// the session cookie, so another session's token never passes.
const CSRFCookieName = "portal_csrf"

// CSRFField and CSRFHeader carry the token on a form post or an htmx request.
const (
	CSRFField  = "_csrf"
	CSRFHeader = "X-CSRF-Token"
)

// VisitorToken returns the pre-login anti-forgery token, setting its cookie
// when the visitor has none or an invalid one.
func (m *Manager) VisitorToken(w http.ResponseWriter, r *http.Request) string {
	if tok := m.visitorToken(r); tok != "" {
		return tok
	}
	tok := RandomToken()
	if v, err := securecookie.EncodeMulti(CSRFCookieName, tok, m.codecs...); err == nil {
		http.SetCookie(w, m.cookie(CSRFCookieName, v, 0))
	}
	return tok
}

func (m *Manager) visitorToken(r *http.Request) string {
	c, err := r.Cookie(CSRFCookieName)
	if err != nil {
		return ""
	}
	var tok string
	if securecookie.DecodeMulti(CSRFCookieName, c.Value, &tok, m.codecs...) != nil {
		return ""
	}
	return tok
}

// CheckVisitorToken reports whether the request carries the visitor's token.
func (m *Manager) CheckVisitorToken(r *http.Request) bool {
	return SameToken(m.visitorToken(r), SubmittedToken(r))
}

// SubmittedToken is the token a request carries, header first.
func SubmittedToken(r *http.Request) string {
	if t := r.Header.Get(CSRFHeader); t != "" {
		return t
	}
	return r.PostFormValue(CSRFField)
}

// SameToken compares two tokens in constant time; empty never matches.
func SameToken(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}
