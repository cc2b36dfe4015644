package panelclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"testing"
)

// pagedPanel answers user/list with `limit` users whose logins name the
// offset, one with escapes in its name, so a page read over another's
// bytes shows.
func pagedPanel(t *testing.T) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p struct{ Limit, Offset int }
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		list := make([]map[string]any, p.Limit)
		for i := range list {
			list[i] = map[string]any{"id": p.Offset*100 + i, "login": fmt.Sprintf("user-%d-%d@example.com", p.Offset, i),
				"last_name": fmt.Sprintf("O'Brien \"%d\"", p.Offset), "first_name": "Ann"}
		}
		json.NewEncoder(w).Encode(map[string]any{"success": true, "list": list, "count": 1000})
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL + "/v2/panel")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func checkPage(t *testing.T, l *UserList, offset, limit int) {
	t.Helper()
	if len(l.List) != limit {
		t.Fatalf("offset %d: %d users, want %d", offset, len(l.List), limit)
	}
	for i, u := range l.List {
		if want := fmt.Sprintf("user-%d-%d@example.com", offset, i); u.Login != want || u.ID != offset*100+i ||
			u.LastName != fmt.Sprintf("O'Brien \"%d\"", offset) || u.FirstName != "Ann" {
			t.Fatalf("offset %d row %d: %+v, want login %s", offset, i, u, want)
		}
	}
}

// TestListUsersReleaseReusesMemory: a released list's answer and rows are
// what a next ListUsers reads into, and the released list is empty.
func TestListUsersReleaseReusesMemory(t *testing.T) {
	// A collection would empty the pools between two calls.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	c := pagedPanel(t)
	ctx := context.Background()
	list, err := c.ListUsers(ctx, testHash, UserListParams{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	checkPage(t, list, 0, 20)
	// Under the race detector sync.Pool drops a quarter of what it is
	// given back, so reuse is looked for over several pages.
	answerReused, rowsReused := false, false
	for off := 1; off <= 20 && !(answerReused && rowsReused); off++ {
		answer, rows := list.answer, &list.List[:1][0]
		if answer == nil {
			t.Fatal("the list does not hold its answer")
		}
		list.Release()
		if list.List != nil || list.answer != nil {
			t.Fatalf("a released list still holds %d rows, answer %v", len(list.List), list.answer != nil)
		}
		list.Release() // twice does nothing
		if list, err = c.ListUsers(ctx, testHash, UserListParams{Limit: 20, Offset: off}); err != nil {
			t.Fatal(err)
		}
		checkPage(t, list, off, 20)
		answerReused = answerReused || list.answer == answer
		rowsReused = rowsReused || &list.List[:1][0] == rows
	}
	if !answerReused || !rowsReused {
		t.Errorf("over 20 pages, answer reused %v, rows reused %v", answerReused, rowsReused)
	}
	var zero UserList
	zero.Release()
}

// TestUnreleasedListKeepsItsStrings: a list nobody released is never read
// over, however many pages are read and released after it.
func TestUnreleasedListKeepsItsStrings(t *testing.T) {
	c := pagedPanel(t)
	ctx := context.Background()
	kept, err := c.ListUsers(ctx, testHash, UserListParams{Limit: 30, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	for off := 2; off < 40; off++ {
		l, err := c.ListUsers(ctx, testHash, UserListParams{Limit: 30, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		checkPage(t, l, off, 30)
		l.Release()
	}
	checkPage(t, kept, 1, 30)
}
