package auth

import "slices"

// Permissions are a Panel session's rights: category -> operations, as
// account/auth and account/get_permissions return them.
type Permissions map[string][]string

// Perm is one (category, operation) pair, e.g. {"users", "update"}.
type Perm struct {
	Category string
	Op       string
}

// P is shorthand for a Perm.
func P(category, op string) Perm { return Perm{Category: category, Op: op} }

func (p Perm) String() string { return p.Category + ": " + p.Op }

// Can reports whether the session holds the operation in the category.
func (p Permissions) Can(category, op string) bool {
	return slices.Contains(p[category], op)
}

// CanAll reports whether every one of perms is held. A Panel API call runs
// only when the session holds all the permissions it requires.
func (p Permissions) CanAll(perms ...Perm) bool {
	for _, q := range perms {
		if !p.Can(q.Category, q.Op) {
			return false
		}
	}
	return true
}
