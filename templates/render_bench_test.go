package templates

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/navixy-portal/portal/i18n"
)

// BenchmarkUsersTable renders the 50-row users table a list page sends,
// in both languages' number and date formats.
func BenchmarkUsersTable(b *testing.B) {
	v := UsersListView{State: ListState{Path: "/users", Target: "#users-table", Sort: "id", Page: 2, PerPage: 50, Total: 5000}}
	for i := range 50 {
		v.Rows = append(v.Rows, UserRow{
			ID: 1000 + i, Name: "Иванова-Smith, Анна-Maria " + strconv.Itoa(i), Activated: i%7 != 0, Verified: i%3 != 0,
			Balance: float64(i*1234) / 7, Bonus: float64(i), Trackers: i % 12, Login: "user" + strconv.Itoa(i) + "@example.com",
			Phone: "+7 900 000 00 " + strconv.Itoa(i), City: "Санкт-Петербург <b>&amp;", Created: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		})
	}
	for _, lang := range []i18n.Lang{i18n.EN, i18n.RU} {
		b.Run(string(lang), func(b *testing.B) {
			ctx := WithShell(i18n.WithLocalizer(context.Background(), i18n.For(lang)), &Shell{Lang: lang, Path: "/users", Partial: true})
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := UsersTablePartial(v).Render(ctx, &buf); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}
