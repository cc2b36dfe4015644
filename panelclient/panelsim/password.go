package panelsim

import (
	"slices"
	"strings"
)

// The dealer's own panel password (resources/dealer/password.md).

func (s *Server) registerDealerPasswordActions() {
	s.register("dealer/password/update", need("password", "update"), s.dealerPasswordUpdate)
}

// Codes of dealer/password/update not named in errors.go yet.
const (
	codeSamePassword  = 245
	codeWrongPassword = 248
)

// dealerPasswordUpdate changes the password of the session's panel login.
// Both values are trimmed (OpenAPI). In order:
//
//   - old_password or new_password missing: 7;
//   - old_password not the current password: 248;
//   - new_password equal to old_password: 245;
//   - new_password against the dealer's password_policy (12 to 20
//     printable ASCII characters, an upper- and a lowercase letter, a
//     digit, one of !@#$%^&*): 7 on new_password;
//   - one of the login's last ten passwords: 7 "Password was recently used".
//
// On success every panel session of the dealer ends, the caller's
// included (OpenAPI): the next call with any of their hashes answers 4.
func (s *Server) dealerPasswordUpdate(c *call) (any, error) {
	p := c.params
	oldPw := strings.TrimSpace(p.string("old_password"))
	newPw := strings.TrimSpace(p.string("new_password"))
	if err := p.err(); err != nil {
		return nil, err
	}
	login := c.session.login
	st := s.store
	st.mu.Lock()
	if _, ok := s.accounts.check(login, oldPw); !ok {
		st.mu.Unlock()
		return nil, newError(codeWrongPassword)
	}
	if newPw == oldPw {
		st.mu.Unlock()
		return nil, newError(codeSamePassword)
	}
	dealer := st.sessionDealerLocked(c)
	if err := st.changePanelPasswordLocked(s, login, oldPw, newPw, dealer); err != nil {
		st.mu.Unlock()
		return nil, err
	}
	owner, main := st.loginOwnersLocked(), st.dealer.ID
	st.mu.Unlock()
	s.endDealerSessions(dealer, main, owner)
	return nil, nil
}

// changePanelPasswordLocked checks a new panel password against the
// dealer's policy and the login's history, then sets it. current is the
// password being replaced. Caller holds st.mu for writing.
func (st *Store) changePanelPasswordLocked(s *Server, login, current, newPw string, dealer int) *apiError {
	if problem := passwordProblem(newPw, st.dealerCardLocked(dealer).PasswordPolicy); problem != "" {
		return invalidParams("new_password", problem)
	}
	history := st.dealerSide.passwordHistory[login]
	if newPw == current || slices.Contains(history, newPw) {
		return invalidParams("new_password", msgRecentlyPwd)
	}
	history = append(history, current)
	if len(history) > passwordHistorySize-1 {
		history = history[len(history)-(passwordHistorySize-1):]
	}
	if st.dealerSide.passwordHistory == nil {
		st.dealerSide.passwordHistory = map[string][]string{}
	}
	st.dealerSide.passwordHistory[login] = history
	s.accounts.setPassword(login, newPw)
	return nil
}

// setPassword changes a panel login's password, keeping its permissions.
func (b *accountBook) setPassword(login, password string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a := b.byLogin[login]
	a.password = password
	b.byLogin[login] = a
}

// loginOwnersLocked maps the reseller logins to their dealer ids, so the
// dealer of a session can be told without the store lock.
func (st *Store) loginOwnersLocked() map[string]int {
	m := map[string]int{}
	for _, sp := range st.dealerSide.subpaases {
		if sp.BlockType != blockDeleted {
			m[sp.Login] = sp.ID
		}
	}
	return m
}

// endDealerSessions ends every panel session of a dealer: the sessions of
// the reseller logins in owner that map to it, or, for the demo dealer,
// every session of any other login.
func (s *Server) endDealerSessions(dealer, main int, owner map[string]int) {
	s.sessions.mu.Lock()
	defer s.sessions.mu.Unlock()
	for hash, sess := range s.sessions.byHash {
		id, reseller := owner[sess.login]
		if (reseller && id == dealer) || (!reseller && dealer == main) {
			delete(s.sessions.byHash, hash)
		}
	}
}
