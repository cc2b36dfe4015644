package panelclient

import "context"

// UpdateDealerPassword changes the password of the signed-in dealer
// (dealer/password/update; password: update). The new password must
// differ from the old one (code 245), meet password-requirements.md and
// not be one of the last ten (code 7 on new_password); a wrong
// old_password is code 248.
//
// On success the Panel ends every panel session of the dealer, the
// caller's included (the OpenAPI file): the hash is dead and the staff
// member must sign in again with the new password. It is never resent.
func (c *Client) UpdateDealerPassword(ctx context.Context, hash, oldPassword, newPassword string) error {
	params := struct {
		OldPassword string `json:"old_password"`
		NewPassword string `json:"new_password"`
	}{oldPassword, newPassword}
	return c.call(ctx, mutation, hash, "dealer/password/update", params, nil)
}
