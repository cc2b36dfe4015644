package i18n

import "maps"

// The catalogue is kept in one file per portal section (msg_*.go), each
// with its English and Russian tables; they are merged here once.
var en, ru = merge()

func merge() (map[string]string, map[string]string) {
	e, r := map[string]string{}, map[string]string{}
	for _, part := range [][2]map[string]string{
		{shellEN, shellRU},
		{listEN, listRU},
		{usersEN, usersRU},
		{trackersEN, trackersRU},
		{plansEN, plansRU},
		{plansFormEN, plansFormRU},
		{codesEN, codesRU},
		{bundlesEN, bundlesRU},
		{reportsEN, reportsRU},
		{activationEN, activationRU},
		{settingsEN, settingsRU},
		{menusEN, menusRU},
		{resellersEN, resellersRU},
		{searchEN, searchRU},
	} {
		maps.Copy(e, part[0])
		maps.Copy(r, part[1])
	}
	return e, r
}
