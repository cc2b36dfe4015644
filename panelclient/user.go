package panelclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
)

// DateTimeLayout is the Panel's date/time format ("2021-03-01 13:00:00"),
// for time.Time.Format when building from/to parameters.
const DateTimeLayout = "2006-01-02 15:04:05"

// DateLayout is the Panel's date format ("2021-03-01").
const DateLayout = "2006-01-02"

// Legal types of a user.
const (
	LegalTypeIndividual  = "individual"
	LegalTypeLegalEntity = "legal_entity"
	LegalTypeSoleTrader  = "sole_trader"
)

// User is a customer account of the dealer (an organization or a person),
// as the Panel returns it in user/list and user/read. Every legal field is
// present whatever the legal type, empty where it does not apply.
type User struct {
	ID       int    `json:"id"`
	DealerID int    `json:"dealer_id"`
	Login    string `json:"login"`
	// Activated users may log in.
	Activated bool `json:"activated"`
	// Verified is true once the email address is verified.
	Verified bool `json:"verified"`
	// PhoneVerified comes from the OpenAPI file only.
	PhoneVerified bool `json:"phone_verified"`
	// LegalType is one of the LegalType constants.
	LegalType               string `json:"legal_type"`
	FirstName               string `json:"first_name"`
	MiddleName              string `json:"middle_name"`
	LastName                string `json:"last_name"`
	LegalName               string `json:"legal_name"`
	Phone                   string `json:"phone"`
	PostCountry             string `json:"post_country"`
	PostIndex               string `json:"post_index"`
	PostRegion              string `json:"post_region"`
	PostCity                string `json:"post_city"`
	PostStreetAddress       string `json:"post_street_address"`
	RegisteredCountry       string `json:"registered_country"`
	RegisteredIndex         string `json:"registered_index"`
	RegisteredRegion        string `json:"registered_region"`
	RegisteredCity          string `json:"registered_city"`
	RegisteredStreetAddress string `json:"registered_street_address"`
	StateRegNum             string `json:"state_reg_num"`
	TIN                     string `json:"tin"`
	OKPOCode                string `json:"okpo_code"`
	IEC                     string `json:"iec"`
	// Balance and Bonus are the user's money and bonus balances.
	Balance float64 `json:"balance"`
	Bonus   float64 `json:"bonus"`
	// CreationDate is "YYYY-MM-DD HH:MM:SS", UTC.
	CreationDate  string `json:"creation_date"`
	TrackersCount int    `json:"trackers_count"`
	Comment       string `json:"comment"`
	MenuPresetID  *int   `json:"menu_preset_id"`
	// MFAAllowed comes from the OpenAPI file only.
	MFAAllowed bool `json:"mfa_allowed"`
}

// Form returns the editable part of u, to prefill an edit form.
func (u User) Form() UserForm {
	verified := u.Verified
	return UserForm{
		ID: u.ID, DealerID: u.DealerID, Activated: u.Activated, Verified: &verified,
		Login: u.Login, LegalType: u.LegalType,
		FirstName: u.FirstName, MiddleName: u.MiddleName, LastName: u.LastName,
		LegalName: u.LegalName, Phone: u.Phone,
		PostCountry: u.PostCountry, PostIndex: u.PostIndex, PostRegion: u.PostRegion,
		PostCity: u.PostCity, PostStreetAddress: u.PostStreetAddress,
		RegisteredCountry: u.RegisteredCountry, RegisteredIndex: u.RegisteredIndex,
		RegisteredRegion: u.RegisteredRegion, RegisteredCity: u.RegisteredCity,
		RegisteredStreetAddress: u.RegisteredStreetAddress,
		StateRegNum:             u.StateRegNum, TIN: u.TIN, OKPOCode: u.OKPOCode, IEC: u.IEC,
		MenuPresetID: u.MenuPresetID,
	}
}

// UserForm is the `user` object a staff member submits to create or update
// a user. Only the fields the legal type takes are sent: an individual has
// no registration block, a sole trader has no legal name or IEC (the
// OpenAPI file's discriminated union on legal_type).
type UserForm struct {
	// ID is required for update and left 0 for create.
	ID int
	// DealerID is optional: with users: global a user can be created for
	// another dealer.
	DealerID  int
	Activated bool
	// Verified defaults to Activated when nil.
	Verified                *bool
	Login                   string
	LegalType               string
	FirstName               string
	MiddleName              string
	LastName                string
	LegalName               string
	Phone                   string
	PostCountry             string
	PostIndex               string
	PostRegion              string
	PostCity                string
	PostStreetAddress       string
	RegisteredCountry       string
	RegisteredIndex         string
	RegisteredRegion        string
	RegisteredCity          string
	RegisteredStreetAddress string
	StateRegNum             string
	TIN                     string
	OKPOCode                string
	IEC                     string
	MenuPresetID            *int
	// DealerMFASettings appears in the markdown's create and update
	// examples inside the user object.
	DealerMFASettings *MFASettings
}

type userFormBase struct {
	ID                int          `json:"id,omitempty"`
	DealerID          int          `json:"dealer_id,omitempty"`
	Activated         bool         `json:"activated"`
	Verified          *bool        `json:"verified,omitempty"`
	Login             string       `json:"login"`
	LegalType         string       `json:"legal_type"`
	FirstName         string       `json:"first_name"`
	MiddleName        string       `json:"middle_name"`
	LastName          string       `json:"last_name"`
	Phone             string       `json:"phone"`
	PostCountry       string       `json:"post_country"`
	PostIndex         string       `json:"post_index"`
	PostRegion        string       `json:"post_region"`
	PostCity          string       `json:"post_city"`
	PostStreetAddress string       `json:"post_street_address"`
	MenuPresetID      *int         `json:"menu_preset_id,omitempty"`
	DealerMFASettings *MFASettings `json:"dealer_mfa_settings,omitempty"`
}

type userFormRegistration struct {
	RegisteredCountry       string `json:"registered_country"`
	RegisteredIndex         string `json:"registered_index"`
	RegisteredRegion        string `json:"registered_region"`
	RegisteredCity          string `json:"registered_city"`
	RegisteredStreetAddress string `json:"registered_street_address"`
	StateRegNum             string `json:"state_reg_num"`
	TIN                     string `json:"tin"`
	OKPOCode                string `json:"okpo_code"`
}

type userFormCompany struct {
	LegalName string `json:"legal_name"`
	IEC       string `json:"iec"`
}

// MarshalJSON writes the fields the legal type takes. An unknown legal
// type sends everything and lets the Panel judge.
func (f UserForm) MarshalJSON() ([]byte, error) {
	base := userFormBase{
		ID: f.ID, DealerID: f.DealerID, Activated: f.Activated, Verified: f.Verified,
		Login: f.Login, LegalType: f.LegalType,
		FirstName: f.FirstName, MiddleName: f.MiddleName, LastName: f.LastName, Phone: f.Phone,
		PostCountry: f.PostCountry, PostIndex: f.PostIndex, PostRegion: f.PostRegion,
		PostCity: f.PostCity, PostStreetAddress: f.PostStreetAddress,
		MenuPresetID: f.MenuPresetID, DealerMFASettings: f.DealerMFASettings,
	}
	reg := userFormRegistration{
		RegisteredCountry: f.RegisteredCountry, RegisteredIndex: f.RegisteredIndex,
		RegisteredRegion: f.RegisteredRegion, RegisteredCity: f.RegisteredCity,
		RegisteredStreetAddress: f.RegisteredStreetAddress,
		StateRegNum:             f.StateRegNum, TIN: f.TIN, OKPOCode: f.OKPOCode,
	}
	company := userFormCompany{LegalName: f.LegalName, IEC: f.IEC}
	switch f.LegalType {
	case LegalTypeIndividual:
		return json.Marshal(base)
	case LegalTypeSoleTrader:
		return json.Marshal(struct {
			userFormBase
			userFormRegistration
		}{base, reg})
	default:
		return json.Marshal(struct {
			userFormBase
			userFormRegistration
			userFormCompany
		}{base, reg, company})
	}
}

// Discount strategies.
const (
	DiscountNoSumming          = "no_summing"
	DiscountSumWithProgressive = "sum_with_progressive"
)

// Discount is a user's personal discount.
//
// The two references disagree on its shape: the markdown has {value,
// min_trackers, end_date, strategy}, the OpenAPI file {percent,
// device_limit, end_date}. The client reads both; it writes the markdown
// names, which the official console sends and the markdown's create and
// update examples use.
type Discount struct {
	// Value is the discount in percent, 0 to 100 (OpenAPI: percent).
	Value float64
	// MinTrackers is the minimum number of active trackers for the
	// discount to apply (OpenAPI: device_limit).
	MinTrackers int
	// EndDate is "YYYY-MM-DD", or "" for an open-ended discount.
	EndDate string
	// Strategy is DiscountNoSumming or DiscountSumWithProgressive (markdown
	// only).
	Strategy string
}

// MarshalJSON writes the markdown shape; an empty EndDate is sent as null.
func (d Discount) MarshalJSON() ([]byte, error) {
	w := struct {
		Value       float64 `json:"value"`
		MinTrackers int     `json:"min_trackers"`
		EndDate     *string `json:"end_date"`
		Strategy    string  `json:"strategy,omitempty"`
	}{Value: d.Value, MinTrackers: d.MinTrackers, Strategy: d.Strategy}
	if d.EndDate != "" {
		w.EndDate = &d.EndDate
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads either shape (see Discount).
func (d *Discount) UnmarshalJSON(b []byte) error {
	var w struct {
		Value       *float64 `json:"value"`
		Percent     *float64 `json:"percent"`
		MinTrackers *int     `json:"min_trackers"`
		DeviceLimit *int     `json:"device_limit"`
		EndDate     *string  `json:"end_date"`
		Strategy    string   `json:"strategy"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = Discount{Strategy: w.Strategy}
	switch {
	case w.Value != nil:
		d.Value = *w.Value
	case w.Percent != nil:
		d.Value = *w.Percent
	}
	switch {
	case w.MinTrackers != nil:
		d.MinTrackers = *w.MinTrackers
	case w.DeviceLimit != nil:
		d.MinTrackers = *w.DeviceLimit
	}
	if w.EndDate != nil {
		d.EndDate = *w.EndDate
	}
	return nil
}

// UserListParams filter, sort and page the user list (user/list). Zero
// values are left out, so the Panel's defaults apply.
type UserListParams struct {
	// Filter matches id, login, names, phone, addresses, tin, iec and
	// legal_name.
	Filter string `json:"filter,omitempty"`
	// OrderBy is one of id, login, last_name, balance, bonus, phone,
	// post_city (default id).
	OrderBy string `json:"order_by,omitempty"`
	// Ascending defaults to true when nil.
	Ascending *bool `json:"ascending,omitempty"`
	Limit     int   `json:"limit,omitempty"`
	Offset    int   `json:"offset,omitempty"`
	// HideInactive lists activated users only.
	HideInactive bool `json:"hide_inactive,omitempty"`
}

// UserList is one page of users and the total number matching.
type UserList struct {
	List  []User `json:"list"`
	Count int    `json:"count"`
	// answer holds the bytes of the Panel's answer when the list's
	// strings are part of them (ListUsers); Release gives it back.
	answer *bytes.Buffer
}

// ListUsers returns a page of the dealer's users (user/list; users: read).
//
// The list's strings are read in place from the answer, and its rows into
// an array kept from an earlier page, so a page costs no copies: calling
// Release once the list is no longer needed lets the next ListUsers reuse
// both. Without Release the memory is collected as usual.
func (c *Client) ListUsers(ctx context.Context, hash string, p UserListParams) (*UserList, error) {
	var out UserList
	if p.Limit > 0 && p.Limit <= maxPresizedPage {
		// The page is read into room for the rows asked for, not grown
		// row by row.
		out.List = userRows(p.Limit)
	}
	if err := c.call(ctx, readOnly, hash, "user/list", p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Release gives back the memory l was read into, for a later ListUsers:
// the answer, whose bytes l's strings are, and the array of rows. Call it
// only when nothing refers to l's rows or to any string taken from them
// any more (a page built from them has been written out, say): a later
// answer is read over the same bytes. l is empty afterwards; Release on a
// list it has already emptied, or one not from ListUsers, does nothing.
func (l *UserList) Release() {
	if l.answer != nil {
		putAnswerBuf(l.answer)
		l.answer = nil
	}
	if c := cap(l.List); c > 0 && c <= maxPresizedPage {
		rows := l.List[:c]
		clear(rows) // no stale strings kept alive in the pool
		userRowArrays.Put(&rows)
	}
	l.List = nil
}

// userRowArrays keeps released arrays of rows (*[]User).
var userRowArrays sync.Pool

// userRows is an empty slice with room for n rows, from a released array
// when one is large enough.
func userRows(n int) []User {
	if rows, ok := userRowArrays.Get().(*[]User); ok {
		if cap(*rows) >= n {
			return (*rows)[:0]
		}
		userRowArrays.Put(rows)
	}
	return make([]User, 0, n)
}

// maxPresizedPage is the largest page a list call makes room for before
// the answer arrives.
const maxPresizedPage = 1000

// UserDetails is a user's card: the profile with its discount, default
// plan and MFA settings, which the Panel returns as siblings of "value".
type UserDetails struct {
	User     User      `json:"value"`
	Discount *Discount `json:"discount"`
	// DefaultTariffID is the plan new trackers of the user get, nil when
	// none.
	DefaultTariffID   *int         `json:"default_tariff_id"`
	DealerMFASettings *MFASettings `json:"dealer_mfa_settings"`
	// BlockParameters is listed by the OpenAPI file only, with no defined
	// shape.
	BlockParameters json.RawMessage `json:"block_parameters,omitempty"`
}

// ReadUser returns one user of the dealer (user/read; users: read). A user
// of another dealer is "not found" (code 201).
func (c *Client) ReadUser(ctx context.Context, hash string, userID int) (*UserDetails, error) {
	params := struct {
		UserID int `json:"user_id"`
	}{userID}
	var out UserDetails
	if err := c.call(ctx, readOnly, hash, "user/read", params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UserCreateParams are the parameters of user/create.
type UserCreateParams struct {
	User     UserForm `json:"user"`
	TimeZone string   `json:"time_zone"`
	Locale   string   `json:"locale"`
	// Password must meet the dealer's password policy.
	Password        string    `json:"password"`
	Discount        *Discount `json:"discount,omitempty"`
	DefaultTariffID *int      `json:"default_tariff_id,omitempty"`
	Comment         string    `json:"comment,omitempty"`
}

// String hides the password, so printing the parameters cannot leak it.
func (p UserCreateParams) String() string {
	return fmt.Sprintf("UserCreateParams{Login: %q, LegalType: %q, Password: [redacted]}", p.User.Login, p.User.LegalType)
}

// CreateUser creates a user for the dealer and returns its ID (user/create).
// A login already in use fails with code 206.
func (c *Client) CreateUser(ctx context.Context, hash string, p UserCreateParams) (int, error) {
	p.User.ID = 0
	var out struct {
		ID int `json:"id"`
	}
	if err := c.call(ctx, mutation, hash, "user/create", p, &out); err != nil {
		return 0, err
	}
	return out.ID, nil
}

// UserUpdateParams are the parameters of user/update. User.ID is required.
type UserUpdateParams struct {
	User            UserForm  `json:"user"`
	Discount        *Discount `json:"discount,omitempty"`
	DefaultTariffID *int      `json:"default_tariff_id,omitempty"`
	// Comment is sent only when not nil; "" clears it.
	Comment *string `json:"comment,omitempty"`
}

// UpdateUser saves a user's profile (user/update; users: update). The legal
// type cannot change.
func (c *Client) UpdateUser(ctx context.Context, hash string, p UserUpdateParams) error {
	if p.User.ID <= 0 {
		return errors.New("panelclient: user/update: User.ID is required")
	}
	return c.call(ctx, mutation, hash, "user/update", p, nil)
}

// UserPasswordParams are the parameters of user/change_password.
type UserPasswordParams struct {
	UserID   int    `json:"user_id"`
	Password string `json:"password"`
}

// String hides the password.
func (p UserPasswordParams) String() string {
	return fmt.Sprintf("UserPasswordParams{UserID: %d, Password: [redacted]}", p.UserID)
}

// ChangeUserPassword sets a new password for a user without the old one
// (user/change_password; users: update).
func (c *Client) ChangeUserPassword(ctx context.Context, hash string, p UserPasswordParams) error {
	return c.call(ctx, mutation, hash, "user/change_password", p, nil)
}

// UserCorruptParams are the parameters of user/corrupt. Login must be the
// user's login, as a confirmation.
type UserCorruptParams struct {
	UserID int    `json:"user_id"`
	Login  string `json:"login"`
	// CorruptClones defaults to true when nil. With false, a user whose
	// trackers have clones fails with code 253.
	CorruptClones *bool `json:"corrupt_clones,omitempty"`
}

// CorruptUser deletes a user for good: the user, its sub-users and its
// trackers are marked deleted and the trackers corrupted (user/corrupt;
// users: corrupt). There is no undo.
func (c *Client) CorruptUser(ctx context.Context, hash string, p UserCorruptParams) error {
	return c.call(ctx, mutation, hash, "user/corrupt", p, nil)
}

// CreateUserSession opens a session as the user in the user-facing
// application (user/session/create) and returns its hash, for "log in as
// user". The hash is a credential of that user: hand it only to the
// browser that asked, never log it.
func (c *Client) CreateUserSession(ctx context.Context, hash string, userID int) (string, error) {
	params := struct {
		UserID int `json:"user_id"`
	}{userID}
	var out struct {
		Hash string `json:"hash"`
	}
	if err := c.call(ctx, mutation, hash, "user/session/create", params, &out); err != nil {
		return "", err
	}
	return out.Hash, nil
}

// Export formats of user/export.
const (
	ExportXLSX = "xlsx"
	ExportCSV  = "csv"
)

// UserExportParams choose what user/export puts in the file.
type UserExportParams struct {
	Filter       string `json:"filter,omitempty"`
	OrderBy      string `json:"order_by,omitempty"`
	Ascending    *bool  `json:"ascending,omitempty"`
	Limit        int    `json:"limit,omitempty"`
	Offset       int    `json:"offset,omitempty"`
	HideInactive bool   `json:"hide_inactive,omitempty"`
	// Format is ExportXLSX (the Panel's default) or ExportCSV.
	Format string `json:"format,omitempty"`
	// Columns are user field names in order; the Panel's default is id,
	// login, first_name, middle_name, last_name, phone.
	Columns []string `json:"columns,omitempty"`
}

// Download is a file the Panel is sending. Body streams it and must be
// closed; ContentType and FileName come from the Panel's headers (FileName
// reduced to a bare name, or a default).
type Download struct {
	Body        io.ReadCloser
	ContentType string
	FileName    string
}

// ExportUsers starts the user list download (user/export; users: read).
// The file streams through Download.Body, which the caller must close.
func (c *Client) ExportUsers(ctx context.Context, hash string, p UserExportParams) (*Download, error) {
	body, ct, name, err := c.download(ctx, hash, "user/export", p)
	if err != nil {
		return nil, err
	}
	if name == "" {
		ext := p.Format
		if ext == "" {
			ext = ExportXLSX
		}
		name = "users." + ext
	}
	return &Download{Body: body, ContentType: ct, FileName: name}, nil
}

// UploadResult is the outcome of a user import: rows processed and rows
// that failed.
type UploadResult struct {
	Total  int `json:"total"`
	Errors int `json:"errors"`
}

// UploadUsers creates users from a CSV (";"-separated) or XLS(X) file
// (user/upload; users: create), streaming r as the "file" part named
// fileName. A rejected file comes back as an *APIError whose RowNumber is
// the failing line and whose Errors name the failing columns (code 7), or
// with code 206 (login in use), 273 (duplicate login) or 274 (empty file).
func (c *Client) UploadUsers(ctx context.Context, hash, fileName string, r io.Reader) (*UploadResult, error) {
	var out UploadResult
	if err := c.callMultipart(ctx, hash, "user/upload", nil, "file", fileName, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
