package panelsim

import "slices"

// maxMFATargetIDs is the most user ids one user/mfa/settings/update may
// name (OpenAPI MfaTargetSelected: 1 to 100).
const maxMFATargetIDs = 100

// userMFASettingsUpdate sets the MFA policy of every user of the dealer
// (target {"type":"all"}) or of the listed ones ({"type":"selected",
// "ids":[...]}, 1 to 100 ids). An id that is not a user of the dealer
// answers 201 and changes nothing. The dealer's default for new users is
// not touched (that is .../default/update).
func (s *Server) userMFASettingsUpdate(c *call) (any, error) {
	p := c.params
	var (
		all bool
		ids []int
	)
	if fr, ok := p.objectFields("target", true); ok {
		t, ok := fr.str("type", true)
		switch {
		case !ok:
		case t == "all":
			all = true
		case t == "selected":
			ids, ok = fr.intList("ids", true)
			switch {
			case !ok:
			case len(ids) == 0 || len(ids) > maxMFATargetIDs:
				fr.invalid("ids", "Must list 1 to 100 user ids")
			case slices.ContainsFunc(ids, func(id int) bool { return id < 1 }):
				fr.invalid("ids", "Must be positive integers")
			}
		default:
			fr.invalid("type", "Should be one of [all, selected]")
		}
	}
	settings, _ := readSettingsParam(p)
	if err := p.err(); err != nil {
		return nil, err
	}

	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	targets := st.users
	if !all {
		targets = make([]*User, 0, len(ids))
		for _, id := range ids {
			u := st.userLocked(id)
			if u == nil {
				return nil, newError(codeNotFound)
			}
			targets = append(targets, u)
		}
	}
	for _, u := range targets {
		u.MFA = MFASettings{Type: settings.Type, FactorTypes: slices.Clone(settings.FactorTypes)}
	}
	return nil, nil
}

// readSettingsParam reads the required `settings` MFA parameter.
func readSettingsParam(p *params) (MFASettings, bool) {
	fr, ok := p.objectFields("settings", true)
	if !ok {
		return MFASettings{}, false
	}
	return readMFASettings(fr)
}

// userMFADefaultRead answers the dealer's default MFA policy for new
// users, or null while none has been set (OpenAPI: "`value` is null when
// no default has been configured").
func (s *Server) userMFADefaultRead(c *call) (any, error) {
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	var v *MFASettings
	if d := st.userSide.mfaDefault; d != nil {
		v = &MFASettings{Type: d.Type, FactorTypes: slices.Clone(d.FactorTypes)}
	}
	return struct {
		Value *MFASettings `json:"value"`
	}{v}, nil
}

// userMFADefaultUpdate sets the dealer's default MFA policy, which users
// created from then on get (user/create without dealer_mfa_settings, and
// user/upload). Existing users keep theirs.
func (s *Server) userMFADefaultUpdate(c *call) (any, error) {
	settings, _ := readSettingsParam(c.params)
	if err := c.params.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	st.userSide.mfaDefault = &settings
	return nil, nil
}
