package panelclient

import "context"

// MFA settings types and factor types.
const (
	MFAAllowed     = "allowed"
	MFADisallowed  = "disallowed"
	MFAFactorEmail = "email"
)

// MFASettings is a multi-factor authentication policy for users: Type is
// MFAAllowed (with at least one factor type, only MFAFactorEmail exists) or
// MFADisallowed.
type MFASettings struct {
	Type        string   `json:"type"`
	FactorTypes []string `json:"factor_types,omitempty"`
}

// MFATarget says which users an MFA update applies to: every user of the
// dealer, or the listed ones (1 to 100 IDs). Build it with MFAAllUsers or
// MFASelectedUsers.
type MFATarget struct {
	Type string `json:"type"`
	IDs  []int  `json:"ids,omitempty"`
}

// MFAAllUsers targets every user of the dealer.
func MFAAllUsers() MFATarget { return MFATarget{Type: "all"} }

// MFASelectedUsers targets the users with the given IDs.
func MFASelectedUsers(ids ...int) MFATarget { return MFATarget{Type: "selected", IDs: ids} }

// UpdateUserMFASettings sets the MFA policy of some or all users
// (user/mfa/settings/update; users: update). Allowing MFA turns it on.
func (c *Client) UpdateUserMFASettings(ctx context.Context, hash string, target MFATarget, settings MFASettings) error {
	params := struct {
		Target   MFATarget   `json:"target"`
		Settings MFASettings `json:"settings"`
	}{target, settings}
	return c.call(ctx, mutation, hash, "user/mfa/settings/update", params, nil)
}

// ReadDefaultMFASettings returns the MFA policy new users get
// (user/mfa/settings/default/read; users: read), or nil when none is set.
func (c *Client) ReadDefaultMFASettings(ctx context.Context, hash string) (*MFASettings, error) {
	var out struct {
		Value *MFASettings `json:"value"`
	}
	if err := c.call(ctx, readOnly, hash, "user/mfa/settings/default/read", nil, &out); err != nil {
		return nil, err
	}
	return out.Value, nil
}

// UpdateDefaultMFASettings sets the MFA policy new users get
// (user/mfa/settings/default/update; users: update).
func (c *Client) UpdateDefaultMFASettings(ctx context.Context, hash string, settings MFASettings) error {
	params := struct {
		Settings MFASettings `json:"settings"`
	}{settings}
	return c.call(ctx, mutation, hash, "user/mfa/settings/default/update", params, nil)
}
