package handlers

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/navixy-portal/portal/panelclient"
	"github.com/navixy-portal/portal/templates"
)

// userTimezoneCache keeps timezone/list per language for an hour: the list is
// the same for every dealer and staff member and changes with platform
// releases only, while the create form needs it every time.
type userTimezoneCache struct {
	mu      sync.Mutex
	entries map[string]userTZEntry
}

type userTZEntry struct {
	list []panelclient.Timezone
	at   time.Time
}

const userTimezoneTTL = time.Hour

func (tc *userTimezoneCache) get(ctx context.Context, api usersAPI, lang string) ([]panelclient.Timezone, error) {
	tc.mu.Lock()
	e, ok := tc.entries[lang]
	tc.mu.Unlock()
	if ok && time.Since(e.at) < userTimezoneTTL {
		return e.list, nil
	}
	list, err := api.Timezones(ctx, lang)
	if err != nil {
		return nil, err
	}
	tc.mu.Lock()
	if tc.entries == nil {
		tc.entries = map[string]userTZEntry{}
	}
	tc.entries[lang] = userTZEntry{list: list, at: time.Now()}
	tc.mu.Unlock()
	return list, nil
}

// userTimezoneOptions lists zones west to east, each as "(UTC+03:00) Moscow".
func userTimezoneOptions(zones []panelclient.Timezone) []templates.UserChoice {
	zs := append([]panelclient.Timezone(nil), zones...)
	sort.SliceStable(zs, func(i, j int) bool {
		if zs[i].BaseOffset != zs[j].BaseOffset {
			return zs[i].BaseOffset < zs[j].BaseOffset
		}
		return zs[i].Description < zs[j].Description
	})
	out := make([]templates.UserChoice, 0, len(zs))
	for _, z := range zs {
		label := z.Description
		if label == "" {
			label = z.ZoneID
		}
		out = append(out, templates.UserChoice{Value: z.ZoneID, Label: "(" + userUTCOffset(z.BaseOffset) + ") " + label})
	}
	return out
}

func userUTCOffset(hours float64) string {
	sign := "+"
	if hours < 0 {
		sign = "−"
	}
	m := int(math.Round(math.Abs(hours) * 60))
	return fmt.Sprintf("UTC%s%02d:%02d", sign, m/60, m%60)
}
