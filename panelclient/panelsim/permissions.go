package panelsim

import (
	"slices"
	"sync"
)

// permSet is a panel account's permissions: operations by category, as
// account/auth and account/get_permissions return them
// ({"users": ["create", "read"], ...}). Operations are sorted and unique.
type permSet map[string][]string

// newPermSet copies and normalises a permission map.
func newPermSet(m map[string][]string) permSet {
	ps := make(permSet, len(m))
	for cat, ops := range m {
		ops = append([]string{}, ops...) // never nil: encodes as [], not null
		slices.Sort(ops)
		ps[cat] = slices.Compact(ops)
	}
	return ps
}

// has reports whether the set grants one operation of a category.
func (ps permSet) has(category, operation string) bool {
	return slices.Contains(ps[category], operation)
}

// allows reports whether the set grants every required permission. The
// docs: "If the user does not have at least one required permission, the
// call is not executed".
func (ps permSet) allows(required []perm) bool {
	for _, r := range required {
		if !ps.has(r.category, r.operation) {
			return false
		}
	}
	return true
}

// perm is one (category, operation) pair.
type perm struct{ category, operation string }

// access is who may call an action: whether a session is needed, and which
// permissions the session must hold. Build it with public, sessionOnly or
// need(...).and(...).
type access struct {
	session bool
	perms   []perm
}

var (
	// public actions need no session hash at all (account/auth,
	// timezone/list).
	public = access{}
	// sessionOnly actions need a live session but no permission
	// (account/get_permissions, account/logout).
	sessionOnly = access{session: true}
)

// need requires a session holding every listed operation of a category,
// as an action's "required permissions" line in the docs reads:
// `trackers: "create", "delete"` is need("trackers", "create", "delete").
func need(category string, operations ...string) access {
	return sessionOnly.and(category, operations...)
}

// and adds the operations of another category:
// `[users: "read", transactions: "read"]` is
// need("users", "read").and("transactions", "read").
func (a access) and(category string, operations ...string) access {
	perms := slices.Clone(a.perms)
	for _, op := range operations {
		perms = append(perms, perm{category, op})
	}
	return access{session: true, perms: perms}
}

// DemoAccount is one of the panel accounts every emulator starts with.
type DemoAccount struct {
	Login    string
	Password string
	// Role says in a few words what the account may do.
	Role string
}

// DemoAccounts lists the demo logins, for the emulator's banner and the
// portal's -demo mode.
func DemoAccounts() []DemoAccount {
	return []DemoAccount{
		{Login: "admin", Password: "admin", Role: "dealer administrator: every permission"},
		{Login: "tech", Password: "tech", Role: "technical (employee) account: adds and modifies users and trackers, no deletions, plans or settings"},
		{Login: "viewer", Password: "viewer", Role: "read only"},
	}
}

// adminPermissions is every category and operation named anywhere in the
// Panel API markdown: the list in getting-started.md, the categories of
// authentication.md, the account/auth example and every action's
// "required permissions" (tracker_bundles: create, users: global,
// user_sessions: global). The OpenAPI file's extra categories
// (paas_payments, paas_tariff) belong to the platform owner's billing and
// are not granted.
func adminPermissions() map[string][]string {
	return map[string][]string{
		"accounting":            {"generate"},
		"activation_code":       {"create", "read", "update"},
		"base":                  {"get_dealer_info"},
		"email_gateways":        {"create", "delete", "read", "send_email", "update"},
		"notification_settings": {"read", "update"},
		"password":              {"update"},
		"service_settings":      {"read", "update"},
		"sms":                   {"create"},
		"subpaas":               {"create", "delete", "read", "update"},
		"tariffs":               {"create", "read", "update"},
		"tracker_bundles":       {"create", "read", "update"},
		"trackers":              {"corrupt", "create", "delete", "global", "read", "report", "update"},
		"transactions":          {"create", "read", "update"},
		"user_sessions":         {"create", "global"},
		"users":                 {"corrupt", "create", "delete", "global", "read", "update"},
	}
}

// techPermissions is the employee role of admin-panel-guide/access.md, as
// DESIGN.md lists it: add and modify users, add, clone, move and re-plan
// trackers, the air console; no user deletion, no corrupt, no plan or
// settings changes, no password update.
func techPermissions() map[string][]string {
	return map[string][]string{
		"base":                  {"get_dealer_info"},
		"users":                 {"create", "read", "update"},
		"user_sessions":         {"create"},
		"trackers":              {"create", "read", "update", "delete", "report"},
		"tariffs":               {"read"},
		"transactions":          {"create", "read"},
		"activation_code":       {"read"},
		"tracker_bundles":       {"read"},
		"service_settings":      {"read"},
		"notification_settings": {"read"},
		"email_gateways":        {"read"},
		"subpaas":               {"read"},
	}
}

// viewerPermissions is the read operations of tech. base: get_dealer_info
// counts as one: it only reads the dealer's own card, and every page header
// needs it.
func viewerPermissions() map[string][]string {
	return map[string][]string{
		"base":                  {"get_dealer_info"},
		"users":                 {"read"},
		"trackers":              {"read"},
		"tariffs":               {"read"},
		"transactions":          {"read"},
		"activation_code":       {"read"},
		"tracker_bundles":       {"read"},
		"service_settings":      {"read"},
		"notification_settings": {"read"},
		"email_gateways":        {"read"},
		"subpaas":               {"read"},
	}
}

// panelAccount is a login of the dealer's Admin Panel.
type panelAccount struct {
	password string
	perms    permSet
}

// accountBook holds the panel accounts by login.
type accountBook struct {
	mu      sync.RWMutex
	byLogin map[string]panelAccount
}

func newAccountBook() accountBook {
	return accountBook{byLogin: map[string]panelAccount{
		"admin":  {password: "admin", perms: newPermSet(adminPermissions())},
		"tech":   {password: "tech", perms: newPermSet(techPermissions())},
		"viewer": {password: "viewer", perms: newPermSet(viewerPermissions())},
	}}
}

// check returns the account of login when the password matches.
func (b *accountBook) check(login, password string) (panelAccount, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	a, ok := b.byLogin[login]
	if !ok || a.password != password {
		return panelAccount{}, false
	}
	return a, true
}

// permissions returns the current permissions of login. Sessions read them
// live, so a change made by AddAccount shows in account/get_permissions
// without a new login, as the OpenAPI description of that call promises.
func (b *accountBook) permissions(login string) permSet {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.byLogin[login].perms
}

// AddAccount adds a panel login with the given permissions (category to
// operations), or replaces the password and permissions of an existing
// one. Sessions already open for that login see the new permissions at
// once. Tests use it for a staff member with an unusual permission set.
func (s *Server) AddAccount(login, password string, perms map[string][]string) {
	s.accounts.mu.Lock()
	defer s.accounts.mu.Unlock()
	s.accounts.byLogin[login] = panelAccount{password: password, perms: newPermSet(perms)}
}

// SetDealerBlocked blocks or unblocks the dealer. While blocked, account/auth
// answers code 11 "Access denied" for correct credentials and
// dealer/get_info shows block_status "BLOCK_LOGIN". Sessions opened before
// the block keep working until they end: the docs tie code 11 to login only.
func (s *Server) SetDealerBlocked(blocked bool) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if blocked {
		s.store.dealer.BlockStatus = "BLOCK_LOGIN"
	} else {
		s.store.dealer.BlockStatus = "NOT_BLOCKED"
	}
}
