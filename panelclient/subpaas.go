package panelclient

import "context"

// Subpaas is a reseller (sub-dealer, "Sub-PaaS"): a dealer working under
// this one with its own panel, users and devices (subpaas/*). The list
// answers the identity, status and counts; read adds the contact details.
type Subpaas struct {
	ID      int    `json:"subpaas_id"`
	Title   string `json:"title"`
	JurName string `json:"jur_name"`
	// Login is the reseller's panel login.
	Login        string `json:"login"`
	CreationDate string `json:"creation_date"`
	// BlockType is one of the BlockStatus constants (dealer.go):
	// NOT_BLOCKED (active), INITIAL_BLOCK (not paid yet), BLOCK_LOGIN
	// (panel suspended), CLIENTS_BLOCKED (service fully suspended).
	BlockType           string `json:"block_type"`
	UsersCount          int    `json:"users_count"`
	ActiveUsersCount    int    `json:"active_users_count"`
	TrackersCount       int    `json:"trackers_count"`
	ActiveTrackersCount int    `json:"active_trackers_count"`

	Email          string `json:"email"`
	JurCountry     string `json:"jur_country"`
	LinkMonitoring string `json:"link_monitoring"`
	ContactFio     string `json:"contact_fio"`
	ContactPost    string `json:"contact_post"`
	ContactPhone   string `json:"contact_phone"`
}

// SubpaasListParams filter, sort and page the reseller list. Zero values
// are left out.
type SubpaasListParams struct {
	// Filter is a text filter (the OpenAPI file; the markdown omits it, the
	// official console sends it).
	Filter string `json:"filter,omitempty"`
	// OrderBy is one of subpaas_id (default), title, jur_name, login,
	// block_type, creation_date.
	OrderBy   string `json:"order_by,omitempty"`
	Ascending *bool  `json:"ascending,omitempty"`
	Offset    int    `json:"offset,omitempty"`
	Limit     int    `json:"limit,omitempty"`
}

// SubpaasList is one page of resellers and, when the Panel gives it
// (OpenAPI), the total matching; Count is len(List) otherwise.
type SubpaasList struct {
	List  []Subpaas `json:"list"`
	Count int       `json:"count"`
}

// ListSubpaas returns a page of the dealer's resellers (subpaas/list;
// subpaas: read). A dealer that may not have resellers gets code 13.
func (c *Client) ListSubpaas(ctx context.Context, hash string, p SubpaasListParams) (*SubpaasList, error) {
	var out struct {
		List  []Subpaas `json:"list"`
		Count *int      `json:"count"`
	}
	if err := c.call(ctx, readOnly, hash, "subpaas/list", p, &out); err != nil {
		return nil, err
	}
	res := &SubpaasList{List: out.List, Count: len(out.List)}
	if out.Count != nil {
		res.Count = *out.Count
	}
	return res, nil
}

type subpaasIDParams struct {
	SubpaasID int `json:"subpaas_id"`
}

// ReadSubpaas returns one reseller (subpaas/read; subpaas: read).
func (c *Client) ReadSubpaas(ctx context.Context, hash string, subpaasID int) (*Subpaas, error) {
	var out struct {
		Value Subpaas `json:"value"`
	}
	if err := c.call(ctx, readOnly, hash, "subpaas/read", subpaasIDParams{subpaasID}, &out); err != nil {
		return nil, err
	}
	return &out.Value, nil
}

// SubpaasCreateParams are the parameters of subpaas/create. Title (1 to
// 50), JurName (up to 100), Email, JurCountry and LinkMonitoring (a
// domain name) are required, as is a Password meeting
// password-requirements.md; the contact fields are optional.
type SubpaasCreateParams struct {
	Password       string `json:"password"`
	Title          string `json:"title"`
	Email          string `json:"email"`
	JurName        string `json:"jur_name"`
	JurCountry     string `json:"jur_country"`
	LinkMonitoring string `json:"link_monitoring"`
	ContactFio     string `json:"contact_fio,omitempty"`
	ContactPost    string `json:"contact_post,omitempty"`
	ContactPhone   string `json:"contact_phone,omitempty"`
}

// CreateSubpaas creates a reseller, which starts INITIAL_BLOCK (not paid),
// and returns its id (subpaas/create; subpaas: create). The markdown's
// answer has no id, the OpenAPI file's has one: 0 when the Panel sends
// none. The Panel emails the parent dealer and the platform managers.
func (c *Client) CreateSubpaas(ctx context.Context, hash string, p SubpaasCreateParams) (int, error) {
	var out struct {
		ID int `json:"id"`
	}
	if err := c.call(ctx, mutation, hash, "subpaas/create", p, &out); err != nil {
		return 0, err
	}
	return out.ID, nil
}

// SubpaasUpdateParams are the parameters of subpaas/update. The OpenAPI
// file requires BlockType and takes no password (the markdown lists one;
// change it with ChangeSubpaasPassword). INITIAL_BLOCK can be neither set
// nor left (code 13).
type SubpaasUpdateParams struct {
	SubpaasID      int    `json:"subpaas_id"`
	BlockType      string `json:"block_type"`
	Title          string `json:"title"`
	Email          string `json:"email"`
	JurName        string `json:"jur_name"`
	JurCountry     string `json:"jur_country"`
	LinkMonitoring string `json:"link_monitoring"`
	ContactFio     string `json:"contact_fio"`
	ContactPost    string `json:"contact_post"`
	ContactPhone   string `json:"contact_phone"`
}

// UpdateSubpaas changes a reseller's details and block status
// (subpaas/update; subpaas: update).
func (c *Client) UpdateSubpaas(ctx context.Context, hash string, p SubpaasUpdateParams) error {
	return c.call(ctx, mutation, hash, "subpaas/update", p, nil)
}

// ChangeSubpaasPassword sets a reseller's panel password without the old
// one (subpaas/password/change; subpaas: update).
func (c *Client) ChangeSubpaasPassword(ctx context.Context, hash string, subpaasID int, newPassword string) error {
	params := struct {
		SubpaasID   int    `json:"subpaas_id"`
		NewPassword string `json:"new_password"`
	}{subpaasID, newPassword}
	return c.call(ctx, mutation, hash, "subpaas/password/change", params, nil)
}

// CreateSubpaasSession opens a panel session as the reseller and returns
// its hash (subpaas/session/create). The reseller must be active
// (NOT_BLOCKED), else code 13. The hash is a credential: keep it only in
// the encrypted session cookie. It is never resent.
func (c *Client) CreateSubpaasSession(ctx context.Context, hash string, subpaasID int) (string, error) {
	var out struct {
		Hash string `json:"hash"`
	}
	if err := c.call(ctx, mutation, hash, "subpaas/session/create", subpaasIDParams{subpaasID}, &out); err != nil {
		return "", err
	}
	return out.Hash, nil
}
