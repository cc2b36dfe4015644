package panelclient_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/navixy-portal/portal/panelclient/panelsim"
)

// The coverage guard of the client (issue 7): every Panel API action the
// docs describe, each operation of Navixy's OpenAPI file plus the actions
// only the markdown documents, has an exported method on *Client, a row
// in contractRows (which TestContract runs, failing a row that never
// calls its action) and a handler in the emulator, so no row is skipped.
// handlers/coverage_test.go guards the portal routes from the same
// enumeration.

// covMarkdownOnly are the actions resources/tracker.md (the bundles) and
// resources/equipment.md document and the OpenAPI file does not.
var covMarkdownOnly = []string{
	"tracker/bundle/list",
	"tracker/bundle/read",
	"tracker/bundle/assign",
	"tracker/bundle/update",
	"tracker/bundle/import",
	"tracker/bundle/order/assign",
	"equipment/list",
}

// covDocumentedActions enumerates the OpenAPI file's paths (/panel/<action>)
// and the markdown-only actions, sorted.
func covDocumentedActions(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("%s: %v", specPath, err)
	}
	seen := map[string]bool{}
	for p := range spec.Paths {
		a, ok := strings.CutPrefix(p, "/panel/")
		if !ok || strings.Trim(a, "/") == "" {
			t.Fatalf("OpenAPI path %q is not /panel/<action>", p)
		}
		seen[strings.Trim(a, "/")] = true
	}
	if len(seen) < 60 {
		t.Fatalf("the OpenAPI file lists only %d operations", len(seen))
	}
	for _, a := range covMarkdownOnly {
		if seen[a] {
			t.Errorf("%s is listed as markdown-only but the OpenAPI file has it", a)
		}
		seen[a] = true
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// covClientMethods maps each Panel action to the exported *Client methods
// whose bodies call the executor with it (c.call, c.download,
// c.callMultipart). The user API client (type UserAPI) is not a *Client.
func covClientMethods(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Body == nil || !fn.Name.IsExported() || covRecv(fn) != "Client" {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || !slices.Contains([]string{"call", "download", "callMultipart"}, sel.Sel.Name) {
					return true
				}
				for _, arg := range call.Args {
					lit, ok := arg.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					if a, err := strconv.Unquote(lit.Value); err == nil && strings.Contains(a, "/") && !slices.Contains(out[a], fn.Name.Name) {
						out[a] = append(out[a], fn.Name.Name)
					}
				}
				return true
			})
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d actions in *Client methods: the executor calls changed shape", len(out))
	}
	return out
}

func covRecv(fn *ast.FuncDecl) string {
	typ := fn.Recv.List[0].Type
	if s, ok := typ.(*ast.StarExpr); ok {
		typ = s.X
	}
	if id, ok := typ.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// TestCoverageEveryDocumentedActionHasClientMethodRowAndEmulator fails
// naming each documented action that lacks a *Client method, a contract
// row or an emulator handler, and each action implemented anywhere that
// the docs do not describe.
func TestCoverageEveryDocumentedActionHasClientMethodRowAndEmulator(t *testing.T) {
	documented := covDocumentedActions(t)
	methods := covClientMethods(t)
	rows := map[string]bool{}
	for _, r := range contractRows {
		rows[r.action] = true
	}
	served := map[string]bool{}
	for _, a := range panelsim.New(panelsim.WithSeed(panelsim.SeedConfig{Users: 1, Trackers: -1})).Actions() {
		served[a] = true
	}
	isDoc := map[string]bool{}
	for _, a := range documented {
		isDoc[a] = true
		if len(methods[a]) == 0 {
			t.Errorf("%s: no exported panelclient.Client method calls it", a)
		}
		if !rows[a] {
			t.Errorf("%s: contractRows has no row for it", a)
		}
		if !served[a] {
			t.Errorf("%s: the emulator (panelsim) has no handler for it, so its contract row would be skipped", a)
		}
	}
	// The other way round: whatever is implemented is documented (a
	// misspelt action name shows up here).
	for a, ms := range methods {
		if !isDoc[a] {
			t.Errorf("%v call %s, which neither the OpenAPI file nor the markdown documents", ms, a)
		}
	}
	for a := range rows {
		if !isDoc[a] {
			t.Errorf("contract row %s: not a documented action", a)
		}
	}
	for a := range served {
		if !isDoc[a] {
			t.Errorf("the emulator serves %s, which neither the OpenAPI file nor the markdown documents", a)
		}
	}
	// The regular expression TestContractCoverage reads the client with
	// must see the same actions, or that test checks less than it says.
	seenByPattern := clientActions(t)
	for _, a := range seenByPattern {
		if len(methods[a]) == 0 {
			t.Errorf("clientActions finds %s outside any exported *Client method", a)
		}
	}
	for a := range methods {
		if !slices.Contains(seenByPattern, a) {
			t.Errorf("%s: TestContractCoverage's pattern does not see the client call it", a)
		}
	}
	t.Logf("%d documented actions (%d OpenAPI operations, %d markdown-only): each has a client method, a contract row and an emulator handler",
		len(documented), len(documented)-len(covMarkdownOnly), len(covMarkdownOnly))
}
