package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// userExportColumn is one column the user export can hold.
type userExportColumn = exportColumn[panelclient.User]

// userExportColumns are the columns offered, in file order: the list's columns
// first, then every other field of the user.
var userExportColumns = []userExportColumn{
	{"id", "users.col.id", exportInt, func(u panelclient.User) any { return u.ID }},
	{"login", "users.col.login", exportText, func(u panelclient.User) any { return u.Login }},
	{"name", "users.col.name", exportText, func(u panelclient.User) any { return userName(u) }},
	{"last_name", "users.field.last_name", exportText, func(u panelclient.User) any { return u.LastName }},
	{"first_name", "users.field.first_name", exportText, func(u panelclient.User) any { return u.FirstName }},
	{"middle_name", "users.field.middle_name", exportText, func(u panelclient.User) any { return u.MiddleName }},
	{"legal_name", "users.field.legal_name", exportText, func(u panelclient.User) any { return u.LegalName }},
	{"legal_type", "users.field.legal_type", exportText, func(u panelclient.User) any { return u.LegalType }},
	{"activated", "users.field.activated", exportBool, func(u panelclient.User) any { return u.Activated }},
	{"verified", "users.field.verified", exportBool, func(u panelclient.User) any { return u.Verified }},
	{"balance", "users.col.balance", exportMoney, func(u panelclient.User) any { return u.Balance }},
	{"bonus", "users.col.bonus", exportMoney, func(u panelclient.User) any { return u.Bonus }},
	{"trackers_count", "users.col.trackers", exportInt, func(u panelclient.User) any { return u.TrackersCount }},
	{"phone", "users.col.phone", exportText, func(u panelclient.User) any { return u.Phone }},
	{"post_country", "users.field.post_country", exportText, func(u panelclient.User) any { return u.PostCountry }},
	{"post_region", "users.field.post_region", exportText, func(u panelclient.User) any { return u.PostRegion }},
	{"post_city", "users.field.post_city", exportText, func(u panelclient.User) any { return u.PostCity }},
	{"post_index", "users.field.post_index", exportText, func(u panelclient.User) any { return u.PostIndex }},
	{"post_street_address", "users.field.post_street_address", exportText, func(u panelclient.User) any { return u.PostStreetAddress }},
	{"registered_country", "users.field.registered_country", exportText, func(u panelclient.User) any { return u.RegisteredCountry }},
	{"registered_region", "users.field.registered_region", exportText, func(u panelclient.User) any { return u.RegisteredRegion }},
	{"registered_city", "users.field.registered_city", exportText, func(u panelclient.User) any { return u.RegisteredCity }},
	{"registered_index", "users.field.registered_index", exportText, func(u panelclient.User) any { return u.RegisteredIndex }},
	{"registered_street_address", "users.field.registered_street_address", exportText, func(u panelclient.User) any { return u.RegisteredStreetAddress }},
	{"tin", "users.field.tin", exportText, func(u panelclient.User) any { return u.TIN }},
	{"iec", "users.field.iec", exportText, func(u panelclient.User) any { return u.IEC }},
	{"okpo_code", "users.field.okpo_code", exportText, func(u panelclient.User) any { return u.OKPOCode }},
	{"state_reg_num", "users.field.state_reg_num", exportText, func(u panelclient.User) any { return u.StateRegNum }},
	{"creation_date", "users.col.created", exportText, func(u panelclient.User) any { return u.CreationDate }},
	{"comment", "users.field.comment", exportText, func(u panelclient.User) any { return u.Comment }},
}

// defaultUserExportColumns are ticked when the URL names none: what the list
// shows.
var defaultUserExportColumns = []string{"id", "name", "balance", "bonus", "trackers_count", "login", "phone", "post_city", "creation_date"}

// defaultExportChoices are the boxes every users page offers, worked out
// once; pages only read them.
var defaultExportChoices = templates.NewExportColumns(userExportColumnChoices(nil))

// userExportColumnChoices are the export form's checkboxes.
func userExportColumnChoices(selected []string) []templates.UserExportColumn {
	if len(selected) == 0 {
		selected = defaultUserExportColumns
	}
	out := make([]templates.UserExportColumn, 0, len(userExportColumns))
	for _, col := range userExportColumns {
		out = append(out, templates.UserExportColumn{Key: col.key, LabelKey: col.labelKey, Checked: slices.Contains(selected, col.key)})
	}
	return out
}

// selectedUserExportColumns reads ?cols=id&cols=login or ?cols=id,login, in
// file order; unknown names are ignored, none means the defaults.
func selectedUserExportColumns(c echo.Context) []userExportColumn {
	return pickExportColumns(userExportColumns, exportColumnNames(c), defaultUserExportColumns)
}

// userExportPageSize is how many users each user/list call of an export reads.
const userExportPageSize = 500

// userExportMaxRows stops a runaway export.
const userExportMaxRows = 2_000_000

// export downloads the user list as CSV or XLSX with the list's current
// search, sort and "only active" filter, and the columns the staff member
// chose.
//
// The portal writes the file itself, paging through user/list as it
// writes, rather than passing user/export's file through: the columns and
// their headings are then the ones the staff member sees in the list, in
// their language, money and yes/no cells are formatted the same way, and
// the CSV follows the conventions of export.go. Nothing is held whole:
// each page of users is written out before the next is read.
func (h *usersHandlers) export(c echo.Context) error {
	if c.QueryParam("format") == "panel" {
		return h.exportPanelFile(c)
	}
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	cols := selectedUserExportColumns(c)
	s := parseUsersList(c)
	p := usersListParams(s)
	p.Limit = userExportPageSize
	first, err := h.api.ListUsers(ctx, sess.Hash, p)
	if err != nil {
		return err
	}
	next := func(offset int) ([]panelclient.User, error) {
		if offset == 0 {
			return first.List, nil
		}
		if offset >= first.Count || offset >= userExportMaxRows {
			return nil, nil
		}
		q := p
		q.Offset = offset
		page, err := h.api.ListUsers(ctx, sess.Hash, q)
		if err != nil {
			return nil, err
		}
		return page.List, nil
	}
	h.audit(c, "user.export", format+" "+strconv.Itoa(first.Count)+" rows", nil)
	return sendExport(h.app, c, format, "users", l.T("users.title"), cols, next)
}

// exportPanelFile passes the Panel's own spreadsheet (user/export, XLSX)
// through as it arrives, with the same search, sort and "only active"
// filter and the chosen columns that are fields of the user object (the
// Panel names its columns by field). Staff who feed the file to tools
// built for the official console's export get exactly that file.
func (h *usersHandlers) exportPanelFile(c echo.Context) error {
	sess := session(c)
	lp := usersListParams(parseUsersList(c))
	p := panelclient.UserExportParams{
		Filter: lp.Filter, OrderBy: lp.OrderBy, Ascending: lp.Ascending, HideInactive: lp.HideInactive,
		Format: panelclient.ExportXLSX,
	}
	for _, col := range selectedUserExportColumns(c) {
		if col.key != "name" {
			p.Columns = append(p.Columns, col.key)
		}
	}
	d, err := h.api.ExportUsers(c.Request().Context(), sess.Hash, p)
	h.audit(c, "user.export", "panel xlsx", err)
	if err != nil {
		return err
	}
	defer d.Body.Close()
	ctype := d.ContentType
	if ctype == "" || strings.HasPrefix(ctype, "application/json") {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="users.xlsx"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Stream(http.StatusOK, ctype, d.Body)
}
