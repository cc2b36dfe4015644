package panelsim

func (s *Server) registerDealerActions() {
	s.register("dealer/get_info", need("base", "get_dealer_info"), s.dealerGetInfo)
}

// dealerGetInfo answers the dealer's card: PaaS plan, active trackers
// against the limit, branding, block status, features and the default
// time zone of new users. The fields sit at the top level of the reply,
// next to "success", not under "value".
func (s *Server) dealerGetInfo(c *call) (any, error) {
	if d, ok := s.store.resellerDealerOf(c.session.login); ok {
		return d, nil // a session of a reseller's own panel (subpaas.go)
	}
	return s.store.Dealer(), nil
}
