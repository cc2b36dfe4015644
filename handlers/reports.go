package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// reportsAPI is what the reports read.
type reportsAPI interface {
	ListActiveTrackerHistory(ctx context.Context, hash, from, to string) (*panelclient.ActiveHistory, error)
}

type reportHandlers struct {
	*app
	api reportsAPI
}

// reportMonths is the default range: the current month and the five
// before it.
const reportMonths = 6

// activeRange reads the month range of the URL, defaulting to the last
// six months. errs says what is wrong with a range given by hand.
func (h *reportHandlers) activeRange(c echo.Context) (from, to string, errs templates.FieldErrors) {
	l := i18n.From(c.Request().Context())
	now := h.o.Now().UTC()
	cur := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	from, to = strings.TrimSpace(c.QueryParam("from")), strings.TrimSpace(c.QueryParam("to"))
	if from == "" {
		from = cur.AddDate(0, -(reportMonths - 1), 0).Format("2006-01")
	}
	if to == "" {
		to = cur.Format("2006-01")
	}
	errs = templates.FieldErrors{}
	f, ferr := time.Parse("2006-01", from)
	t, terr := time.Parse("2006-01", to)
	if ferr != nil {
		errs["from"] = l.T("reports.val.month")
	}
	if terr != nil {
		errs["to"] = l.T("reports.val.month")
	}
	if ferr == nil && terr == nil && f.After(t) {
		errs["to"] = l.T("reports.val.order")
	}
	if len(from) > 7 {
		from = from[:7]
	}
	if len(to) > 7 {
		to = to[:7]
	}
	return from, to, errs
}

// fetch reads the report; a refusal the staff member can fix (211: too
// long a span) comes back as a form message.
func (h *reportHandlers) fetch(c echo.Context, from, to string) (*panelclient.ActiveHistory, templates.FieldErrors, error) {
	res, err := h.api.ListActiveTrackerHistory(c.Request().Context(), session(c).Hash, from, to)
	if err == nil {
		return res, nil, nil
	}
	var ae *panelclient.APIError
	if errors.As(err, &ae) && !panelclient.IsSessionEnded(err) && !panelclient.IsForbidden(err) {
		l := i18n.From(c.Request().Context())
		switch ae.Code {
		case 211:
			return nil, templates.FieldErrors{"": l.T("reports.err.211")}, nil
		case 7:
			errs := templates.FieldErrors{"": l.T("form.errors")}
			for name, msg := range ae.FieldMessages() {
				if name == "from" || name == "to" {
					errs[name] = msg
				} else {
					errs[""] = name + ": " + msg
				}
			}
			return nil, errs, nil
		}
	}
	return nil, nil, err
}

// active shows the active-devices report: a chart of active devices per
// month and each month's trackers grouped by owner.
func (h *reportHandlers) active(c echo.Context) error {
	s := session(c)
	from, to, errs := h.activeRange(c)
	v := templates.ActiveReportView{From: from, To: to, LinkUsers: s.Perms.Can("users", "read"), LinkTracker: s.Perms.Can("trackers", "read")}
	if len(errs) > 0 {
		v.Errs = errs
		return h.render(c, statusUnprocessable, templates.ActiveReportPage(v))
	}
	res, errs, err := h.fetch(c, from, to)
	if err != nil {
		return err
	}
	if errs != nil {
		v.Errs = errs
		return h.render(c, statusUnprocessable, templates.ActiveReportPage(v))
	}
	v.Loaded = true
	v.Months = activeMonths(res, from, to)
	return h.render(c, http.StatusOK, templates.ActiveReportPage(v))
}

// activeMonths orders the months, fills the months of the range the Panel
// left out with zero, and groups each month's trackers by owner.
func activeMonths(res *panelclient.ActiveHistory, from, to string) []templates.ActiveMonthView {
	names := activeOwnerNames(res)
	byMonth := map[string]templates.ActiveMonthView{}
	for _, m := range res.List {
		mv := byMonth[m.Month]
		mv.Month = m.Month
		mv.Amount += m.Amount
		groups := map[int]int{}
		for i, g := range mv.Users {
			groups[g.UserID] = i
		}
		for _, t := range m.Trackers {
			i, ok := groups[t.UserID]
			if !ok {
				i = len(mv.Users)
				groups[t.UserID] = i
				mv.Users = append(mv.Users, templates.ActiveUserGroup{UserID: t.UserID, Name: names[t.UserID]})
			}
			mv.Users[i].Trackers = append(mv.Users[i].Trackers, templates.ActiveTrackerRow{TrackerID: t.TrackerID, Label: t.Label, DeviceID: t.DeviceID})
		}
		byMonth[m.Month] = mv
	}
	if f, err := time.Parse("2006-01", from); err == nil {
		if t, err := time.Parse("2006-01", to); err == nil && len(res.List) > 0 {
			for m, n := f, 0; !m.After(t) && n < 240; m, n = m.AddDate(0, 1, 0), n+1 {
				key := m.Format("2006-01")
				if _, ok := byMonth[key]; !ok {
					byMonth[key] = templates.ActiveMonthView{Month: key}
				}
			}
		}
	}
	out := make([]templates.ActiveMonthView, 0, len(byMonth))
	for _, mv := range byMonth {
		slices.SortFunc(mv.Users, func(a, b templates.ActiveUserGroup) int { return a.UserID - b.UserID })
		for _, g := range mv.Users {
			slices.SortFunc(g.Trackers, func(a, b templates.ActiveTrackerRow) int { return a.TrackerID - b.TrackerID })
		}
		out = append(out, mv)
	}
	slices.SortFunc(out, func(a, b templates.ActiveMonthView) int { return strings.Compare(a.Month, b.Month) })
	return out
}

// activeOwnerNames reads the owners the Panel may send beside the report
// (users_map, OpenAPI only): login and name by user ID.
func activeOwnerNames(res *panelclient.ActiveHistory) map[int]string {
	out := map[int]string{}
	for key, raw := range res.UsersMap {
		var u struct {
			Login     string `json:"login"`
			FirstName string `json:"first_name"`
			LastName  string `json:"last_name"`
			LegalName string `json:"legal_name"`
		}
		id, err := strconv.Atoi(key)
		if err != nil || json.Unmarshal(raw, &u) != nil {
			continue
		}
		name := u.LegalName
		if name == "" {
			name = strings.TrimSpace(u.FirstName + " " + u.LastName)
		}
		out[id] = strings.TrimSpace(strings.Trim(u.Login+" · "+name, " ·"))
	}
	return out
}

// activeCSV downloads the report's rows: month, user, tracker, label,
// device ID. Cells that a spreadsheet would read as a formula are quoted
// with a leading apostrophe.
func (h *reportHandlers) activeCSV(c echo.Context) error {
	from, to, errs := h.activeRange(c)
	if len(errs) > 0 {
		return h.render(c, statusUnprocessable, templates.ActiveReportPage(templates.ActiveReportView{From: from, To: to, Errs: errs}))
	}
	res, errs, err := h.fetch(c, from, to)
	if err != nil {
		return err
	}
	if errs != nil {
		return h.render(c, statusUnprocessable, templates.ActiveReportPage(templates.ActiveReportView{From: from, To: to, Errs: errs}))
	}
	l := i18n.From(c.Request().Context())
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // spreadsheets read the file as UTF-8
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{l.T("reports.csv.month"), l.T("reports.csv.user_id"), l.T("reports.csv.tracker_id"), l.T("reports.csv.label"), l.T("reports.csv.device_id")})
	for _, m := range activeMonths(res, from, to) {
		for _, g := range m.Users {
			for _, t := range g.Trackers {
				_ = w.Write([]string{m.Month, strconv.Itoa(g.UserID), strconv.Itoa(t.TrackerID), csvSafe(t.Label), csvSafe(t.DeviceID)})
			}
		}
	}
	w.Flush()
	hdr := c.Response().Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Disposition", `attachment; filename="active-devices-`+from+`-`+to+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvSafe keeps a spreadsheet from running a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
