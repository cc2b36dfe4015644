package panelsim

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Content types of the user/export file.
const (
	csvContentType  = "text/csv; charset=utf-8"
	xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// defaultExportColumns are the columns of user/export when none are asked
// for (markdown and OpenAPI agree).
var defaultExportColumns = []string{"id", "login", "first_name", "middle_name", "last_name", "phone"}

// userExportColumns are the columns user/export can write: every field of
// the user object ("About user object structure see above"), as the user
// list shows it.
var userExportColumns = func() map[string]func(st *Store, u *User) any {
	m := map[string]func(st *Store, u *User) any{
		"id":             func(_ *Store, u *User) any { return u.ID },
		"dealer_id":      func(_ *Store, u *User) any { return u.DealerID },
		"activated":      func(_ *Store, u *User) any { return u.Activated },
		"verified":       func(_ *Store, u *User) any { return u.Verified },
		"phone_verified": func(_ *Store, u *User) any { return u.PhoneVerified },
		"legal_type":     func(_ *Store, u *User) any { return u.LegalType },
		"balance":        func(_ *Store, u *User) any { return u.Balance },
		"bonus":          func(_ *Store, u *User) any { return u.Bonus },
		"creation_date":  func(_ *Store, u *User) any { return u.CreationDate.String() },
		"trackers_count": func(st *Store, u *User) any { return st.liveTrackerCountLocked(u.ID) },
		"comment":        func(_ *Store, u *User) any { return u.Comment },
		"mfa_allowed":    func(_ *Store, u *User) any { return u.MFA.Type == "allowed" },
		"menu_preset_id": func(_ *Store, u *User) any {
			if u.MenuPresetID == nil {
				return nil
			}
			return *u.MenuPresetID
		},
	}
	for _, tf := range userTextFields {
		m[tf.name] = func(_ *Store, u *User) any { return *tf.fieldAddr(u) }
	}
	return m
}()

// userExport answers the user list as a file to download: XLSX (default)
// or CSV, with the filter, order and page of user/list and the asked-for
// columns in the asked-for order. The first row holds the column names as
// requested; CSV uses ';' between columns, like user/upload. Unknown
// columns or an empty list answer code 7 (the OpenAPI file: "Must not be
// empty").
func (s *Server) userExport(c *call) (any, error) {
	p := c.params
	q := readUserQuery(p)
	format := p.oneOf("format", "xlsx", "xlsx", "csv")
	columns, sent := p.optStringList("columns")
	if !sent {
		columns = defaultExportColumns
	}
	if sent && len(columns) == 0 {
		p.invalid("columns", "Must not be empty")
	}
	for i, col := range columns {
		if userExportColumns[col] == nil {
			p.invalid(fmt.Sprintf("columns[%d]", i), "Should be one of ["+exportColumnNames()+"]")
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}

	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	users := q.page(st.selectUsersLocked(q))
	row := make([]any, len(columns))
	fill := func(u *User) []any {
		for i, col := range columns {
			row[i] = userExportColumns[col](st, u)
		}
		return row
	}
	var (
		body        []byte
		contentType string
		err         error
	)
	if format == "csv" {
		body, err = exportCSV(columns, users, fill)
		contentType = csvContentType
	} else {
		body, err = exportXLSX(columns, users, fill)
		contentType = xlsxContentType
	}
	if err != nil {
		return nil, err
	}
	header := http.Header{}
	header.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "users." + format}))
	return rawReply{ContentType: contentType, Header: header, Body: body}, nil
}

func exportCSV(columns []string, users []*User, fill func(*User) []any) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	if err := w.Write(columns); err != nil {
		return nil, err
	}
	record := make([]string, len(columns))
	for _, u := range users {
		for i, v := range fill(u) {
			record[i] = csvText(v)
		}
		if err := w.Write(record); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func csvText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(v)
}

// exportXLSX writes one sheet, "Users", through excelize's stream writer:
// numbers as numbers, flags as booleans, text as text.
func exportXLSX(columns []string, users []*User, fill func(*User) []any) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Users"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	head := make([]any, len(columns))
	for i, col := range columns {
		head[i] = col
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	for i, u := range users {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, fill(u)); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// exportColumnNames lists the columns user/export knows, for messages.
func exportColumnNames() string {
	names := make([]string, 0, len(userExportColumns))
	for name := range userExportColumns {
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
