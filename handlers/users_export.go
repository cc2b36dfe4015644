package handlers

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/navixy-portal/portal/i18n"
	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// userExportColumn is one column the user export can hold.
type userExportColumn struct {
	key      string
	labelKey string
	kind     userExportKind
	value    func(u panelclient.User) any
}

type userExportKind int

const (
	userExportText userExportKind = iota
	userExportInt
	userExportMoney
	userExportBool
)

// userExportColumns are the columns offered, in file order: the list's columns
// first, then every other field of the user.
var userExportColumns = []userExportColumn{
	{"id", "users.col.id", userExportInt, func(u panelclient.User) any { return u.ID }},
	{"login", "users.col.login", userExportText, func(u panelclient.User) any { return u.Login }},
	{"name", "users.col.name", userExportText, func(u panelclient.User) any { return userName(u) }},
	{"last_name", "users.field.last_name", userExportText, func(u panelclient.User) any { return u.LastName }},
	{"first_name", "users.field.first_name", userExportText, func(u panelclient.User) any { return u.FirstName }},
	{"middle_name", "users.field.middle_name", userExportText, func(u panelclient.User) any { return u.MiddleName }},
	{"legal_name", "users.field.legal_name", userExportText, func(u panelclient.User) any { return u.LegalName }},
	{"legal_type", "users.field.legal_type", userExportText, func(u panelclient.User) any { return u.LegalType }},
	{"activated", "users.field.activated", userExportBool, func(u panelclient.User) any { return u.Activated }},
	{"verified", "users.field.verified", userExportBool, func(u panelclient.User) any { return u.Verified }},
	{"balance", "users.col.balance", userExportMoney, func(u panelclient.User) any { return u.Balance }},
	{"bonus", "users.col.bonus", userExportMoney, func(u panelclient.User) any { return u.Bonus }},
	{"trackers_count", "users.col.trackers", userExportInt, func(u panelclient.User) any { return u.TrackersCount }},
	{"phone", "users.col.phone", userExportText, func(u panelclient.User) any { return u.Phone }},
	{"post_country", "users.field.post_country", userExportText, func(u panelclient.User) any { return u.PostCountry }},
	{"post_region", "users.field.post_region", userExportText, func(u panelclient.User) any { return u.PostRegion }},
	{"post_city", "users.field.post_city", userExportText, func(u panelclient.User) any { return u.PostCity }},
	{"post_index", "users.field.post_index", userExportText, func(u panelclient.User) any { return u.PostIndex }},
	{"post_street_address", "users.field.post_street_address", userExportText, func(u panelclient.User) any { return u.PostStreetAddress }},
	{"registered_country", "users.field.registered_country", userExportText, func(u panelclient.User) any { return u.RegisteredCountry }},
	{"registered_region", "users.field.registered_region", userExportText, func(u panelclient.User) any { return u.RegisteredRegion }},
	{"registered_city", "users.field.registered_city", userExportText, func(u panelclient.User) any { return u.RegisteredCity }},
	{"registered_index", "users.field.registered_index", userExportText, func(u panelclient.User) any { return u.RegisteredIndex }},
	{"registered_street_address", "users.field.registered_street_address", userExportText, func(u panelclient.User) any { return u.RegisteredStreetAddress }},
	{"tin", "users.field.tin", userExportText, func(u panelclient.User) any { return u.TIN }},
	{"iec", "users.field.iec", userExportText, func(u panelclient.User) any { return u.IEC }},
	{"okpo_code", "users.field.okpo_code", userExportText, func(u panelclient.User) any { return u.OKPOCode }},
	{"state_reg_num", "users.field.state_reg_num", userExportText, func(u panelclient.User) any { return u.StateRegNum }},
	{"creation_date", "users.col.created", userExportText, func(u panelclient.User) any { return u.CreationDate }},
	{"comment", "users.field.comment", userExportText, func(u panelclient.User) any { return u.Comment }},
}

// defaultUserExportColumns are ticked when the URL names none: what the list
// shows.
var defaultUserExportColumns = []string{"id", "name", "balance", "bonus", "trackers_count", "login", "phone", "post_city", "creation_date"}

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
	var names []string
	for _, v := range c.QueryParams()["cols"] {
		for n := range strings.SplitSeq(v, ",") {
			names = append(names, strings.TrimSpace(n))
		}
	}
	if cols := selectedUserExportColumnsOf(names); len(cols) > 0 {
		return cols
	}
	return selectedUserExportColumnsOf(defaultUserExportColumns)
}

func selectedUserExportColumnsOf(names []string) []userExportColumn {
	var out []userExportColumn
	for _, col := range userExportColumns {
		if slices.Contains(names, col.key) {
			out = append(out, col)
		}
	}
	return out
}

// userExportPageSize is how many users each user/list call of an export reads.
const userExportPageSize = 500

// userXLSXMaxCell is the most characters a spreadsheet cell holds (bytes
// here, which is stricter).
const userXLSXMaxCell = 32767

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
// the CSV follows the conventions below. Nothing is held whole: each page
// of users is written out before the next is read (for XLSX, excelize's
// StreamWriter keeps the rows in a temporary file past a small buffer
// until the workbook is zipped out).
//
// CSV conventions: Excel opens a .csv with the list separator of the
// computer's regional settings, which is "," for English (US/UK) and ";"
// for Russian (and most of Europe, where "," is the decimal mark). So an
// English export uses "," and "." for decimals, a Russian one ";" and ","
// for decimals. The file is UTF-8 with a byte order mark (without it Excel
// reads Cyrillic as mojibake) and CRLF line ends; a text cell that starts
// with = + - @ or a tab gets a leading apostrophe so that Excel does not
// run it as a formula.
//
// A failure before the first byte shows the usual error page; a failure
// half way through cuts the download off, so a browser reports it failed
// instead of saving a silently short file.
func (h *usersHandlers) export(c echo.Context) error {
	sess := session(c)
	ctx := c.Request().Context()
	l := i18n.From(ctx)
	format := c.QueryParam("format")
	switch format {
	case "":
		format = panelclient.ExportCSV
	case panelclient.ExportCSV, panelclient.ExportXLSX:
	default:
		return echo.NewHTTPError(http.StatusBadRequest)
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
	name := "users-" + h.o.Now().UTC().Format("2006-01-02") + "." + format
	hdr := c.Response().Header()
	hdr.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	hdr.Set("Cache-Control", "no-store")
	h.audit(c, "user.export", format+" "+strconv.Itoa(first.Count)+" rows", nil)
	if format == panelclient.ExportCSV {
		hdr.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		err = writeUsersCSV(c.Response(), l, cols, next)
	} else {
		hdr.Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		err = writeUsersXLSX(c.Response(), l, cols, next)
	}
	if err != nil && !c.Response().Committed {
		return err
	}
	if err != nil {
		h.log().Error("user export cut off", "request_id", requestID(c), "error", err.Error())
		panic(http.ErrAbortHandler)
	}
	return nil
}

// userCSVSeparator is the list separator Excel expects in the language.
func userCSVSeparator(l *i18n.Localizer) rune {
	if l.Lang == i18n.RU {
		return ';'
	}
	return ','
}

func writeUsersCSV(w *echo.Response, l *i18n.Localizer, cols []userExportColumn, next func(int) ([]panelclient.User, error)) error {
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = userCSVSeparator(l)
	cw.UseCRLF = true
	record := make([]string, len(cols))
	for i, col := range cols {
		record[i] = l.T(col.labelKey)
	}
	if err := cw.Write(record); err != nil {
		return err
	}
	for offset := 0; ; {
		users, err := next(offset)
		if err != nil {
			return err
		}
		if len(users) == 0 {
			break
		}
		for _, u := range users {
			for i, col := range cols {
				record[i] = userCSVCell(l, col, col.value(u))
			}
			if err := cw.Write(record); err != nil {
				return err
			}
		}
		offset += len(users)
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		w.Flush()
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// userCSVCell formats one value for the CSV in the staff member's language.
func userCSVCell(l *i18n.Localizer, col userExportColumn, v any) string {
	switch col.kind {
	case userExportInt:
		return strconv.Itoa(v.(int))
	case userExportMoney:
		s := strconv.FormatFloat(v.(float64), 'f', -1, 64)
		if l.Lang == i18n.RU {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case userExportBool:
		if v.(bool) {
			return l.T("common.yes")
		}
		return l.T("common.no")
	}
	return defuseUserFormula(v.(string))
}

// defuseUserFormula keeps a spreadsheet from reading text as a formula.
func defuseUserFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeUsersXLSX(w *echo.Response, l *i18n.Localizer, cols []userExportColumn, next func(int) ([]panelclient.User, error)) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := l.T("users.title")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	header := make([]any, len(cols))
	for i, col := range cols {
		header[i] = excelize.Cell{StyleID: bold, Value: l.T(col.labelKey)}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{}); err != nil {
		return err
	}
	row := 2
	for offset := 0; ; {
		users, err := next(offset)
		if err != nil {
			return err
		}
		if len(users) == 0 {
			break
		}
		for _, u := range users {
			cells := make([]any, len(cols))
			for i, col := range cols {
				v := col.value(u)
				if col.kind == userExportBool {
					if v.(bool) {
						v = l.T("common.yes")
					} else {
						v = l.T("common.no")
					}
				}
				if s, ok := v.(string); ok && len(s) > userXLSXMaxCell {
					v = s[:userXLSXMaxCell]
				}
				cells[i] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
			row++
		}
		offset += len(users)
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("writing the workbook: %w", err)
	}
	return nil
}
