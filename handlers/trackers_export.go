package handlers

import (
	"context"
	"slices"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// trackerExportAPI is what the tracker export calls.
type trackerExportAPI interface {
	ListTrackers(ctx context.Context, hash string, p panelclient.TrackerListParams) (*panelclient.TrackerList, error)
	ListTariffs(ctx context.Context, hash string, p panelclient.TariffListParams) (*panelclient.TariffList, error)
	ReadUser(ctx context.Context, hash string, userID int) (*panelclient.UserDetails, error)
}

// trackerExportHandlers serve /trackers/export.
type trackerExportHandlers struct {
	*app
	api trackerExportAPI
}

// trackerExportRow is a tracker with what the export resolves around it:
// the owner's login and name, the plan's name, the status in words.
type trackerExportRow struct {
	panelclient.Tracker
	Status     string
	OwnerLogin string
	OwnerName  string
	PlanName   string
}

type trackerExportColumn = exportColumn[trackerExportRow]

// trackerExportColumns are the columns offered, in file order: the list's
// columns first (with the owner and plan both as ID and as login/name),
// then the rest of the tracker and its device.
var trackerExportColumns = []trackerExportColumn{
	{"id", "trackers.col.id", exportInt, func(r trackerExportRow) any { return r.ID }},
	{"label", "trackers.col.label", exportText, func(r trackerExportRow) any { return r.Label }},
	{"status", "trackers.col.status", exportText, func(r trackerExportRow) any { return r.Status }},
	{"user_id", "export.trackers.owner_id", exportInt, func(r trackerExportRow) any { return r.UserID }},
	{"owner_login", "export.trackers.owner_login", exportText, func(r trackerExportRow) any { return r.OwnerLogin }},
	{"owner_name", "export.trackers.owner_name", exportText, func(r trackerExportRow) any { return r.OwnerName }},
	{"model", "trackers.col.model", exportText, func(r trackerExportRow) any { return r.ModelName }},
	{"device_id", "trackers.col.device_id", exportText, func(r trackerExportRow) any { return r.Source.DeviceID }},
	{"phone", "trackers.col.phone", exportText, func(r trackerExportRow) any { return r.Source.Phone }},
	{"tariff_id", "export.trackers.plan_id", exportInt, func(r trackerExportRow) any { return r.Source.TariffID }},
	{"plan_name", "export.trackers.plan_name", exportText, func(r trackerExportRow) any { return r.PlanName }},
	{"tariff_end_date", "trackers.detail.plan_end", exportText, func(r trackerExportRow) any { return r.Source.TariffEndDate }},
	{"last_connection", "trackers.col.last_connection", exportText, func(r trackerExportRow) any { return r.LastConnection }},
	{"creation_date", "trackers.col.created", exportText, func(r trackerExportRow) any { return r.CreationDate }},
	{"clone", "trackers.detail.clone", exportBool, func(r trackerExportRow) any { return r.Clone }},
	{"deleted", "trackers.detail.deleted", exportBool, func(r trackerExportRow) any { return r.Deleted }},
	{"blocked", "trackers.source.blocked", exportBool, func(r trackerExportRow) any { return r.Source.Blocked }},
	{"corrupted", "trackers.source.corrupted", exportBool, func(r trackerExportRow) any { return r.Source.Corrupted }},
	{"model_code", "trackers.source.model", exportText, func(r trackerExportRow) any { return r.Source.Model }},
	{"source_id", "trackers.source.id", exportInt, func(r trackerExportRow) any { return r.Source.ID }},
	{"group_id", "trackers.detail.group", exportInt, func(r trackerExportRow) any { return r.GroupID }},
	{"comment", "trackers.col.comment", exportText, func(r trackerExportRow) any { return r.Comment }},
}

// defaultTrackerExportColumns are what the list shows.
var defaultTrackerExportColumns = []string{"id", "label", "status", "user_id", "owner_login", "model", "device_id", "phone", "plan_name", "last_connection", "creation_date"}

// trackerExportColumnChoices are the Download form's checkboxes.
func trackerExportColumnChoices() []templates.ExportColumnChoice {
	out := make([]templates.ExportColumnChoice, 0, len(trackerExportColumns))
	for _, col := range trackerExportColumns {
		out = append(out, templates.ExportColumnChoice{Key: col.key, LabelKey: col.labelKey, Checked: slices.Contains(defaultTrackerExportColumns, col.key)})
	}
	return out
}

// Sizes of a tracker export: trackers per tracker/list call, the most rows
// written, and how many user/read calls resolve owners at once.
const (
	trackerExportPageSize   = 500
	trackerExportMaxRows    = 2_000_000
	trackerExportOwnerReads = 8
)

// trackerListParams turns the Trackers list's URL state (search, the
// clones, owner and plan filters, sort) into tracker/list parameters,
// without paging.
func trackerListParams(s templates.ListState) panelclient.TrackerListParams {
	p := panelclient.TrackerListParams{
		UserID:   positiveInt(s.Filter("user_id")),
		TariffID: positiveInt(s.Filter("tariff_id")),
		Filter:   s.Q,
		OrderBy:  s.Sort,
	}
	switch s.Filter("clones") {
	case "only":
		p.ClonesFilter = panelclient.ClonesOnlyInclude
	case "exclude":
		p.ClonesFilter = panelclient.ClonesExclude
	}
	if s.Sort != "" {
		asc := !s.Desc
		p.Ascending = &asc
	}
	return p
}

// export downloads the tracker list as CSV or XLSX: the same search,
// filters and sort as /trackers (the same URL state), the columns chosen
// with cols=, the owner's login and name and the plan's name resolved.
//
// Nothing is held whole: tracker/list is read 500 trackers at a time and
// each page is written out (and, for CSV, flushed to the browser) before
// the next is asked for. Around each page:
//   - plans: one tariff/list for the whole export (read in parallel with
//     the first page), kept for the request; only when a plan name is
//     asked for and the session may read plans (tariffs: read), else the
//     column stays empty;
//   - owners: the page's owners not seen yet are read with user/read, up
//     to 8 at a time, and kept for the request (a user the Panel does not
//     find stays empty); only when the owner's login or name is asked for
//     and the session may read users (users: read). Without it the login
//     stays empty and the name is the tracker's own owner_name, when the
//     Panel sends one.
//
// user/list has no filter by IDs, so a whole-dealer export costs one
// user/read per distinct owner; the reads overlap and are never repeated.
func (h *trackerExportHandlers) export(c echo.Context) error {
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	cols := pickExportColumns(trackerExportColumns, exportColumnNames(c), defaultTrackerExportColumns)
	wants := func(keys ...string) bool {
		for _, col := range cols {
			if slices.Contains(keys, col.key) {
				return true
			}
		}
		return false
	}
	state := parseList(c, trackerListSpec)
	cleanTrackerFilters(&state)
	p := trackerListParams(state)
	p.Limit = trackerExportPageSize

	var (
		wg      sync.WaitGroup
		plans   map[int]string
		planErr error
	)
	if wants("plan_name") && sess.Perms.Can("tariffs", "read") {
		wg.Go(func() {
			list, err := h.api.ListTariffs(ctx, sess.Hash, panelclient.TariffListParams{})
			if err != nil {
				planErr = err
				return
			}
			plans = make(map[int]string, len(list.List))
			for _, pl := range list.List {
				plans[pl.ID] = pl.Name
			}
		})
	}
	first, err := h.api.ListTrackers(ctx, sess.Hash, p)
	wg.Wait()
	if err != nil {
		if panelclient.IsNotFound(err) && (p.UserID > 0 || p.TariffID > 0) {
			// An unknown owner or plan (code 201): an empty file, as the
			// list shows an empty table.
			first, err = &panelclient.TrackerList{}, nil
		} else {
			return err
		}
	}
	if planErr != nil {
		return planErr
	}
	owners := &ownerCache{api: h.api, hash: sess.Hash, known: map[int]ownerInfo{}}
	resolveOwners := wants("owner_login", "owner_name") && sess.Perms.Can("users", "read")

	next := func(offset int) ([]trackerExportRow, error) {
		var page []panelclient.Tracker
		switch {
		case offset == 0:
			page = first.List
		case offset >= first.Count || offset >= trackerExportMaxRows:
			return nil, nil
		default:
			q := p
			q.Offset = offset
			list, err := h.api.ListTrackers(ctx, sess.Hash, q)
			if err != nil {
				return nil, err
			}
			page = list.List
		}
		if resolveOwners {
			if err := owners.resolve(ctx, page); err != nil {
				return nil, err
			}
		}
		rows := make([]trackerExportRow, len(page))
		for i, t := range page {
			r := trackerExportRow{Tracker: t, OwnerName: t.OwnerName, PlanName: plans[t.Source.TariffID]}
			if s := t.Source.ConnectionStatus; i18n.Has("trackers.status." + s) {
				r.Status = l.T("trackers.status." + s)
			} else {
				r.Status = s
			}
			if o, ok := owners.known[t.UserID]; ok && o.found {
				r.OwnerLogin, r.OwnerName = o.login, o.name
			}
			rows[i] = r
		}
		return rows, nil
	}
	h.audit(c, "tracker.export", format+" "+strconv.Itoa(first.Count)+" rows", nil)
	return sendExport(h.app, c, format, "trackers", l.T("trackers.title"), cols, next)
}

// ownerInfo is what the export shows of a tracker's owner.
type ownerInfo struct {
	found       bool
	login, name string
}

// ownerCache resolves owners for one export: each user is read once.
type ownerCache struct {
	api   trackerExportAPI
	hash  string
	known map[int]ownerInfo
}

// resolve reads the owners of page not seen yet, trackerExportOwnerReads
// at a time. A user the Panel does not find (code 201) is remembered as
// unknown; any other failure stops the export.
func (oc *ownerCache) resolve(ctx context.Context, page []panelclient.Tracker) error {
	var ids []int
	for _, t := range page {
		if _, ok := oc.known[t.UserID]; !ok && t.UserID > 0 {
			oc.known[t.UserID] = ownerInfo{} // claimed; filled below
			ids = append(ids, t.UserID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		id   int
		info ownerInfo
		err  error
	}
	work := make(chan int)
	results := make(chan result, len(ids))
	var wg sync.WaitGroup
	for range min(trackerExportOwnerReads, len(ids)) {
		wg.Go(func() {
			for id := range work {
				d, err := oc.api.ReadUser(ctx, oc.hash, id)
				switch {
				case err == nil:
					results <- result{id: id, info: ownerInfo{found: true, login: d.User.Login, name: userName(d.User)}}
				case panelclient.IsNotFound(err):
					results <- result{id: id}
				default:
					// Report first, then stop the others: the reason
					// (say, a session that ended) comes before their
					// cancellations in the channel.
					results <- result{id: id, err: err}
					cancel()
				}
			}
		})
	}
	var firstErr error
feed:
	for _, id := range ids {
		select {
		case work <- id:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	close(results)
	for r := range results {
		if r.err != nil {
			if firstErr == nil {
				firstErr = r.err
			}
			continue
		}
		oc.known[r.id] = r.info
	}
	return firstErr
}
