package panelclient_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/navixy-portal/portal/panelclient"
)

// Fixtures of the activation code, bundle, equipment and order rows. They
// are found through the client (as an admin), not the emulator's Store,
// so the rows depend only on what the docs say the Panel answers.

// bundles returns up to 500 of the dealer's bundles, by id.
func (e *simEnv) bundles(t testing.TB) []panelclient.Bundle {
	t.Helper()
	l, err := e.c.ListBundles(e.ctx, e.admin(t), panelclient.BundleListParams{OrderBy: "id", Ascending: panelclient.Ptr(true), Limit: 500})
	if err != nil {
		t.Fatalf("listing bundles for a fixture: %v", err)
	}
	return l.List
}

// bundleWhere returns the first bundle for which ok holds.
func (e *simEnv) bundleWhere(t testing.TB, what string, ok func(b panelclient.Bundle) bool) panelclient.Bundle {
	t.Helper()
	for _, b := range e.bundles(t) {
		if ok(b) {
			return b
		}
	}
	t.Fatalf("seed has no bundle %s", what)
	return panelclient.Bundle{}
}

// orderID returns the id of an order some bundle is attached to.
func (e *simEnv) orderID(t testing.TB) int {
	t.Helper()
	return e.bundleWhere(t, "in an order", func(b panelclient.Bundle) bool { return b.OrderID > 0 }).OrderID
}

// equipmentOtherThan returns an equipment model other than equipID.
func (e *simEnv) equipmentOtherThan(t testing.TB, equipID int) panelclient.Equipment {
	t.Helper()
	l, err := e.c.ListEquipment(e.ctx, e.admin(t))
	if err != nil {
		t.Fatalf("listing equipment for a fixture: %v", err)
	}
	for _, q := range l {
		if q.EquipID != equipID {
			return q
		}
	}
	t.Fatal("seed has no second equipment model")
	return panelclient.Equipment{}
}

// codesWhere returns up to n of the dealer's codes for which ok holds.
func (e *simEnv) codesWhere(t testing.TB, n int, what string, ok func(c panelclient.ActivationCode) bool) []panelclient.ActivationCode {
	t.Helper()
	l, err := e.c.ListActivationCodes(e.ctx, e.admin(t), panelclient.ActivationCodeListParams{OrderBy: "code", Limit: 1000})
	if err != nil {
		t.Fatalf("listing codes for a fixture: %v", err)
	}
	var out []panelclient.ActivationCode
	for _, c := range l.List {
		if ok(c) {
			out = append(out, c)
			if len(out) == n {
				return out
			}
		}
	}
	t.Fatalf("seed has fewer than %d codes %s", n, what)
	return nil
}

func codeReadBack(t testing.TB, e *simEnv, code string) panelclient.ActivationCode {
	t.Helper()
	l, err := e.c.ListActivationCodes(e.ctx, e.admin(t), panelclient.ActivationCodeListParams{Filter: code})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range l.List {
		if c.Code == code {
			return c
		}
	}
	t.Fatalf("code %s not in the list filtered by it", code)
	return panelclient.ActivationCode{}
}

var freshIMEIs atomic.Int64

// freshIMEI is a 15-digit IMEI no seed is likely to hold.
func freshIMEI() string {
	return fmt.Sprintf("3599990%08d", freshIMEIs.Add(1))
}

// notInOpenAPI names an action the markdown documents and Navixy's
// OpenAPI file leaves out (tracker/bundle/*, equipment/list): the referee
// has no schema for it, so each exchange is reported as an unknown path on
// both sides. What the client and the emulator do is then checked only by
// the rows themselves and by every answer decoding into the client's types
// with no field left over.
func notInOpenAPI(action, side string) difference {
	return difference{
		name: action + " not in the OpenAPI file (" + side + ")", action: action, side: side,
		explains: func(p problem) bool {
			return strings.Contains(p.Text, "not found") && strings.Contains(p.Text, "/panel/"+action)
		},
		reason: "the markdown documents " + action + "; Navixy's OpenAPI file has no such path, so there is no schema to referee it with.",
	}
}

// idText and idOf carry ids through the rows' string results.
func idText(n int) string { return strconv.Itoa(n) }

func idOf(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
