package panelclient

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/navixy-portal/portal/panelclient/panelsim"
)

// fastDecodeSeeds are user/list answers and near misses: escapes, invalid
// UTF-8, nulls, duplicate and differently cased names, numbers at the edges
// of their types, and broken documents.
var fastDecodeSeeds = []string{
	`{"success":true,"list":[],"count":0}`,
	`{"success":true,"list":null,"count":3}`,
	`{"success":true,"list":[{"id":1,"login":"a@b.c","balance":1.5,"menu_preset_id":null},null],"count":2}`,
	`{"success":true,"list":[{"id":2,"menu_preset_id":4,"MENU_PRESET_ID":null}],"count":1}`,
	`{"list":[{"ID":7,"Login":"x","LOGIN":"y","first_name":"\u003cb\u003e","last_name":"Ünïcödé ✓"}],"count":1}`,
	`{"list":[{"login":"tab\tquote\" back\\ slash\/ \ud83d\ude00 \u00e9"}]}`,
	"{\"list\":[{\"login\":\"bad \xff utf8\"}]}",
	"{\"list\":[{\"login\":\"control \x01 char\"}]}",
	`{"list":[{"login":"lone \ud800 surrogate"}]}`,
	`{"list":[{"id":1.0}]}`,
	`{"list":[{"id":1e3}]}`,
	`{"list":[{"id":-0,"balance":-0.0e-0,"bonus":1E+308}]}`,
	`{"list":[{"balance":1e400}]}`,
	`{"list":[{"id":9223372036854775807}]}`,
	`{"list":[{"id":9223372036854775808}]}`,
	`{"list":[{"id":"1"}]}`,
	`{"list":[{"activated":1}]}`,
	`{"list":[{"activated":true,"verified":false,"mfa_allowed":null}]}`,
	`{"list":[{"login":"a"}],"list":[{"id":5}]}`,
	`{"list":[{"login":"a"},{"login":"b"}],"list":[{"id":5}]}`,
	`{"list":[{"extra":{"deep":[1,2,{"x":[true,false,null,"s"]}]},"id":3}]}`,
	`{"list":[{"extra":[01]}]}`,
	`{"list":[{"extra":-}]}`,
	`{"list":[{"extra":.5}]}`,
	`{"list":[{"extra":1.}]}`,
	`{"list":[{"extra":tru}]}`,
	`{"list":[{"extra":nulll}]}`,
	`{"list":[{"id":1,}]}`,
	`{"list":[{"id":1}],}`,
	`{"list":[{"id":1}]} x`,
	`{"list":[{"id":1}]}   `,
	`{"list":[{"id":1}]`,
	`{"list":[{"id" 1}]}`,
	`{"list":[{"id":1}{"id":2}]}`,
	`{"list":{"id":1}}`,
	`{"list":[{"login":"unterminated}]}`,
	`{"list":[{"login":"bad escape \x"}]}`,
	`{"count":"many"}`,
	`{"count":null,"list":[]}`,
	` {"ſuccess":true, "Count" : 4 , "list" : [ { "iD" : 1 } ] } `,
	`null`,
	`{}`,
	`{"list":[[]]}`,
	`{"list":[{"menu_preset_id":"3"}]}`,
	// The members in the Panel's order (read by one comparison each), then
	// out of order, spelled with an escape, with space before the colon,
	// cased differently, repeated, unknown, and cut off after a name.
	`{"list":[{"id":1,"dealer_id":2,"login":"l","activated":true,"verified":true,"phone_verified":false,"legal_type":"individual","first_name":"f","middle_name":"m","last_name":"n","legal_name":"","phone":"1","post_country":"c","post_index":"i","post_region":"r","post_city":"c","post_street_address":"s","registered_country":"","registered_index":"","registered_region":"","registered_city":"","registered_street_address":"","state_reg_num":"","tin":"","okpo_code":"","iec":"","balance":1.5,"bonus":0,"creation_date":"2024-01-02 03:04:05","trackers_count":3,"comment":"","menu_preset_id":2,"mfa_allowed":false}]}`,
	`{"list":[{"login":"l","id":1,"dealer_id":2,"id":3,"dealer_id":4}]}`,
	`{"list":[{"id":1,"\u0064ealer_id":2,"login":"l"}]}`,
	`{"list":[{"id" :1,"dealer_id"	:2,"login"
:"l"}]}`,
	`{"list":[{"id":1,"Dealer_ID":2,"login":"l","dealer_id":5}]}`,
	`{"list":[{"id":1,"dealer":2,"dealer_id":3,"dealer_idx":4,"login":"l"}]}`,
	`{"list":[{"id":1,"dealer_id"`,
	`{"list":[{"id":1,"dealer_id":`,
	`{"list":[{"id":1,"dealer_id"}]}`,
	`{"list":[{"mfa_allowed":true,"id":1}]}`,
	// Escapes: each kind, pairs and lone or broken surrogates, escapes
	// next to non-ASCII text and to invalid UTF-8, and bad escapes.
	`{"list":[{"login":"O'Brien \"Bob\" \\ \/ \b\f\n\r\t","first_name":"\u00e9t\u00C9 \ud83d\ude00 caf\u00e9"}]}`,
	`{"list":[{"login":"\ud83d","first_name":"\ud83dx","last_name":"\ude00\ud83d\u0041","comment":"\ud83d\ud83d\ude00"}]}`,
	`{"list":[{"login":"Jos\u00e9 Müller \"Ü\"","first_name":"\"\xff\"","last_name":"a\u0000b"}]}`,
	"{\"list\":[{\"login\":\"\\\"\xff\xfe\"}]}",
	`{"list":[{"login":"\x"}]}`,
	`{"list":[{"login":"\u12"}]}`,
	`{"list":[{"login":"\u12g4"}]}`,
	`{"list":[{"login":"a\`,
	`{"list":[{"login":"a\"`,
	"{\"list\":[{\"login\":\"a\\n\tb\"}]}",
	// Integers at the edges of the short way and past it.
	`{"list":[{"id":123456789012345678,"dealer_id":1234567890123456789,"trackers_count":9}]}`,
	`{"list":[{"id":99999999999999999999}]}`,
	`{"list":[{"id":12.0}]}`,
	`{"list":[{"id":1e3}]}`,
	`{"list":[{"id":-7,"dealer_id":0,"trackers_count":01}]}`,
	`{"list":[{"id":7x}]}`,
	`{"list":[{"id":7`,
}

// decodeBoth decodes doc into a UserList with encoding/json and with the
// hand-written decoder.
func decodeBoth(doc []byte) (want, got UserList, wantErr, gotErr error) {
	wantErr = json.Unmarshal(doc, &want)
	gotErr = decodeFast(doc, &got)
	return
}

func TestFastDecodeMatchesEncodingJSON(t *testing.T) {
	for _, doc := range fastDecodeSeeds {
		want, got, wantErr, gotErr := decodeBoth([]byte(doc))
		if (wantErr == nil) != (gotErr == nil) {
			t.Errorf("%s:\nencoding/json error: %v\nfast decoder error:  %v", doc, wantErr, gotErr)
			continue
		}
		if wantErr == nil && !reflect.DeepEqual(want, got) {
			t.Errorf("%s:\nencoding/json: %+v\nfast decoder:  %+v", doc, want, got)
		}
	}
}

func FuzzFastDecodeMatchesEncodingJSON(f *testing.F) {
	for _, doc := range fastDecodeSeeds {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		want, got, wantErr, gotErr := decodeBoth(doc)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%q:\nencoding/json error: %v\nfast decoder error:  %v", doc, wantErr, gotErr)
		}
		if wantErr == nil && !reflect.DeepEqual(want, got) {
			t.Fatalf("%q:\nencoding/json: %+v\nfast decoder:  %+v", doc, want, got)
		}
	})
}

// TestUserFastDecoderKnowsEveryField sets every member of a User, one at a
// time, so a field added to the struct but not to userFields fails here.
func TestUserFastDecoderKnowsEveryField(t *testing.T) {
	typ := reflect.TypeFor[User]()
	var userNames []string
	for f := range typ.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			userNames = append(userNames, name)
		}
	}
	if len(userNames) != typ.NumField() {
		t.Fatalf("User has %d fields, %d with JSON names", typ.NumField(), len(userNames))
	}
	// The decoder expects the members in the struct's order, which is the
	// order the Panel sends them in; a case-insensitive match takes the
	// first in that order, as encoding/json does.
	var order []string
	for _, f := range userShape.fields {
		order = append(order, f.name)
	}
	if !reflect.DeepEqual(order, userNames) {
		t.Errorf("userFields are %v, the struct's members %v", order, userNames)
	}
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		var value string
		switch k := f.Type.Kind(); {
		case k == reflect.String:
			value = `"set"`
		case k == reflect.Int, k == reflect.Pointer && f.Type.Elem().Kind() == reflect.Int:
			value = `42`
		case k == reflect.Float64:
			value = `12.5`
		case k == reflect.Bool:
			value = `true`
		default:
			t.Fatalf("field %s: kind %s has no case here nor in userFields", f.Name, k)
		}
		doc := `{"list":[{"` + name + `":` + value + `}],"count":1}`
		want, got, wantErr, gotErr := decodeBoth([]byte(doc))
		if wantErr != nil || gotErr != nil {
			t.Fatalf("%s: %v / %v", doc, wantErr, gotErr)
		}
		if reflect.ValueOf(got.List[0]).FieldByName(f.Name).IsZero() {
			t.Errorf("the fast decoder ignores %q", name)
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: %+v, want %+v", doc, got, want)
		}
	}
}

// TestFastDecodeKeepsNoReferenceToTheBuffer: answers are read into pooled
// buffers, so decoded strings must not point into them.
func TestFastDecodeKeepsNoReferenceToTheBuffer(t *testing.T) {
	buf := []byte(`{"list":[{"login":"first","last_name":"Ünïcödé"}],"count":1}`)
	var l UserList
	if err := decodeFast(buf, &l); err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = 'x'
	}
	if l.List[0].Login != "first" || l.List[0].LastName != "Ünïcödé" {
		t.Fatalf("decoded strings changed with the buffer: %+v", l.List[0])
	}
}

// userListAnswer is a 50-user user/list answer of the emulator's seed,
// hostile records included.
func userListAnswer(b *testing.B) []byte {
	sim := panelsim.New(panelsim.WithSeed(panelsim.SeedConfig{Users: 200, Trackers: 300}))
	srv := httptest.NewServer(sim)
	b.Cleanup(srv.Close)
	c, err := New(srv.URL + "/v2/panel")
	if err != nil {
		b.Fatal(err)
	}
	auth, err := c.Auth(b.Context(), "admin", "admin")
	if err != nil {
		b.Fatal(err)
	}
	body := strings.NewReader(`{"hash":"` + auth.Hash + `","limit":50}`)
	resp, err := http.Post(srv.URL+"/v2/panel/user/list", "application/json", body)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || !bytes.Contains(data, []byte(`"success":true`)) {
		b.Fatalf("user/list: %v %.200s", err, data)
	}
	return data
}

// BenchmarkUserListDecode compares encoding/json with the hand-written
// decoder on the same answer.
func BenchmarkUserListDecode(b *testing.B) {
	data := userListAnswer(b)
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var out UserList
			if err := json.Unmarshal(data, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			// As ListUsers reads a page: into room for the rows asked for.
			out := UserList{List: make([]User, 0, 50)}
			if err := decodeFast(data, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestFastDecoderOnlyForItsOwnTypes: a type that embeds a shape with a
// hand-written decoder is read whole, its own fields included.
func TestFastDecoderOnlyForItsOwnTypes(t *testing.T) {
	var out struct {
		UserList
		Extra int `json:"extra"`
	}
	doc := []byte(`{"success":true,"list":[{"id":3}],"count":1,"extra":7}`)
	if err := parseAnswer("user/list", "", 200, "application/json", doc, &out); err != nil {
		t.Fatal(err)
	}
	if out.Extra != 7 || out.Count != 1 || len(out.List) != 1 || out.List[0].ID != 3 {
		t.Errorf("decoded %+v", out)
	}
}

// TestScanRunStopsWhereTheByteScanStops: the word-at-a-time scans stop
// at the same byte as a scan that looks at each byte, for every byte value
// at every position of a word and of the tail, with and without more
// special bytes after it (which can set false bits above the first).
func TestScanRunStopsWhereTheByteScanStops(t *testing.T) {
	byteScan := func(d []byte, j int, stopAtHigh bool) int {
		for j < len(d) {
			c := d[j]
			if c == '"' || c == '\\' || c < 0x20 || (stopAtHigh && c >= 0x80) {
				break
			}
			j++
		}
		return j
	}
	for size := range 20 {
		for pos := range size {
			for c := range 256 {
				for _, after := range []byte{'a', 0x00, '"', 0xff} {
					d := bytes.Repeat([]byte{'a'}, size)
					d[pos] = byte(c)
					if pos+1 < size {
						d[pos+1] = after
					}
					for from := 0; from <= pos; from += 3 {
						if got, want := plainRun(d, from), byteScan(d, from, true); got != want {
							t.Fatalf("plainRun(%q, %d) = %d, want %d", d, from, got, want)
						}
						if got, want := textRun(d, from), byteScan(d, from, false); got != want {
							t.Fatalf("textRun(%q, %d) = %d, want %d", d, from, got, want)
						}
					}
				}
			}
		}
	}
}

// TestNearMissNamesAreNotTakenForMembers: a name that differs from a
// member's in any one byte of the first seventeen, runs one byte longer or
// shorter, or has white space before its colon, is not read as that
// member by the decoder's word compares; both decoders agree on every
// such document.
func TestNearMissNamesAreNotTakenForMembers(t *testing.T) {
	for i, f := range userFields {
		name := f.name
		var members []string // what stands between the braces and the value
		for j := range min(len(name), 17) {
			b := []byte(name)
			b[j] = '#'
			members = append(members, `"`+string(b)+`":`)
		}
		members = append(members, `"`+name+`x":`, `"`+name[:len(name)-1]+`":`)
		// The member itself with white space before its colon, given a
		// null any member takes.
		spaced := []string{`"` + name + `" :null`, `"` + name + `"` + "\n:null"}
		for _, m := range append(members, spaced...) {
			// The near miss stands where the member is expected: after
			// the member before it, or first.
			doc := `{"list":[{`
			if i > 0 {
				doc += `"` + userFields[i-1].name + `":null,`
			}
			if !strings.HasSuffix(m, "null") {
				m += `"1234567890123456789012345"`
			}
			doc += m + `,"id":7}],"count":1}`
			want, got, wantErr, gotErr := decodeBoth([]byte(doc))
			if (wantErr == nil) != (gotErr == nil) || !reflect.DeepEqual(want, got) {
				t.Fatalf("%s:\nencoding/json: %+v (%v)\nfast decoder:  %+v (%v)", doc, want, wantErr, got, gotErr)
			}
		}
	}
}
