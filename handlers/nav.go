package handlers

import (
	"strconv"
	"strings"

	"github.com/navixy-portal/portal/auth"
	"github.com/navixy-portal/portal/templates"
)

// section is one entry of the main navigation and the permission that
// shows it; a section's routes require at least the same permission.
type section struct {
	key, href, testID string
	need              []auth.Perm // any one shows the link
}

// sections lists the portal's sections in the official console's order.
// A section appears here once its pages exist.
var sections = []section{
	{key: "nav.users", href: "/users", testID: "nav-users", need: []auth.Perm{auth.P("users", "read")}},
	{key: "nav.trackers", href: "/trackers", testID: "nav-trackers", need: []auth.Perm{auth.P("trackers", "read")}},
	{key: "nav.plans", href: "/plans", testID: "nav-plans", need: []auth.Perm{auth.P("tariffs", "read")}},
	{key: "nav.codes", href: "/codes", testID: "nav-codes", need: []auth.Perm{auth.P("activation_code", "read")}},
	{key: "nav.bundles", href: "/bundles", testID: "nav-bundles", need: []auth.Perm{auth.P("tracker_bundles", "read")}},
	{key: "nav.settings", href: "/settings", testID: "nav-settings", need: []auth.Perm{auth.P("service_settings", "read"), auth.P("notification_settings", "read")}},
	{key: "nav.resellers", href: "/resellers", testID: "nav-resellers", need: []auth.Perm{auth.P("subpaas", "read")}},
	{key: "nav.reports", href: "/reports/active", testID: "nav-reports", need: []auth.Perm{auth.P("trackers", "report")}},
}

func navFor(p auth.Permissions, path string) []templates.NavItem {
	var out []templates.NavItem
	for _, s := range sections {
		if !canAny(p, s.need) {
			continue
		}
		cur := path == s.href || strings.HasPrefix(path, s.href+"/")
		out = append(out, templates.NavItem{Key: s.key, Href: s.href, Current: cur, TestID: s.testID})
	}
	return out
}

func canAny(p auth.Permissions, need []auth.Perm) bool {
	for _, q := range need {
		if p.Can(q.Category, q.Op) {
			return true
		}
	}
	return len(need) == 0
}

// canSearch shows the header search when any searchable list is readable:
// the permissions /search requires (any one of them).
func canSearch(p auth.Permissions) bool {
	return canAny(p, searchPerms)
}

func itoa(n int) string { return strconv.Itoa(n) }
