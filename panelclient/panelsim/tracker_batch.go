package panelsim

import "time"

// Batch sizes: batch_clone takes 1 to 1000 trackers (both references),
// batch_delete_clones 1 to 500 (the OpenAPI file; the markdown names no
// limit).
const (
	trackerBatchCloneMax  = 1000
	trackerBatchDeleteMax = 500
)

// newCloneLocked adds a clone of orig for userID: its own id, label, owner
// and creation date over orig's source, so blocking or re-planning the
// device shows on every clone.
func (st *Store) newCloneLocked(orig *Tracker, userID int, label string, now time.Time) *Tracker {
	cl := &Tracker{
		UserID: userID, DealerID: orig.DealerID, Clone: true, Label: label,
		ModelName: orig.ModelName, Source: orig.Source,
		CreationDate: Date{now.UTC().Truncate(24 * time.Hour)},
	}
	if orig.LastConnection != nil {
		lc := *orig.LastConnection
		cl.LastConnection = &lc
	}
	st.insertTrackerLocked(cl)
	return cl
}

// trackerClone gives another user a clone of an original tracker. The
// clone shows in the new owner's list (and trackers_count) and in a
// tracker/list filtered by the device id, next to its original.
func (s *Server) trackerClone(c *call) (any, error) {
	p := c.params
	id := p.int("tracker_id")
	userID := p.int("user_id")
	label := p.string("label")
	if p.has("label") {
		checkTrackerLabel(p, "label", label, false)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	t := st.trackerLocked(id)
	switch {
	case t == nil:
		return nil, newError(codeNotFound)
	case t.Clone:
		return nil, newError(codeNotAllowedForClones)
	case t.Source.Corrupted:
		return nil, newError(codeDeviceCorrupted)
	case userID == t.UserID || st.userLocked(userID) == nil:
		return nil, newError(codeInvalidUserID)
	case sourceHolderOf(t.Source, userID) != nil:
		return nil, newError(codeEntityExists)
	}
	cl := st.newCloneLocked(t, userID, label, c.now)
	return struct {
		ID int `json:"id"`
	}{cl.ID}, nil
}

// batchCloneReply follows the markdown's type table: `list` is the ids of
// the created clones and `ignored_trackers` the requested trackers skipped
// because the user already had them. The OpenAPI file describes `list` as
// per-tracker objects instead; the markdown is the more specific source.
type batchCloneReply struct {
	List            []int `json:"list"`
	IgnoredTrackers []int `json:"ignored_trackers"`
}

// trackerBatchClone clones many originals (1 to 1000) for one user, with
// their own labels. Without ignore_existing it is all or nothing: a
// tracker the user already has (a clone of it, or the original itself)
// fails the batch with 247 and `list` names the user's conflicting
// trackers; with ignore_existing those are skipped and reported in
// ignored_trackers. An unknown tracker fails with 217, a clone with 219,
// a corrupted device with 252, an unknown user with 246 (as tracker/clone;
// the batch docs name only the standard errors). Repeated ids count once.
func (s *Server) trackerBatchClone(c *call) (any, error) {
	p := c.params
	ids := p.intList("tracker_ids")
	userID := p.int("user_id")
	ignore, _ := p.optBool("ignore_existing")
	if p.has("tracker_ids") && ids != nil && (len(ids) < 1 || len(ids) > trackerBatchCloneMax) {
		p.invalid("tracker_ids", "Size must be between 1 and 1000")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.userLocked(userID) == nil {
		return nil, newError(codeInvalidUserID)
	}
	seen := make(map[int]bool, len(ids))
	var originals []*Tracker
	var conflicts, ignored []int
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		t := st.trackerLocked(id)
		switch {
		case t == nil:
			return nil, newError(codeListHasNonexistent)
		case t.Clone:
			return nil, newError(codeNotAllowedForClones)
		case t.Source.Corrupted:
			return nil, newError(codeDeviceCorrupted)
		}
		if h := sourceHolderOf(t.Source, userID); h != nil {
			conflicts = append(conflicts, h.ID)
			ignored = append(ignored, t.ID)
			continue
		}
		originals = append(originals, t)
	}
	if len(conflicts) > 0 && !ignore {
		return nil, newError(codeEntityExists).with("list", conflicts)
	}
	out := batchCloneReply{List: make([]int, 0, len(originals)), IgnoredTrackers: []int{}}
	if ignored != nil {
		out.IgnoredTrackers = ignored
	}
	for _, t := range originals {
		out.List = append(out.List, st.newCloneLocked(t, userID, t.Label, c.now).ID)
	}
	return out, nil
}

// trackerDeleteClone deletes a clone: it disappears from every list and
// its id answers 201 afterwards. The original is untouched. The emulator
// keeps no rules or vehicles, so 203 never happens here.
func (s *Server) trackerDeleteClone(c *call) (any, error) {
	id := c.params.int("tracker_id")
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	t := st.trackerLocked(id)
	switch {
	case t == nil:
		return nil, newError(codeNotFound)
	case !t.Clone:
		return nil, newError(codeTrackerClonesOnly)
	case t.Source.Corrupted:
		return nil, newError(codeDeviceCorrupted)
	}
	st.removeTrackerLocked(t)
	return nil, nil
}

// Reasons of batch_delete_clones, in the documented wording.
const (
	notDeletedNotClone  = "Not a clone"
	notDeletedNotFound  = "Entity not found"
	notDeletedAlready   = "Already deleted"
	notDeletedCorrupted = "Device already corrupted"
)

type notDeletedTracker struct {
	ID    int    `json:"id"`
	Error string `json:"error"`
}

type batchDeleteReply struct {
	DeletedCount    int                 `json:"deleted_count"`
	NotDeletedCount int                 `json:"not_deleted_count"`
	NotDeleted      []notDeletedTracker `json:"not_deleted_trackers,omitempty"`
}

// trackerBatchDeleteClones deletes 1 to 500 clones. It succeeds even when
// some cannot be deleted and says why for each: "Entity not found", "Not a
// clone", "Device already corrupted", or "Already deleted" for an id
// repeated after it was deleted earlier in the same request.
// not_deleted_trackers is omitted when empty (the OpenAPI file).
func (s *Server) trackerBatchDeleteClones(c *call) (any, error) {
	p := c.params
	ids := p.intList("trackers")
	if p.has("trackers") && ids != nil && (len(ids) < 1 || len(ids) > trackerBatchDeleteMax) {
		p.invalid("trackers", "Size must be between 1 and 500")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	var out batchDeleteReply
	deleted := map[int]bool{}
	fail := func(id int, reason string) {
		out.NotDeleted = append(out.NotDeleted, notDeletedTracker{ID: id, Error: reason})
	}
	for _, id := range ids {
		t := st.trackerLocked(id)
		switch {
		case deleted[id]:
			fail(id, notDeletedAlready)
		case t == nil:
			fail(id, notDeletedNotFound)
		case !t.Clone:
			fail(id, notDeletedNotClone)
		case t.Source.Corrupted:
			fail(id, notDeletedCorrupted)
		default:
			st.removeTrackerLocked(t)
			deleted[id] = true
			out.DeletedCount++
		}
	}
	out.NotDeletedCount = len(out.NotDeleted)
	return out, nil
}
