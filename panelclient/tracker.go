package panelclient

import (
	"context"
	"encoding/json"
	"fmt"
)

// Tracker is a GPS device as one user sees it. A clone shares its source
// (the physical device) with the original tracker but belongs to another
// user.
type Tracker struct {
	ID             int    `json:"id"`
	Label          string `json:"label"`
	AvatarFileName string `json:"avatar_file_name,omitempty"`
	Clone          bool   `json:"clone"`
	Comment        string `json:"comment"`
	// CreationDate is the tracker's (or clone's) creation date.
	CreationDate string `json:"creation_date"`
	// GroupID is 0 when the tracker is in no group.
	GroupID  int `json:"group_id"`
	DealerID int `json:"dealer_id"`
	// Deleted trackers are hidden from the user's interface.
	Deleted bool `json:"deleted"`
	UserID  int  `json:"user_id"`
	// OwnerName is the owning user's display name (OpenAPI only).
	OwnerName string `json:"owner_name,omitempty"`
	ModelName string `json:"model_name"`
	// LastConnection is when the device last connected, UTC; "" if never.
	LastConnection string        `json:"last_connection"`
	Source         TrackerSource `json:"source"`
}

// TrackerSource is the physical device behind a tracker.
type TrackerSource struct {
	ID int `json:"id"`
	// DeviceID is the device's fixed ID (IMEI), used by raw_command/send.
	DeviceID string `json:"device_id"`
	// Model is the model code, e.g. "telfmb120".
	Model string `json:"model"`
	// Blocked devices are blocked by plan end or by a staff member.
	Blocked  bool `json:"blocked"`
	TariffID int  `json:"tariff_id"`
	// CreationDate is when the device first registered.
	CreationDate string `json:"creation_date"`
	// TariffEndDate is the next plan prolongation date, "" when none.
	TariffEndDate string `json:"tariff_end_date"`
	// ConnectionStatus is one of the ConnectionStatus constants.
	ConnectionStatus string `json:"connection_status"`
	// Phone is the SIM number, "" when the device has none or it is hidden.
	Phone string `json:"phone"`
	// Corrupted is true once the tracker was corrupted (tracker/corrupt).
	Corrupted bool `json:"corrupted,omitempty"`
}

// Connection statuses of a tracker source.
const (
	ConnectionSignalLost     = "signal_lost"
	ConnectionJustRegistered = "just_registered"
	ConnectionJustReplaced   = "just_replaced"
	ConnectionOffline        = "offline"
	ConnectionIdle           = "idle"
	ConnectionActive         = "active"
)

// Values of TrackerListParams.ClonesFilter. The markdown documents them
// under tracker/bundle/list; the OpenAPI file accepts clones_filter on
// tracker/list without listing values; the official console sends
// "include_clones_only" where the markdown says "only_include_clones".
const (
	ClonesExclude     = "exclude_clones"
	ClonesOnlyInclude = "only_include_clones"
	ClonesNotSet      = "not_set"
)

// TrackerListParams filter, sort and page the tracker list (tracker/list).
// Zero values are left out.
type TrackerListParams struct {
	// UserID and TariffID restrict the list to one owner or one plan.
	UserID   int `json:"user_id,omitempty"`
	TariffID int `json:"tariff_id,omitempty"`
	// ClonesFilter is one of the Clones constants.
	ClonesFilter string `json:"clones_filter,omitempty"`
	// Filter matches id, label, source id, device_id, model, phone and
	// user_id.
	Filter string `json:"filter,omitempty"`
	// OrderBy is one of id, label, status, model, device_id, phone,
	// creation_date, last_connection, tariff_id, business_status.
	OrderBy   string `json:"order_by,omitempty"`
	Ascending *bool  `json:"ascending,omitempty"`
	Offset    int    `json:"offset,omitempty"`
	Limit     int    `json:"limit,omitempty"`
}

// TrackerList is one page of trackers and the total number matching.
type TrackerList struct {
	List  []Tracker `json:"list"`
	Count int       `json:"count"`
}

// ListTrackers returns a page of the dealer's trackers (tracker/list;
// trackers: read).
func (c *Client) ListTrackers(ctx context.Context, hash string, p TrackerListParams) (*TrackerList, error) {
	var out TrackerList
	if err := c.call(ctx, readOnly, hash, "tracker/list", p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

type trackerIDParams struct {
	TrackerID int `json:"tracker_id"`
}

// ReadTracker returns one tracker of the dealer (tracker/read; trackers:
// read).
func (c *Client) ReadTracker(ctx context.Context, hash string, trackerID int) (*Tracker, error) {
	var out struct {
		Value Tracker `json:"value"`
	}
	if err := c.call(ctx, readOnly, hash, "tracker/read", trackerIDParams{trackerID}, &out); err != nil {
		return nil, err
	}
	return &out.Value, nil
}

// TrackerCloneParams are the parameters of tracker/clone.
type TrackerCloneParams struct {
	// TrackerID is the original; it must not be a clone itself (code 219).
	TrackerID int `json:"tracker_id"`
	// UserID is the clone's owner; not the original's owner (code 246).
	UserID int `json:"user_id"`
	// Label is 1 to 60 printable characters.
	Label string `json:"label"`
}

// CloneTracker gives another user a clone of a tracker and returns the
// clone's ID (tracker/clone; trackers: create).
func (c *Client) CloneTracker(ctx context.Context, hash string, p TrackerCloneParams) (int, error) {
	var out struct {
		ID int `json:"id"`
	}
	if err := c.call(ctx, mutation, hash, "tracker/clone", p, &out); err != nil {
		return 0, err
	}
	return out.ID, nil
}

// BatchCloneParams are the parameters of tracker/batch_clone.
type BatchCloneParams struct {
	UserID int `json:"user_id"`
	// TrackerIDs are 1 to 1000 originals.
	TrackerIDs []int `json:"tracker_ids"`
	// IgnoreExisting skips trackers the user already has a clone of
	// instead of failing the whole batch (code 247).
	IgnoreExisting bool `json:"ignore_existing,omitempty"`
}

// BatchCloneResult is the outcome of tracker/batch_clone.
//
// The references disagree on `list`: the markdown's table says an array of
// the created clone IDs (with `ignored_trackers` beside it), the OpenAPI
// file says an array of per-tracker outcome objects of unspecified shape.
// The client reads both: integer entries go to CloneIDs; object entries
// are kept in Outcomes and their "id" (or "clone_id") goes to CloneIDs.
type BatchCloneResult struct {
	CloneIDs []int
	// IgnoredTrackers are the requested trackers skipped because the user
	// already had a clone of them (with IgnoreExisting).
	IgnoredTrackers []int
	// Outcomes are the raw per-tracker objects of the OpenAPI shape.
	Outcomes []json.RawMessage
}

// UnmarshalJSON reads either shape (see BatchCloneResult).
func (r *BatchCloneResult) UnmarshalJSON(b []byte) error {
	var w struct {
		List            []json.RawMessage `json:"list"`
		IgnoredTrackers []int             `json:"ignored_trackers"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = BatchCloneResult{IgnoredTrackers: w.IgnoredTrackers}
	for _, item := range w.List {
		var id int
		if err := json.Unmarshal(item, &id); err == nil {
			r.CloneIDs = append(r.CloneIDs, id)
			continue
		}
		var obj struct {
			ID      *int `json:"id"`
			CloneID *int `json:"clone_id"`
		}
		if err := json.Unmarshal(item, &obj); err != nil {
			return fmt.Errorf("batch_clone list entry: %w", err)
		}
		r.Outcomes = append(r.Outcomes, item)
		switch {
		case obj.ID != nil:
			r.CloneIDs = append(r.CloneIDs, *obj.ID)
		case obj.CloneID != nil:
			r.CloneIDs = append(r.CloneIDs, *obj.CloneID)
		}
	}
	return nil
}

// BatchCloneTrackers gives a user clones of many trackers at once
// (tracker/batch_clone; trackers: create). Without IgnoreExisting the batch
// is all or nothing: an existing clone fails it with code 247 and
// APIError.List names the conflicting trackers.
func (c *Client) BatchCloneTrackers(ctx context.Context, hash string, p BatchCloneParams) (*BatchCloneResult, error) {
	var out BatchCloneResult
	if err := c.call(ctx, mutation, hash, "tracker/batch_clone", p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteClone deletes a clone (tracker/delete_clone; trackers: delete). A
// tracker that is not a clone fails with code 249; rules or vehicles bound
// to the clone fail it with code 203 and APIError.Rules / Vehicles.
func (c *Client) DeleteClone(ctx context.Context, hash string, trackerID int) error {
	return c.call(ctx, mutation, hash, "tracker/delete_clone", trackerIDParams{trackerID}, nil)
}

// BatchDeleteResult is the outcome of tracker/batch_delete_clones.
type BatchDeleteResult struct {
	DeletedCount    int `json:"deleted_count"`
	NotDeletedCount int `json:"not_deleted_count"`
	// NotDeleted says why each remaining clone was not deleted.
	NotDeleted []NotDeletedTracker `json:"not_deleted_trackers,omitempty"`
}

// NotDeletedTracker is a clone batch_delete_clones could not delete.
type NotDeletedTracker struct {
	ID    int    `json:"id"`
	Error string `json:"error"`
}

// BatchDeleteClones deletes many clones (tracker/batch_delete_clones;
// trackers: delete; 1 to 500 IDs). It succeeds even when some clones could
// not be deleted; the result says which and why.
func (c *Client) BatchDeleteClones(ctx context.Context, hash string, trackerIDs []int) (*BatchDeleteResult, error) {
	params := struct {
		Trackers []int `json:"trackers"`
	}{trackerIDs}
	var out BatchDeleteResult
	if err := c.call(ctx, mutation, hash, "tracker/batch_delete_clones", params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TrackerCorruptParams are the parameters of tracker/corrupt.
type TrackerCorruptParams struct {
	TrackerID int `json:"tracker_id"`
	// CorruptClones defaults to true when nil. With false, a tracker with
	// clones fails with code 253 and APIError.List names the clones.
	CorruptClones *bool `json:"corrupt_clones,omitempty"`
}

// CorruptTracker removes a tracker for good: it is marked deleted and its
// device ID and phone are corrupted (tracker/corrupt; trackers: corrupt).
// There is no undo.
func (c *Client) CorruptTracker(ctx context.Context, hash string, p TrackerCorruptParams) error {
	return c.call(ctx, mutation, hash, "tracker/corrupt", p, nil)
}

// TrackerMoveParams are the parameters of tracker/move.
type TrackerMoveParams struct {
	TrackerID int `json:"tracker_id"`
	// UserID is the new owner, another user of the same dealer.
	UserID int `json:"user_id"`
}

// MoveTracker gives a tracker (not a clone) to another user of the dealer
// (tracker/move; trackers: create and delete) and returns the tracker's NEW
// ID: the move creates a new tracker record, so TrackerID no longer names
// it. The tracker is unbound from its rules.
//
// The OpenAPI file documents the new "id"; the markdown shows only
// {"success": true}. When the Panel sends no id, MoveTracker returns 0 and
// the caller must find the tracker again (e.g. in the new owner's list).
func (c *Client) MoveTracker(ctx context.Context, hash string, p TrackerMoveParams) (int, error) {
	var out struct {
		ID int `json:"id"`
	}
	if err := c.call(ctx, mutation, hash, "tracker/move", p, &out); err != nil {
		return 0, err
	}
	return out.ID, nil
}

// RegisterRetryParams are the parameters of tracker/register_retry.
type RegisterRetryParams struct {
	TrackerID int `json:"tracker_id"`
	// SendRegisterCommands sends the activation commands to the device;
	// nil follows the platform settings.
	SendRegisterCommands *bool `json:"send_register_commands,omitempty"`
}

// RetryTrackerRegistration resends a device's registration commands and
// resets its tracking settings (tracker/register_retry; trackers: update).
// The Panel allows it once per 120 s per tracker (code 264).
func (c *Client) RetryTrackerRegistration(ctx context.Context, hash string, p RegisterRetryParams) error {
	return c.call(ctx, mutation, hash, "tracker/register_retry", p, nil)
}

// TrackerSettingsParams are the parameters of tracker/settings/update.
type TrackerSettingsParams struct {
	TrackerID int `json:"tracker_id"`
	// Label is 1 to 60 printable characters, without < and >.
	Label string `json:"label"`
	// Deleted hides the tracker from the user's interface.
	Deleted bool `json:"deleted"`
	// Comment (up to 3000 characters) is sent only when not nil.
	Comment *string `json:"comment,omitempty"`
}

// UpdateTrackerSettings saves a tracker's label, deleted mark and comment
// (tracker/settings/update; trackers: update).
func (c *Client) UpdateTrackerSettings(ctx context.Context, hash string, p TrackerSettingsParams) error {
	return c.call(ctx, mutation, hash, "tracker/settings/update", p, nil)
}

// UpdateTrackerSource blocks or unblocks the device behind a tracker
// (tracker/source/update; trackers: update).
func (c *Client) UpdateTrackerSource(ctx context.Context, hash string, trackerID int, blocked bool) error {
	params := struct {
		TrackerID int  `json:"tracker_id"`
		Blocked   bool `json:"blocked"`
	}{trackerID, blocked}
	return c.call(ctx, mutation, hash, "tracker/source/update", params, nil)
}

// TariffChangeParams are the parameters of tracker/tariff/change.
type TariffChangeParams struct {
	TrackerID int `json:"tracker_id"`
	TariffID  int `json:"tariff_id"`
	// Repay refunds the rest of the current plan's payment.
	Repay bool `json:"repay"`
	// Charge charges the new plan now (monthly and daily plans).
	Charge bool `json:"charge"`
}

// ChangeTrackerTariff moves a tracker to another plan
// (tracker/tariff/change; trackers: update, transactions: create, tariffs:
// read). It may charge or refund the owner, so it is never retried.
func (c *Client) ChangeTrackerTariff(ctx context.Context, hash string, p TariffChangeParams) error {
	return c.call(ctx, mutation, hash, "tracker/tariff/change", p, nil)
}

// ConsoleSession authorizes a connection to a tracker's air console: the
// browser opens wss://<panel host>/console?device=<device_id>&key=<Key>&
// timestamp=<Timestamp>&dealer_id=<dealer id>.
type ConsoleSession struct {
	Key       string `json:"key"`
	Timestamp int64  `json:"timestamp"`
}

// ConnectTrackerConsole opens an air console session for a tracker
// (tracker/console/connect; trackers: update). A deleted or blocked tracker
// fails with code 230.
func (c *Client) ConnectTrackerConsole(ctx context.Context, hash string, trackerID int) (*ConsoleSession, error) {
	var out ConsoleSession
	if err := c.call(ctx, mutation, hash, "tracker/console/connect", trackerIDParams{trackerID}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ActiveMonth is how many trackers the PaaS billing counted as active in
// one month, and which.
type ActiveMonth struct {
	// Month is "YYYY-MM".
	Month    string          `json:"month"`
	Amount   int             `json:"amount"`
	Trackers []ActiveTracker `json:"trackers"`
}

// ActiveTracker is a tracker counted as active in a month.
type ActiveTracker struct {
	TrackerID int    `json:"tracker_id"`
	UserID    int    `json:"user_id"`
	Label     string `json:"label"`
	DeviceID  string `json:"device_id"`
}

// ActiveHistory is the answer of tracker/active/history/list.
type ActiveHistory struct {
	List []ActiveMonth `json:"list"`
	// UsersMap holds the owners the entries refer to, keyed by user ID
	// (OpenAPI only, shape unspecified).
	UsersMap map[string]json.RawMessage `json:"users_map,omitempty"`
}

// ListActiveTrackerHistory reports the active trackers month by month
// between from and to, both "YYYY-MM" (tracker/active/history/list;
// trackers: read per the markdown, trackers: report per the OpenAPI file).
// Too long a span fails with code 211.
func (c *Client) ListActiveTrackerHistory(ctx context.Context, hash, from, to string) (*ActiveHistory, error) {
	params := struct {
		From string `json:"from"`
		To   string `json:"to"`
	}{from, to}
	var out ActiveHistory
	if err := c.call(ctx, readOnly, hash, "tracker/active/history/list", params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Raw command encodings.
const (
	RawCommandText = "text"
	RawCommandHex  = "hex"
)

// RawCommandParams are the parameters of tracker/raw_command/send.
type RawCommandParams struct {
	// DeviceID is the tracker's Source.DeviceID, not its tracker ID.
	DeviceID string `json:"device_id"`
	Command  string `json:"command"`
	// Type is RawCommandText (default) or RawCommandHex.
	Type string `json:"type,omitempty"`
	// Reliable (default true) resends the command until acknowledged.
	Reliable *bool `json:"reliable,omitempty"`
}

// SendRawCommand sends a protocol command to a device over GPRS
// (tracker/raw_command/send). An invalid command fails with code 7 and a
// FieldError on "command".
func (c *Client) SendRawCommand(ctx context.Context, hash string, p RawCommandParams) error {
	return c.call(ctx, mutation, hash, "tracker/raw_command/send", p, nil)
}
