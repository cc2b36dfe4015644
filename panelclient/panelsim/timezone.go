package panelsim

import (
	"slices"
	"strings"
)

func (s *Server) registerTimezoneActions() {
	s.register("timezone/list", public, s.timezoneList)
}

// timezoneList answers the supported time zones, ordered by zone_id, with
// descriptions in the requested locale: Russian for "ru"/"ru_RU", English
// for any other locale. No session is needed. `locale` is required, as the
// OpenAPI file marks it; a missing one is code 7.
func (s *Server) timezoneList(c *call) (any, error) {
	locale := c.params.string("locale")
	if err := c.params.err(); err != nil {
		return nil, err
	}
	// The table is fixed at seed time and never changes: no lock needed.
	return struct {
		List []TimeZone `json:"list"`
	}{localizedTimeZones(s.store.timezones, locale)}, nil
}

// localizedTimeZones copies the table with descriptions for locale.
func localizedTimeZones(zones []TimeZone, locale string) []TimeZone {
	russian := strings.HasPrefix(strings.ToLower(locale), "ru")
	out := make([]TimeZone, len(zones))
	for i, z := range zones {
		z.Description = z.English
		if russian {
			z.Description = z.Russian
		}
		z.AltIDs = slices.Clone(z.AltIDs)
		out[i] = z
	}
	return out
}

// timeZoneTable is the emulator's list of time zones: the zones the seeded
// customers live in plus the main zones of every continent, with
// fractional offsets (India, Nepal, Iran, Newfoundland, South Australia)
// and alternative ids. Like the platform, it only holds zones under the
// Africa, America, Asia, Atlantic, Australia, Europe, Indian and Pacific
// prefixes. Offsets are hours; dst_offset is 1 where the zone observes
// daylight saving time.
func timeZoneTable() []TimeZone {
	z := func(id, en, ru, country string, base float64, dst int, alt ...string) TimeZone {
		return TimeZone{ZoneID: id, English: en, Russian: ru, CountryCode: country, BaseOffset: base, DstOffset: dst, AltIDs: alt}
	}
	zones := []TimeZone{
		z("Africa/Cairo", "Cairo", "Каир", "EG", 2, 1, "Egypt"),
		z("Africa/Johannesburg", "Johannesburg", "Йоханнесбург", "ZA", 2, 0),
		z("Africa/Lagos", "Lagos", "Лагос", "NG", 1, 0),
		z("Africa/Nairobi", "Nairobi", "Найроби", "KE", 3, 0),
		z("America/Anchorage", "Anchorage", "Анкоридж", "US", -9, 1),
		z("America/Argentina/Buenos_Aires", "Buenos Aires", "Буэнос-Айрес", "AR", -3, 0, "America/Buenos_Aires"),
		z("America/Bogota", "Bogota", "Богота", "CO", -5, 0),
		z("America/Chicago", "Chicago", "Чикаго", "US", -6, 1, "US/Central"),
		z("America/Denver", "Denver", "Денвер", "US", -7, 1, "US/Mountain"),
		z("America/Halifax", "Halifax", "Галифакс", "CA", -4, 1),
		z("America/Lima", "Lima", "Лима", "PE", -5, 0),
		z("America/Los_Angeles", "Los Angeles", "Лос-Анджелес", "US", -8, 1, "US/Pacific"),
		z("America/Mexico_City", "Mexico City", "Мехико", "MX", -6, 0),
		z("America/New_York", "New York", "Нью-Йорк", "US", -5, 1, "US/Eastern"),
		z("America/Santiago", "Santiago", "Сантьяго", "CL", -4, 1),
		z("America/Sao_Paulo", "Sao Paulo", "Сан-Паулу", "BR", -3, 0, "Brazil/East"),
		z("America/St_Johns", "St. John's", "Сент-Джонс", "CA", -3.5, 1),
		z("America/Tijuana", "Tijuana", "Тихуана", "MX", -8, 1, "America/Ensenada", "America/Santa_Isabel"),
		z("America/Toronto", "Toronto", "Торонто", "CA", -5, 1),
		z("Asia/Almaty", "Almaty", "Алматы", "KZ", 5, 0),
		z("Asia/Bangkok", "Bangkok", "Бангкок", "TH", 7, 0),
		z("Asia/Dhaka", "Dhaka", "Дакка", "BD", 6, 0, "Asia/Dacca"),
		z("Asia/Dubai", "Dubai", "Дубай", "AE", 4, 0),
		z("Asia/Hong_Kong", "Hong Kong", "Гонконг", "HK", 8, 0),
		z("Asia/Jakarta", "Jakarta", "Джакарта", "ID", 7, 0),
		z("Asia/Karachi", "Karachi", "Карачи", "PK", 5, 0),
		z("Asia/Kathmandu", "Kathmandu", "Катманду", "NP", 5.75, 0, "Asia/Katmandu"),
		z("Asia/Kolkata", "Kolkata", "Калькутта", "IN", 5.5, 0, "Asia/Calcutta"),
		z("Asia/Riyadh", "Riyadh", "Эр-Рияд", "SA", 3, 0),
		z("Asia/Seoul", "Seoul", "Сеул", "KR", 9, 0),
		z("Asia/Shanghai", "Shanghai", "Шанхай", "CN", 8, 0, "Asia/Chongqing", "Asia/Harbin"),
		z("Asia/Singapore", "Singapore", "Сингапур", "SG", 8, 0),
		z("Asia/Tashkent", "Tashkent", "Ташкент", "UZ", 5, 0),
		z("Asia/Tehran", "Tehran", "Тегеран", "IR", 3.5, 0, "Iran"),
		z("Asia/Tokyo", "Tokyo", "Токио", "JP", 9, 0),
		z("Asia/Yekaterinburg", "Yekaterinburg", "Екатеринбург", "RU", 5, 0),
		z("Atlantic/Azores", "Azores", "Азорские острова", "PT", -1, 1),
		z("Atlantic/Reykjavik", "Reykjavik", "Рейкьявик", "IS", 0, 0),
		z("Australia/Adelaide", "Adelaide", "Аделаида", "AU", 9.5, 1, "Australia/South"),
		z("Australia/Perth", "Perth", "Перт", "AU", 8, 0, "Australia/West"),
		z("Australia/Sydney", "Sydney", "Сидней", "AU", 10, 1, "Australia/NSW", "Australia/ACT"),
		z("Europe/Amsterdam", "Amsterdam", "Амстердам", "NL", 1, 1),
		z("Europe/Athens", "Athens", "Афины", "GR", 2, 1),
		z("Europe/Berlin", "Berlin", "Берлин", "DE", 1, 1),
		z("Europe/Istanbul", "Istanbul", "Стамбул", "TR", 3, 0, "Asia/Istanbul", "Turkey"),
		z("Europe/Kyiv", "Kyiv", "Киев", "UA", 2, 1, "Europe/Kiev"),
		z("Europe/Lisbon", "Lisbon", "Лиссабон", "PT", 0, 1, "Portugal"),
		z("Europe/London", "London", "Лондон", "GB", 0, 1, "Europe/Belfast", "GB"),
		z("Europe/Madrid", "Madrid", "Мадрид", "ES", 1, 1),
		z("Europe/Minsk", "Minsk", "Минск", "BY", 3, 0),
		z("Europe/Moscow", "Moscow", "Москва", "RU", 3, 0, "W-SU"),
		z("Europe/Paris", "Paris", "Париж", "FR", 1, 1),
		z("Europe/Rome", "Rome", "Рим", "IT", 1, 1),
		z("Europe/Samara", "Samara", "Самара", "RU", 4, 0),
		z("Europe/Warsaw", "Warsaw", "Варшава", "PL", 1, 1, "Poland"),
		z("Indian/Maldives", "Maldives", "Мальдивы", "MV", 5, 0),
		z("Pacific/Auckland", "Auckland", "Окленд", "NZ", 12, 1, "NZ"),
		z("Pacific/Honolulu", "Honolulu", "Гонолулу", "US", -10, 0, "US/Hawaii"),
	}
	slices.SortFunc(zones, func(a, b TimeZone) int { return strings.Compare(a.ZoneID, b.ZoneID) })
	return zones
}
