package panelsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

var userActions = []string{
	"user/list", "user/read", "user/create", "user/update", "user/change_password", "user/corrupt",
	"user/session/create", "user/transaction/list", "user/transaction/change_balance", "user/export",
	"user/upload", "user/mfa/settings/update", "user/mfa/settings/default/read", "user/mfa/settings/default/update",
}

func TestUserActionsRegistered(t *testing.T) {
	got := New(smallSeed).Actions()
	for _, name := range userActions {
		if !slices.Contains(got, name) {
			t.Errorf("%s not registered", name)
		}
	}
}

// Who may call what: the permission check runs before the parameters are
// read, so an empty body tells "not permitted" (13, HTTP 403) from
// "permitted" (anything else).
func TestUserPermissions(t *testing.T) {
	s := New(smallSeed)
	hashes := map[string]string{
		"admin": login(t, s, "admin", "admin"), "tech": login(t, s, "tech", "tech"), "viewer": login(t, s, "viewer", "viewer"),
	}
	// allowed lists the accounts that may call each action.
	allowed := map[string][]string{
		"user/list":                        {"admin", "tech", "viewer"},
		"user/read":                        {"admin", "tech", "viewer"},
		"user/export":                      {"admin", "tech", "viewer"},
		"user/transaction/list":            {"admin", "tech", "viewer"},
		"user/mfa/settings/default/read":   {"admin", "tech", "viewer"},
		"user/create":                      {"admin", "tech"},
		"user/update":                      {"admin", "tech"},
		"user/change_password":             {"admin", "tech"},
		"user/session/create":              {"admin", "tech"},
		"user/transaction/change_balance":  {"admin", "tech"},
		"user/upload":                      {"admin", "tech"},
		"user/mfa/settings/update":         {"admin", "tech"},
		"user/mfa/settings/default/update": {"admin", "tech"},
		"user/corrupt":                     {"admin"}, // tech lacks users: corrupt
	}
	for _, action := range userActions {
		for _, who := range []string{"admin", "tech", "viewer"} {
			t.Run(action+" as "+who, func(t *testing.T) {
				// An invalid user id keeps permitted calls from changing
				// anything; user/export answers a file when permitted.
				rec := httptestRecorder(s, request{path: action, json: `{"user_id":0}`, header: bearer(hashes[who])}.build(t))
				if slices.Contains(allowed[action], who) {
					if rec.Code == http.StatusForbidden {
						t.Fatalf("%s may call %s: %s", who, action, rec.Body)
					}
					return
				}
				wantError(t, decode(t, rec), codeNotPermitted, http.StatusForbidden)
			})
		}
	}
}

// DESIGN.md: the markdown's required permissions of user/create are
// `[users: "corrupt", "global"]`, but the official console gates creation
// on users: create and employees (tech) may add users. The emulator
// requires users: create, and corrupt+global alone is not enough.
func TestUserCreateNeedsUsersCreateNotTheMarkdownsCorruptGlobal(t *testing.T) {
	s := New(smallSeed)
	s.AddAccount("markdown", "markdown", map[string][]string{"users": {"corrupt", "global", "read"}})
	s.AddAccount("creator", "creator", map[string][]string{"users": {"create"}})
	wantError(t, userCall(t, s, login(t, s, "markdown", "markdown"), "user/create", createBody(t, "md@example.com", legalIndividual, nil)),
		codeNotPermitted, http.StatusForbidden)
	createUser(t, s, login(t, s, "creator", "creator"), createBody(t, "creator@example.com", legalIndividual, nil))
	createUser(t, s, login(t, s, "tech", "tech"), createBody(t, "tech-made@example.com", legalIndividual, nil))
}

func listIDs(t *testing.T, res result) []int {
	t.Helper()
	wantUserOK(t, res)
	list, ok := res.obj["list"].([]any)
	if !ok {
		t.Fatalf("no list: %s", res.body)
	}
	ids := make([]int, len(list))
	for i, u := range list {
		ids[i] = int(userNum(u.(map[string]any)["id"]))
	}
	return ids
}

func TestUserList(t *testing.T) {
	s := New(smallSeed)
	hash := login(t, s, "viewer", "viewer")
	list := func(body string) result { return userCall(t, s, hash, "user/list", body) }

	res := list(`{}`)
	ids := listIDs(t, res)
	if len(ids) != 60 || userNum(res.obj["count"]) != 60 || !slices.IsSorted(ids) || ids[0] != 1 {
		t.Fatalf("default list: %d users, count %v", len(ids), res.obj["count"])
	}
	first := res.obj["list"].([]any)[0].(map[string]any)
	if first["first_name"] != "<script>alert(1)</script>" || first["dealer_id"] != float64(dealerID) {
		t.Errorf("user 1 not as seeded: %v", first)
	}

	// Paging: count ignores limit and offset; limit 0 is an empty page.
	res = list(`{"limit":5,"offset":10}`)
	if got := listIDs(t, res); !slices.Equal(got, []int{11, 12, 13, 14, 15}) || userNum(res.obj["count"]) != 60 {
		t.Errorf("page: %v count %v", got, res.obj["count"])
	}
	res = list(`{"limit":0}`)
	if got := listIDs(t, res); len(got) != 0 || userNum(res.obj["count"]) != 60 || !strings.Contains(string(res.body), `"list":[]`) {
		t.Errorf("limit 0: %s", res.body)
	}
	if got := listIDs(t, list(`{"offset":100}`)); len(got) != 0 {
		t.Errorf("offset past the end: %v", got)
	}

	// The filter: case-insensitive, over the documented fields.
	st := s.Store()
	u7 := storeUser(t, s, 7)
	for _, tc := range []struct {
		name, filter string
		want         func(u User) bool
	}{
		{"login, upper case", strings.ToUpper(u7.Login[:len(u7.Login)-4]), func(u User) bool {
			return strings.Contains(strings.ToLower(u.Login), strings.ToLower(u7.Login[:len(u7.Login)-4]))
		}},
		{"Cyrillic, other case", "иван", func(u User) bool {
			return slices.ContainsFunc([]string{u.FirstName, u.LastName, u.MiddleName, u.LegalName, u.PostCity, u.PostStreetAddress},
				func(f string) bool { return strings.Contains(strings.ToLower(f), "иван") })
		}},
		{"id digits", "42", nil},
		{"city", "münchen", nil},
		{"legal name", "рога и копыта", func(u User) bool { return u.ID == 4 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := list(userJSON(t, map[string]any{"filter": tc.filter}))
			got := listIDs(t, res)
			if len(got) == 0 || int(userNum(res.obj["count"])) != len(got) {
				t.Fatalf("filter %q: %v count %v", tc.filter, got, res.obj["count"])
			}
			if tc.want != nil {
				var want []int
				for _, u := range st.Users(0, 0) {
					if tc.want(u) {
						want = append(want, u.ID)
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("filter %q: %v, want %v", tc.filter, got, want)
				}
			}
		})
	}
	if got := listIDs(t, list(`{"filter":"42"}`)); !slices.Contains(got, 42) {
		t.Error("filter on id missed user 42")
	}
	if got := listIDs(t, list(`{"filter":"   "}`)); len(got) != 60 {
		t.Errorf("a filter of spaces filtered: %d", len(got))
	}
	if got := listIDs(t, list(`{"filter":"no such user anywhere"}`)); len(got) != 0 {
		t.Errorf("nonsense filter: %v", got)
	}

	// hide_inactive.
	inactive := 0
	for _, u := range st.Users(0, 0) {
		if !u.Activated {
			inactive++
		}
	}
	res = list(`{"hide_inactive":true}`)
	if inactive == 0 || int(userNum(res.obj["count"])) != 60-inactive {
		t.Errorf("hide_inactive: count %v with %d inactive", res.obj["count"], inactive)
	}
	for _, u := range res.obj["list"].([]any) {
		if u.(map[string]any)["activated"] != true {
			t.Errorf("inactive user listed: %v", u)
		}
	}

	// Ordering, both ways, by every documented key and the console's extras.
	for _, key := range userOrderKeys {
		for _, asc := range []bool{true, false} {
			t.Run(fmt.Sprintf("order_by %s ascending %v", key, asc), func(t *testing.T) {
				res := list(userJSON(t, map[string]any{"order_by": key, "ascending": asc}))
				got := res.obj["list"].([]any)
				if len(got) != 60 {
					t.Fatalf("%d users", len(got))
				}
				for i := 1; i < len(got); i++ {
					c := compareUserKey(got[i-1].(map[string]any), got[i].(map[string]any), key)
					if !asc {
						c = -c
					}
					if c > 0 {
						t.Fatalf("%v before %v", got[i-1].(map[string]any)[key], got[i].(map[string]any)[key])
					}
				}
			})
		}
	}

	// Filter, order and page together.
	res = list(`{"filter":"example","order_by":"balance","ascending":false,"limit":3,"offset":1}`)
	got := res.obj["list"].([]any)
	if len(got) != 3 || userNum(got[0].(map[string]any)["balance"]) < userNum(got[2].(map[string]any)["balance"]) {
		t.Errorf("combined: %s", res.body)
	}

	// Bad parameters.
	wantInvalid(t, list(`{"order_by":"password"}`), "order_by")
	wantInvalid(t, list(`{"offset":-1,"limit":-5,"ascending":"maybe"}`), "offset", "limit", "ascending")
}

func compareUserKey(a, b map[string]any, key string) int {
	switch key {
	case "id", "balance", "bonus", "trackers_count":
		return int(userNum(a[key])*10000 - userNum(b[key])*10000)
	case "mfa_allowed":
		x, y := a[key] == true, b[key] == true
		switch {
		case x == y:
			return 0
		case x:
			return 1
		}
		return -1
	case "creation_date", "phone":
		return strings.Compare(a[key].(string), b[key].(string))
	}
	return compareFold(a[key].(string), b[key].(string))
}

func TestUserRead(t *testing.T) {
	s := New(smallSeed)
	hash := login(t, s, "viewer", "viewer")
	// A seeded user with a discount, given a default plan.
	var withDiscount User
	for _, u := range s.Store().Users(0, 0) {
		if u.Discount != nil {
			withDiscount = u
			break
		}
	}
	if withDiscount.ID == 0 {
		t.Fatal("seed has no user with a discount")
	}
	st := s.Store()
	st.mu.Lock()
	st.userLocked(withDiscount.ID).DefaultTariffID = ptr(planPremium)
	st.mu.Unlock()
	withDiscount = storeUser(t, s, withDiscount.ID)
	obj := readUser(t, s, hash, withDiscount.ID)
	for _, key := range []string{"value", "discount", "dealer_mfa_settings", "default_tariff_id", "block_parameters"} {
		if _, ok := obj[key]; !ok {
			t.Errorf("user/read lacks %q: %v", key, obj)
		}
	}
	value := obj["value"].(map[string]any)
	if int(userNum(value["id"])) != withDiscount.ID || value["login"] != withDiscount.Login {
		t.Errorf("value: %v", value)
	}
	d := obj["discount"].(map[string]any)
	for _, key := range []string{"value", "min_trackers", "end_date", "strategy"} {
		if _, ok := d[key]; !ok {
			t.Errorf("discount lacks %q: %v", key, d)
		}
	}
	if int(userNum(obj["default_tariff_id"])) != *withDiscount.DefaultTariffID {
		t.Errorf("default_tariff_id %v", obj["default_tariff_id"])
	}
	if mfa := obj["dealer_mfa_settings"].(map[string]any); mfa["type"] != withDiscount.MFA.Type {
		t.Errorf("dealer_mfa_settings %v", mfa)
	}

	// A user with no discount reads discount null.
	var plain User
	for _, u := range s.Store().Users(0, 0) {
		if u.Discount == nil {
			plain = u
			break
		}
	}
	if obj := readUser(t, s, hash, plain.ID); obj["discount"] != nil {
		t.Errorf("discount of user %d: %v", plain.ID, obj["discount"])
	}

	wantError(t, userCall(t, s, hash, "user/read", `{"user_id":999999}`), codeNotFound, http.StatusBadRequest)
	wantInvalid(t, userCall(t, s, hash, "user/read", `{}`), "user_id")
	wantInvalid(t, userCall(t, s, hash, "user/read", `{"user_id":-3}`), "user_id")
	// HTTP GET with the query string works too.
	res := do(t, s, request{method: http.MethodGet, path: "user/read", query: map[string][]string{"hash": {hash}, "user_id": {"5"}}})
	wantUserOK(t, res)
}

func TestUserCreate(t *testing.T) {
	clock := newFakeClock()
	s := New(smallSeed, WithClock(clock.Now))
	hash := login(t, s, "tech", "tech")

	id := createUser(t, s, hash, createBody(t, "New.Customer@Example.com", legalLegalEntity, nil))
	if id != 61 {
		t.Errorf("new id %d, want 61", id)
	}
	obj := readUser(t, s, hash, id)
	v := obj["value"].(map[string]any)
	if v["login"] != "New.Customer@Example.com" || v["legal_name"] != "ABC Inc." || v["iec"] != "773101001" ||
		v["activated"] != true || v["verified"] != true || v["comment"] != "about user" || v["balance"] != 0.0 ||
		v["creation_date"] != "2026-11-27 09:00:00" || v["dealer_id"] != float64(dealerID) || v["trackers_count"] != 0.0 {
		t.Errorf("created user: %v", v)
	}
	if d := obj["discount"].(map[string]any); d["value"] != 5.5 || d["min_trackers"] != 10.0 || d["end_date"] != nil || d["strategy"] != "sum_with_progressive" {
		t.Errorf("discount: %v", d)
	}
	if m := obj["dealer_mfa_settings"].(map[string]any); m["type"] != "disallowed" {
		t.Errorf("MFA of a new user: %v", m)
	}
	u := storeUser(t, s, id)
	if u.Password != "Hh6FXTt%E!Rx*%f3" || u.TimeZone != "America/Los_Angeles" || u.Locale != "en_US" {
		t.Errorf("settings: %q %q %q", u.Password, u.TimeZone, u.Locale)
	}
	if got := listIDs(t, userCall(t, s, hash, "user/list", `{"filter":"new.customer"}`)); !slices.Equal(got, []int{id}) {
		t.Errorf("new user not listed: %v", got)
	}

	// verified follows activated when not sent; an individual keeps no legal fields.
	id = createUser(t, s, hash, createBody(t, "solo@example.com", legalIndividual, func(top, user map[string]any) {
		user["activated"] = false
		user["legal_name"], user["tin"], user["registered_city"] = "Ignored Ltd", "123", "Nowhere"
		user["dealer_mfa_settings"] = map[string]any{"type": "allowed", "factor_types": []string{"email"}}
		delete(top, "discount")
		delete(top, "comment")
	}))
	v = readUser(t, s, hash, id)["value"].(map[string]any)
	if v["activated"] != false || v["verified"] != false || v["legal_name"] != "" || v["tin"] != "" ||
		v["registered_city"] != "" || v["mfa_allowed"] != true || v["comment"] != "" {
		t.Errorf("individual: %v", v)
	}

	// 206: the login is taken, whatever its case.
	wantError(t, userCall(t, s, hash, "user/create", createBody(t, "NEW.customer@example.COM", legalIndividual, nil)),
		codeLoginInUse, http.StatusBadRequest)
	seeded := storeUser(t, s, 20)
	wantError(t, userCall(t, s, hash, "user/create", createBody(t, seeded.Login, legalIndividual, nil)), codeLoginInUse, http.StatusBadRequest)
	// Validation comes first: an invalid form with a taken login is 7.
	wantInvalid(t, userCall(t, s, hash, "user/create", createBody(t, seeded.Login, legalIndividual, func(_, u map[string]any) { u["phone"] = "12" })), "user.phone")
}

func TestUserCreateValidation(t *testing.T) {
	s := New(smallSeed)
	hash := login(t, s, "admin", "admin")
	tests := []struct {
		name      string
		legalType string
		edit      func(top, user map[string]any)
		want      []string
	}{
		{"no user", legalIndividual, func(top, _ map[string]any) { delete(top, "user") }, []string{"user"}},
		{"user not an object", legalIndividual, func(top, _ map[string]any) { top["user"] = "john" }, []string{"user"}},
		{"missing top-level settings", legalIndividual, func(top, _ map[string]any) {
			delete(top, "password")
			delete(top, "locale")
			delete(top, "time_zone")
		}, []string{"password", "locale", "time_zone"}},
		{"bad locale and zone", legalIndividual, func(top, _ map[string]any) { top["locale"], top["time_zone"] = "english", "Mars/Olympus" },
			[]string{"locale", "time_zone"}},
		{"login not an email", legalIndividual, func(_, u map[string]any) { u["login"] = "john.smith" }, []string{"user.login"}},
		{"login with a space", legalIndividual, func(_, u map[string]any) { u["login"] = "john smith@example.com" }, []string{"user.login"}},
		{"login missing", legalIndividual, func(_, u map[string]any) { delete(u, "login") }, []string{"user.login"}},
		{"legal_type unknown", legalIndividual, func(_, u map[string]any) { u["legal_type"] = "company" }, []string{"user.legal_type"}},
		{"legal_type missing", legalIndividual, func(_, u map[string]any) { delete(u, "legal_type") }, []string{"user.legal_type"}},
		{"names blank", legalIndividual, func(_, u map[string]any) { u["first_name"], u["last_name"] = " ", "" },
			[]string{"user.first_name", "user.last_name"}},
		{"name with markup", legalIndividual, func(_, u map[string]any) { u["first_name"] = "<script>x</script>" }, []string{"user.first_name"}},
		{"name too long", legalIndividual, func(_, u map[string]any) { u["last_name"] = strings.Repeat("a", 101) }, []string{"user.last_name"}},
		{"phone too short", legalIndividual, func(_, u map[string]any) { u["phone"] = "123456789" }, []string{"user.phone"}},
		{"phone too long", legalIndividual, func(_, u map[string]any) { u["phone"] = "1234567890123456" }, []string{"user.phone"}},
		{"phone with plus", legalIndividual, func(_, u map[string]any) { u["phone"] = "+12135551234" }, []string{"user.phone"}},
		{"phone empty is fine", legalIndividual, func(_, u map[string]any) { u["phone"] = "" }, nil},
		{"phone as a number is fine", legalIndividual, func(_, u map[string]any) { u["phone"] = 2135551234 }, nil},
		{"individual without postal keys", legalIndividual, func(_, u map[string]any) {
			delete(u, "post_city")
			delete(u, "middle_name")
		}, []string{"user.post_city", "user.middle_name"}},
		{"individual with empty postal fields", legalIndividual, func(_, u map[string]any) {
			u["post_city"], u["post_country"], u["post_region"], u["post_street_address"], u["post_index"] = "", "", "", "", ""
		}, nil},
		{"sole trader with empty postal fields", legalSoleTrader, func(_, u map[string]any) { u["post_city"], u["post_index"] = "", "" },
			[]string{"user.post_city", "user.post_index"}},
		{"sole trader without registration", legalSoleTrader, func(_, u map[string]any) {
			delete(u, "registered_country")
			u["registered_city"] = ""
			delete(u, "tin")
		}, []string{"user.registered_country", "user.registered_city", "user.tin"}},
		{"sole trader needs no legal name", legalSoleTrader, nil, nil},
		{"legal entity without legal name", legalLegalEntity, func(_, u map[string]any) { u["legal_name"] = "" }, []string{"user.legal_name"}},
		{"legal entity without iec key", legalLegalEntity, func(_, u map[string]any) { delete(u, "iec") }, []string{"user.iec"}},
		{"legal entity, empty iec is fine", legalLegalEntity, func(_, u map[string]any) { u["iec"] = "" }, nil},
		{"state_reg_num letters, okpo short", legalLegalEntity, func(_, u map[string]any) { u["state_reg_num"], u["okpo_code"] = "12-3456789", "123" },
			[]string{"user.state_reg_num", "user.okpo_code"}},
		{"state_reg_num too long", legalSoleTrader, func(_, u map[string]any) { u["state_reg_num"] = "1234567890123456" }, []string{"user.state_reg_num"}},
		{"activated not a boolean", legalIndividual, func(_, u map[string]any) { u["activated"] = "perhaps" }, []string{"user.activated"}},
		{"MFA allowed without factors", legalIndividual, func(_, u map[string]any) {
			u["dealer_mfa_settings"] = map[string]any{"type": "allowed"}
		}, []string{"user.dealer_mfa_settings.factor_types"}},
		{"comment too long", legalIndividual, func(top, _ map[string]any) { top["comment"] = strings.Repeat("x", 256) }, []string{"comment"}},
		{"comment 255 characters", legalIndividual, func(top, _ map[string]any) { top["comment"] = strings.Repeat("ж", 255) }, nil},
		{"comment with a newline", legalIndividual, func(top, _ map[string]any) { top["comment"] = "line one\nline two" }, []string{"comment"}},
		{"discount out of range", legalIndividual, func(top, _ map[string]any) {
			top["discount"] = map[string]any{"value": 100.5, "min_trackers": -1, "end_date": "soon", "strategy": "greedy"}
		}, []string{"discount.value", "discount.min_trackers", "discount.end_date", "discount.strategy"}},
		{"discount without value", legalIndividual, func(top, _ map[string]any) { top["discount"] = map[string]any{"min_trackers": 1} },
			[]string{"discount.value"}},
		{"discount bounds", legalIndividual, func(top, _ map[string]any) {
			top["discount"] = map[string]any{"value": 100, "min_trackers": 0, "end_date": "2027-01-31", "strategy": "no_summing"}
		}, nil},
		{"unknown default plan", legalIndividual, func(top, _ map[string]any) { top["default_tariff_id"] = 999 }, []string{"default_tariff_id"}},
		{"known default plan", legalIndividual, func(top, _ map[string]any) { top["default_tariff_id"] = planPremium }, nil},
		{"every problem at once", legalLegalEntity, func(top, u map[string]any) {
			u["login"], u["phone"], u["legal_name"] = "x", "abc", ""
			top["password"], top["comment"] = "short", "tab\there"
		}, []string{"user.login", "user.phone", "user.legal_name", "password", "comment"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := createBody(t, fmt.Sprintf("valid%d@example.com", i), tc.legalType, tc.edit)
			res := userCall(t, s, hash, "user/create", body)
			if tc.want == nil {
				wantUserOK(t, res)
				return
			}
			wantInvalid(t, res, tc.want...)
		})
	}
}

// password-requirements.md: 12 to 20 characters with an uppercase letter,
// a lowercase letter, a digit and one of !@#$%^&*.
func TestUserPasswordRules(t *testing.T) {
	s := New(smallSeed)
	hash := login(t, s, "admin", "admin")
	for i, tc := range []struct {
		password string
		ok       bool
	}{
		{"Hh6FXTt%E!Rx*%f3", true},
		{"Abcdefghij1!", true},         // 12
		{"Abcdefghij1!Abcdefgh", true}, // 20
		{"Abcdefgh1!", false},          // 10
		{"Abcdefghij1!Abcdefghi", false},
		{"abcdefghij1!", false}, // no uppercase
		{"ABCDEFGHIJ1!", false}, // no lowercase
		{"Abcdefghijk!", false}, // no digit
		{"Abcdefghijk1", false}, // no special character
		{"Abcdefghij1-", false}, // '-' is not one of the special characters
		{"Abcdéfghij1!", false}, // not printable ASCII
		{"", false},
	} {
		t.Run(tc.password, func(t *testing.T) {
			res := userCall(t, s, hash, "user/create", createBody(t, fmt.Sprintf("pw%d@example.com", i), legalIndividual,
				func(top, _ map[string]any) { top["password"] = tc.password }))
			if tc.ok {
				wantUserOK(t, res)
			} else {
				wantInvalid(t, res, "password")
			}
		})
	}
}

func TestUserUpdate(t *testing.T) {
	s := New(smallSeed)
	hash := login(t, s, "tech", "tech")
	id := createUser(t, s, hash, createBody(t, "firm@example.com", legalLegalEntity, nil))
	update := func(edit func(top, user map[string]any)) result {
		user := newUserFields("firm@example.com", legalLegalEntity)
		user["id"] = id
		top := map[string]any{"user": user}
		if edit != nil {
			edit(top, user)
		}
		return userCall(t, s, hash, "user/update", userJSON(t, top))
	}

	// Happy path: fields change, the legal type does not, unsent settings stay.
	wantUserOK(t, update(func(top, u map[string]any) {
		u["first_name"], u["login"], u["legal_type"], u["activated"] = "Jane", "Firm.Renamed@example.com", legalIndividual, false
		u["verified"] = true
	}))
	obj := readUser(t, s, hash, id)
	v := obj["value"].(map[string]any)
	if v["first_name"] != "Jane" || v["login"] != "Firm.Renamed@example.com" || v["legal_type"] != legalLegalEntity ||
		v["legal_name"] != "ABC Inc." || v["activated"] != false || v["verified"] != true || v["comment"] != "about user" {
		t.Errorf("after update: %v", v)
	}
	if obj["discount"] == nil {
		t.Error("discount lost although not sent")
	}
	if got := listIDs(t, userCall(t, s, hash, "user/list", `{"filter":"firm.renamed"}`)); !slices.Equal(got, []int{id}) {
		t.Errorf("renamed login not found: %v", got)
	}
	wantUserOK(t, update(func(_, u map[string]any) { u["login"] = "firm@example.com" })) // the old login is free again

	// The legal type stays, so its rules still apply: a legal entity needs its legal name.
	wantInvalid(t, update(func(_, u map[string]any) { u["legal_type"], u["legal_name"] = legalIndividual, "" }), "user.legal_name")

	// Explicit nulls clear the discount and the default plan; a new comment replaces the old.
	wantUserOK(t, update(func(top, _ map[string]any) {
		top["discount"], top["default_tariff_id"], top["comment"] = nil, nil, "new note"
	}))
	obj = readUser(t, s, hash, id)
	if obj["discount"] != nil || obj["default_tariff_id"] != nil || obj["value"].(map[string]any)["comment"] != "new note" {
		t.Errorf("after clearing: %v", obj)
	}
	// verified follows activated when not sent.
	wantUserOK(t, update(func(_, u map[string]any) { u["activated"] = true }))
	if v := readUser(t, s, hash, id)["value"].(map[string]any); v["verified"] != true || v["activated"] != true {
		t.Errorf("verified %v", v["verified"])
	}

	// Errors.
	wantInvalid(t, update(func(_, u map[string]any) { delete(u, "id"); delete(u, "activated") }), "user.id", "user.activated")
	wantInvalid(t, update(func(_, u map[string]any) { u["legal_type"] = "company" }), "user.legal_type")
	wantInvalid(t, update(func(_, u map[string]any) { u["phone"], u["post_city"] = "1", "" }), "user.phone", "user.post_city")
	wantInvalid(t, update(func(top, _ map[string]any) { top["comment"] = strings.Repeat("y", 300) }), "comment")
	wantError(t, update(func(_, u map[string]any) { u["id"] = 99999 }), codeNotFound, http.StatusBadRequest)
	wantError(t, update(func(_, u map[string]any) { u["login"] = strings.ToUpper(storeUser(t, s, 3).Login) }), codeLoginInUse, http.StatusBadRequest)
	wantInvalid(t, userCall(t, s, hash, "user/update", `{}`), "user")
}

func TestUserChangePassword(t *testing.T) {
	s := New(smallSeed)
	hash := login(t, s, "tech", "tech")
	change := func(id int, pw string) result {
		return userCall(t, s, hash, "user/change_password", userJSON(t, map[string]any{"user_id": id, "password": pw}))
	}
	wantUserOK(t, change(5, "Fresh#Pass2026"))
	if u := storeUser(t, s, 5); u.Password != "Fresh#Pass2026" {
		t.Fatalf("password %q", u.Password)
	}
	// The current password and the last ten may not be reused.
	wantInvalid(t, change(5, "Fresh#Pass2026"), "password")
	wantInvalid(t, change(5, "Demo#Pass1005"), "password") // the seeded one
	for i := range 9 {
		wantUserOK(t, change(5, fmt.Sprintf("Rotate#Pass%03d", i)))
	}
	wantInvalid(t, change(5, "Fresh#Pass2026"), "password")
	res := change(5, "Fresh#Pass2026")
	if errs := res.obj["errors"].([]any); errs[0].(map[string]any)["error"] != msgRecentlyPwd {
		t.Errorf("message: %s", res.body)
	}
	wantUserOK(t, change(5, "Rotate#Pass009"))
	wantUserOK(t, change(5, "Demo#Pass1005")) // eleven passwords ago

	wantInvalid(t, change(5, "weak"), "password")
	wantError(t, change(9999, "Fresh#Pass2027"), codeNotFound, http.StatusBadRequest)
	wantInvalid(t, userCall(t, s, hash, "user/change_password", `{}`), "user_id", "password")
}

// corruptCandidates finds, in the seed, a user with no corrupted device
// who owns a device another user holds a live clone of, and another user
// whose device it corrupts (as tracker/corrupt would).
func corruptCandidates(t *testing.T, s *Server) (withClones, withCorrupted int) {
	t.Helper()
	st := s.Store()
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, u := range st.users {
		owned := st.trackersOfLocked(u.ID)
		corrupted, cloned := false, false
		for _, tr := range owned {
			corrupted = corrupted || tr.Source.Corrupted
			if !tr.Clone {
				for _, h := range st.clonesOfLocked(tr) {
					cloned = cloned || (h.UserID != u.ID && !h.Deleted)
				}
			}
		}
		switch {
		case cloned && !corrupted && withClones == 0:
			withClones = u.ID
		case withCorrupted == 0 && len(owned) > 0 && !owned[0].Clone && len(st.clonesOfLocked(owned[0])) == 0:
			owned[0].Source.Corrupted = true
			withCorrupted = u.ID
		}
	}
	if withClones == 0 || withCorrupted == 0 {
		t.Fatalf("seed lacks corrupt candidates: %d %d", withClones, withCorrupted)
	}
	return withClones, withCorrupted
}

func TestUserCorrupt(t *testing.T) {
	s := New(smallSeed)
	admin := login(t, s, "admin", "admin")
	target, broken := corruptCandidates(t, s)
	u := storeUser(t, s, target)
	corrupt := func(hash string, body map[string]any) result {
		return userCall(t, s, hash, "user/corrupt", userJSON(t, body))
	}

	// tech may not corrupt users (no users: corrupt).
	wantError(t, corrupt(login(t, s, "tech", "tech"), map[string]any{"user_id": target, "login": u.Login}), codeNotPermitted, http.StatusForbidden)
	// The login is required and must match.
	wantInvalid(t, corrupt(admin, map[string]any{"user_id": target}), "login")
	wantInvalid(t, corrupt(admin, map[string]any{"user_id": target, "login": "someone.else@example.com"}), "login")
	// 253: a clone held by another user, and corrupt_clones false.
	wantError(t, corrupt(admin, map[string]any{"user_id": target, "login": u.Login, "corrupt_clones": false}),
		codeDeviceHasClones, http.StatusBadRequest)
	// 252: a device already corrupted.
	wantError(t, corrupt(admin, map[string]any{"user_id": broken, "login": storeUser(t, s, broken).Login}),
		codeDeviceCorrupted, http.StatusBadRequest)
	wantError(t, corrupt(admin, map[string]any{"user_id": 99999, "login": "x@example.com"}), codeNotFound, http.StatusBadRequest)
	if _, ok := s.Store().User(target); !ok {
		t.Fatal("a failed corrupt removed the user")
	}

	// Success (login compared ignoring case; corrupt_clones defaults to true).
	sess := userCall(t, s, admin, "user/session/create", userJSON(t, map[string]any{"user_id": target}))
	wantUserOK(t, corrupt(admin, map[string]any{"user_id": target, "login": strings.ToUpper(u.Login)}))
	wantError(t, userCall(t, s, admin, "user/read", userJSON(t, map[string]any{"user_id": target})), codeNotFound, http.StatusBadRequest)
	if ids := listIDs(t, userCall(t, s, admin, "user/list", `{}`)); slices.Contains(ids, target) || len(ids) != 59 {
		t.Errorf("corrupted user still listed (%d users)", len(ids))
	}
	st := s.Store()
	st.mu.RLock()
	for _, tr := range st.trackersOfLocked(target) {
		if !tr.Deleted {
			t.Errorf("tracker %d not deleted", tr.ID)
		}
		if !tr.Clone {
			if !tr.Source.Corrupted {
				t.Errorf("device of tracker %d not corrupted", tr.ID)
			}
			for _, h := range st.clonesOfLocked(tr) {
				if !h.Deleted {
					t.Errorf("clone %d of tracker %d survives", h.ID, tr.ID)
				}
			}
		}
	}
	_, sessionLives := st.userSessionLocked(sess.obj["hash"].(string))
	st.mu.RUnlock()
	if sessionLives {
		t.Error("the corrupted user's session survives")
	}
	wantError(t, corrupt(admin, map[string]any{"user_id": target, "login": u.Login}), codeNotFound, http.StatusBadRequest)
}

func TestUserCorruptWithoutClones(t *testing.T) {
	s := New(smallSeed)
	admin := login(t, s, "admin", "admin")
	id := createUser(t, s, admin, createBody(t, "lonely@example.com", legalIndividual, nil))
	// A user with no trackers may be corrupted with corrupt_clones false.
	wantUserOK(t, userCall(t, s, admin, "user/corrupt", `{"user_id":`+fmt.Sprint(id)+`,"login":"lonely@example.com","corrupt_clones":false}`))
	// The login may then be used again.
	createUser(t, s, admin, createBody(t, "lonely@example.com", legalIndividual, nil))
}

func TestUserSessionCreate(t *testing.T) {
	clock := newFakeClock()
	s := New(smallSeed, WithClock(clock.Now))
	hash := login(t, s, "tech", "tech")
	res := userCall(t, s, hash, "user/session/create", `{"user_id":7}`)
	wantUserOK(t, res)
	userHash, _ := res.obj["hash"].(string)
	if !wellFormedHash(userHash) {
		t.Fatalf("hash %q", userHash)
	}
	st := s.Store()
	st.mu.RLock()
	us, ok := st.userSessionLocked(userHash)
	st.mu.RUnlock()
	if !ok || us.userID != 7 || !us.created.Equal(clock.Now()) {
		t.Errorf("session %+v %v", us, ok)
	}
	// It is a user session, not a Panel session.
	wantError(t, userCall(t, s, userHash, "user/list", `{}`), codeSessionEnded, http.StatusBadRequest)
	again := userCall(t, s, hash, "user/session/create", `{"user_id":7}`)
	if again.obj["hash"] == userHash {
		t.Error("two sessions share a hash")
	}
	wantError(t, userCall(t, s, hash, "user/session/create", `{"user_id":4242}`), codeNotFound, http.StatusBadRequest)
	wantInvalid(t, userCall(t, s, hash, "user/session/create", `{}`), "user_id")
}

func TestUserMFASettings(t *testing.T) {
	s := New(smallSeed)
	tech := login(t, s, "tech", "tech")
	readDefault := func() any {
		res := userCall(t, s, login(t, s, "viewer", "viewer"), "user/mfa/settings/default/read", ``)
		wantUserOK(t, res)
		v, ok := res.obj["value"]
		if !ok {
			t.Fatalf("no value: %s", res.body)
		}
		return v
	}
	if v := readDefault(); v != nil {
		t.Fatalf("a default before any was set: %v", v)
	}
	wantUserOK(t, userCall(t, s, tech, "user/mfa/settings/default/update", `{"settings":{"type":"allowed","factor_types":["email"]}}`))
	if v := readDefault().(map[string]any); v["type"] != "allowed" || v["factor_types"].([]any)[0] != "email" {
		t.Errorf("default: %v", v)
	}
	// New users get the default; existing ones keep theirs.
	before := storeUser(t, s, 3).MFA.Type
	id := createUser(t, s, tech, createBody(t, "mfa@example.com", legalIndividual, nil))
	if m := readUser(t, s, tech, id)["dealer_mfa_settings"].(map[string]any); m["type"] != "allowed" {
		t.Errorf("new user MFA %v", m)
	}
	if storeUser(t, s, 3).MFA.Type != before {
		t.Error("the default changed an existing user")
	}
	wantUserOK(t, userCall(t, s, tech, "user/mfa/settings/default/update", `{"settings":{"type":"disallowed"}}`))
	if v := readDefault().(map[string]any); v["type"] != "disallowed" || v["factor_types"] != nil {
		t.Errorf("default: %v", v)
	}

	// Selected users, then everyone.
	wantUserOK(t, userCall(t, s, tech, "user/mfa/settings/update", `{"target":{"type":"selected","ids":[3,4]},"settings":{"type":"allowed","factor_types":["email"]}}`))
	for _, id := range []int{3, 4} {
		if v := readUser(t, s, tech, id); v["dealer_mfa_settings"].(map[string]any)["type"] != "allowed" || v["value"].(map[string]any)["mfa_allowed"] != true {
			t.Errorf("user %d: %v", id, v["dealer_mfa_settings"])
		}
	}
	wantUserOK(t, userCall(t, s, tech, "user/mfa/settings/update", `{"target":{"type":"all"},"settings":{"type":"disallowed"}}`))
	for _, u := range s.Store().Users(0, 0) {
		if u.MFA.Type != "disallowed" {
			t.Fatalf("user %d still %s", u.ID, u.MFA.Type)
		}
	}
	// The official console's form encoding: JSON in form fields.
	wantUserOK(t, do(t, s, request{path: "user/mfa/settings/update", header: bearer(tech), form: map[string][]string{
		"target": {`{"type":"selected","ids":[5]}`}, "settings": {`{"type":"allowed","factor_types":["email"]}`}}}))
	if storeUser(t, s, 5).MFA.Type != "allowed" {
		t.Error("form-encoded update ignored")
	}

	// Errors: nothing changes.
	wantError(t, userCall(t, s, tech, "user/mfa/settings/update", `{"target":{"type":"selected","ids":[6,99999]},"settings":{"type":"allowed","factor_types":["email"]}}`),
		codeNotFound, http.StatusBadRequest)
	if storeUser(t, s, 6).MFA.Type != "disallowed" {
		t.Error("a failed update changed user 6")
	}
	tooMany := make([]int, 101)
	for i := range tooMany {
		tooMany[i] = i + 1
	}
	for _, tc := range []struct {
		body string
		want []string
	}{
		{`{}`, []string{"target", "settings"}},
		{`{"target":{"type":"some"},"settings":{"type":"maybe"}}`, []string{"target.type", "settings.type"}},
		{`{"target":{"type":"selected"},"settings":{"type":"allowed"}}`, []string{"target.ids", "settings.factor_types"}},
		{`{"target":{"type":"selected","ids":[]},"settings":{"type":"allowed","factor_types":[]}}`, []string{"target.ids", "settings.factor_types"}},
		{userJSON(t, map[string]any{"target": map[string]any{"type": "selected", "ids": tooMany}, "settings": map[string]any{"type": "disallowed"}}), []string{"target.ids"}},
		{`{"target":{"type":"all"},"settings":{"type":"allowed","factor_types":["sms"]}}`, []string{"settings.factor_types"}},
	} {
		wantInvalid(t, userCall(t, s, tech, "user/mfa/settings/update", tc.body), tc.want...)
	}
	wantInvalid(t, userCall(t, s, tech, "user/mfa/settings/default/update", `{}`), "settings")
	wantInvalid(t, userCall(t, s, tech, "user/mfa/settings/default/update", `{"settings":{"type":"allowed"}}`), "settings.factor_types")
}

// The user list stays fast at 100,000 users: the filter allocates nothing
// per user, and only the matches are sorted.
func TestUserListLarge(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("large seed skipped in -short and -race runs")
	}
	s := New(WithSeed(SeedConfig{Users: 100000, Trackers: 300000}))
	hash := login(t, s, "admin", "admin")
	for _, body := range []string{
		`{"limit":50}`,
		`{"filter":"smith","order_by":"last_name","limit":50}`,
		`{"filter":"иван","order_by":"balance","ascending":false,"limit":50,"offset":100}`,
		`{"order_by":"login","limit":50}`,
		`{"order_by":"trackers_count","ascending":false,"limit":50,"hide_inactive":true}`,
		`{"filter":"1234","limit":50}`,
	} {
		start := time.Now()
		res := userCall(t, s, hash, "user/list", body)
		took := time.Since(start)
		wantUserOK(t, res)
		t.Logf("%s: count %v in %s", body, res.obj["count"], took)
		if took > 3*time.Second { // generous: CI machines are shared
			t.Errorf("%s took %s", body, took)
		}
	}
	st := s.Store()
	st.mu.RLock()
	defer st.mu.RUnlock()
	// A search allocates a few things for the filter, none per user.
	for _, filter := range []string{"Nobody Matches This", "ЖЖЖЖ", "a"} {
		if allocs := testing.AllocsPerRun(3, func() { st.eachMatchLocked(filter, func(*User) {}) }); allocs > 16 {
			t.Errorf("filter %q allocates %v times per search of %d users", filter, allocs, len(st.users))
		}
	}
}

// The reply is valid JSON even for hostile stored values.
func TestUserListHostileValuesRoundTrip(t *testing.T) {
	s := New(smallSeed)
	res := userCall(t, s, login(t, s, "viewer", "viewer"), "user/list", `{"limit":10}`)
	var reply struct {
		List []User `json:"list"`
	}
	if err := json.Unmarshal(res.body, &reply); err != nil {
		t.Fatal(err)
	}
	if reply.List[7].Comment != "Line one\nLine two\r\n\tindented & <tagged>" {
		t.Errorf("comment of user 8: %q", reply.List[7].Comment)
	}
}

func BenchmarkUserList(b *testing.B) {
	st := seed(SeedConfig{Users: 100000, Trackers: 300000})
	for _, q := range []userQuery{
		{filter: "smith", orderBy: "id", ascending: true},
		{filter: "иван", orderBy: "balance"},
		{orderBy: "login", ascending: true},
		{orderBy: "trackers_count", hideInactive: true},
	} {
		b.Run(q.filter+" by "+q.orderBy, func(b *testing.B) {
			for b.Loop() {
				st.mu.RLock()
				st.selectUsersLocked(q)
				st.mu.RUnlock()
			}
		})
	}
}

func TestFilterFolding(t *testing.T) {
	for _, tc := range []struct {
		haystack, needle string
		want             bool
	}{
		{"John Smith", "SMITH", true},
		{"John Smith", "smyth", false},
		{"Müller", "mÜLL", true},
		{"İstanbul", "istanbul", true},
		{"istanbul", "İSTANBUL", true},
		{"Иванов", "иВАН", true},
		{"Иванов", "петр", false},
		{"Kelvin", "\u212aelvin", true}, // the Kelvin sign folds to k
		{"Straße", "STRASSE", false},    // no full case folding, as in SQL ILIKE
		{"abc", "", true},
		{"", "a", false},
		{"aaab", "aab", true},
	} {
		m := newUserMatcher(tc.needle)
		if got := m.matchText(appendFolded(nil, tc.haystack)); got != tc.want {
			t.Errorf("%q in %q: %v", tc.needle, tc.haystack, got)
		}
	}
	if compareFold("apple", "Banana") >= 0 || compareFold("Zeta", "alpha") <= 0 || compareFold("Éclair", "éclair") != 0 || compareFold("ab", "abc") >= 0 {
		t.Error("compareFold order")
	}
}
