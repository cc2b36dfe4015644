package panelsim

func (s *Server) registerAccountActions() {
	s.register("account/auth", public, s.accountAuth)
	s.register("account/get_permissions", sessionOnly, s.accountGetPermissions)
	s.register("account/logout", sessionOnly, s.accountLogout)
}

// authReply is the answer of account/auth.
type authReply struct {
	Hash        string  `json:"hash"`
	Permissions permSet `json:"permissions"`
}

// accountAuth signs a staff member in: login and password give a session
// hash valid for 24 hours and the account's permissions.
//
// Wrong credentials answer code 12 "Dealer not found", whether the login
// is unknown or the password wrong. account.md documents only 11 and 12
// for this call, and getting-started.md illustrates "incorrect
// credentials" with code 12; one answer for both cases also keeps logins
// from being probed. (Code 102 "Wrong login or password" belongs to the
// user API's user/auth.) A missing login or password is code 7. Correct
// credentials of a blocked dealer answer code 11 "Access denied" (HTTP 403).
func (s *Server) accountAuth(c *call) (any, error) {
	login := c.params.string("login")
	password := c.params.string("password")
	if err := c.params.err(); err != nil {
		return nil, err
	}
	acct, ok := s.accounts.check(login, password)
	if !ok {
		return nil, newError(codeDealerNotFound)
	}
	if s.dealerBlocked() {
		return nil, newError(codeAccessDenied)
	}
	sess := s.sessions.create(login, c.now)
	return authReply{Hash: sess.hash, Permissions: acct.perms}, nil
}

// dealerBlocked reports whether the dealer's block status stops panel logins.
func (s *Server) dealerBlocked() bool {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	switch s.store.dealer.BlockStatus {
	case "BLOCK_LOGIN", "INITIAL_BLOCK":
		return true
	}
	return false
}

// accountGetPermissions answers the current permissions of the session's
// account, so the portal can re-check them without a new login.
func (s *Server) accountGetPermissions(c *call) (any, error) {
	return struct {
		Permissions permSet `json:"permissions"`
	}{c.perms}, nil
}

// accountLogout ends the session: any later call with its hash, another
// logout included, answers code 4.
func (s *Server) accountLogout(c *call) (any, error) {
	s.sessions.end(c.session.hash)
	return nil, nil
}
