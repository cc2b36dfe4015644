package panelclient

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
)

// Permissions are the rights of a Panel session, by category: for example
// {"users": ["create", "read"], "trackers": ["read"]}. A category the Panel
// leaves out grants nothing. The portal gates every route on them.
type Permissions map[string][]string

// Has reports whether the session may perform operation in category, for
// example Has("users", "update").
func (p Permissions) Has(category, operation string) bool {
	return slices.Contains(p[category], operation)
}

// AuthResult is a new Panel session: the hash that authorizes the staff
// member's further calls, and the session's permissions.
type AuthResult struct {
	// Hash is the session key. It is a credential: keep it only in the
	// encrypted session cookie, never in a URL, a page or a log line.
	Hash        string      `json:"hash"`
	Permissions Permissions `json:"permissions"`
}

// String hides the hash, so printing an AuthResult cannot leak it.
func (a AuthResult) String() string {
	return fmt.Sprintf("AuthResult{Hash: [redacted], Permissions: %v}", map[string][]string(a.Permissions))
}

// LogValue hides the hash in structured logs.
func (a AuthResult) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("hash", "[redacted]"),
		slog.Any("permissions", map[string][]string(a.Permissions)),
	)
}

// Auth signs a staff member in to the Panel (account/auth) with their Panel
// login and password, and returns the new session. Wrong credentials come
// back as an *APIError (code 12 "Dealer not found"; 11 when the dealer is
// blocked). It is never retried.
func (c *Client) Auth(ctx context.Context, login, password string) (*AuthResult, error) {
	params := struct {
		Login    string `json:"login"`
		Password string `json:"password"`
	}{login, password}
	var out AuthResult
	if err := c.call(ctx, mutation, "", "account/auth", params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetPermissions returns the current permissions of a session
// (account/get_permissions), for example to re-check them after the
// platform owner changed the dealer's rights.
func (c *Client) GetPermissions(ctx context.Context, hash string) (Permissions, error) {
	var out struct {
		Permissions Permissions `json:"permissions"`
	}
	if err := c.call(ctx, readOnly, hash, "account/get_permissions", nil, &out); err != nil {
		return nil, err
	}
	return out.Permissions, nil
}

// Logout ends a Panel session (account/logout) when the staff member signs
// out, so the hash is useless even if it leaked.
func (c *Client) Logout(ctx context.Context, hash string) error {
	return c.call(ctx, mutation, hash, "account/logout", nil, nil)
}
