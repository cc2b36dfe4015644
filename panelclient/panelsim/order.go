package panelsim

// registerOrderActions wires resources/order.md.
func (s *Server) registerOrderActions() {
	s.register("order/read", need("tracker_bundles", "read"), s.orderRead)
}

// orderRead answers one equipment order of this dealer with its line items
// (positions, the OpenAPI file) and the bundles attached to it (bundles,
// the markdown). order_id must be at least 1 (OpenAPI minimum); an order
// that does not exist or belongs to another dealer is 201 alike, so ids of
// other dealers' orders cannot be probed (the OpenAPI description).
func (s *Server) orderRead(c *call) (any, error) {
	p := c.params
	id, ok := p.readInt("order_id", true)
	if ok && id < 1 {
		p.invalid("order_id", "Must be a positive integer")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	o := st.orderLocked(id)
	if o == nil {
		return nil, newError(codeNotFound)
	}
	return struct {
		Value Order `json:"value"`
	}{st.orderViewLocked(o)}, nil
}
