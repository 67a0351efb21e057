package survey

import "context"

// deskAndUnit is a desk with its unit, as the desk cache keeps them.
type deskAndUnit struct {
	desk *Desk
	unit *Unit
}

// deskWithUnit returns the desk and its unit, through the desk cache.
func (s *Store) deskWithUnit(ctx context.Context, id string) (*Desk, *Unit, error) {
	du, err := s.deskCache.Get(ctx, id, func(ctx context.Context) (deskAndUnit, error) {
		d, err := s.Desk(ctx, id)
		if err != nil {
			return deskAndUnit{}, err
		}
		u, err := s.Unit(ctx, d.Unit)
		return deskAndUnit{d, u}, err
	})
	return du.desk, du.unit, err
}
