package panelsim

import (
	"math"
	"strconv"
	"time"
)

// tariffFreezePeriod is the platform's tariff.freeze.period: a plan
// changed less than this long ago may change again only when the current
// plan has an early_change_price.
const tariffFreezePeriod = 30 * 24 * time.Hour

// trackerTariffChange moves a tracker's device to another plan, following
// the "Conditions of the change", "Repayment" and "Change" sections of
// tracker.md:
//
//   - 201 unknown tracker, 219 a clone, 252 a corrupted device, 250 a
//     deleted tracker, 237 the current plan is unknown, 239 the new plan
//     does not exist, 238 the same plan or a plan of another device type
//     (the docs say "only tracker tariffs"; a camera on a camera plan may
//     move to another camera plan), 221 a tracker plan whose device_limit
//     is below the owner's trackers_count, 240 a second change within 30
//     days while the current plan has no early_change_price (errors.md and
//     the plan object's early_change_price; tracker.md's list omits 240).
//   - repay refunds ceil(price * remaining days / days in this month),
//     rounded up to the cent, to the owner's balance with a transaction,
//     when the current plan is monthly, paid, not ended, has an end date,
//     the free period is over and at least one paid day remains.
//   - The new tariff_end_date follows the documented pseudo-code; a plan is
//     "ended" when its end date is today or earlier. The emulator has no
//     billing run, so charge only decides the dates, as in the docs.
//
// doc_type (plans for persons or companies only) is not modelled.
func (s *Server) trackerTariffChange(c *call) (any, error) {
	p := c.params
	id := p.int("tracker_id")
	tariffID := p.int("tariff_id")
	repay := p.bool("repay")
	charge := p.bool("charge")
	if err := p.err(); err != nil {
		return nil, err
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	t := st.trackerLocked(id)
	switch {
	case t == nil:
		return nil, newError(codeNotFound)
	case t.Clone:
		return nil, newError(codeNotAllowedForClones)
	case t.Source.Corrupted:
		return nil, newError(codeDeviceCorrupted)
	case t.Deleted:
		return nil, newError(codeTrackerDeleted)
	}
	src := t.Source
	owner := st.userLocked(t.UserID)
	if owner == nil {
		return nil, newError(codeNotFound)
	}
	t1 := st.tariffLocked(src.TariffID)
	if t1 == nil {
		return nil, newError(codeTariffInvalid)
	}
	t2 := st.tariffLocked(tariffID)
	if t2 == nil {
		return nil, newError(codeTariffNewMissing)
	}
	if t2.ID == t1.ID || t2.DeviceType != t1.DeviceType {
		return nil, newError(codeTariffChangeNotAllowed)
	}
	if t2.DeviceType == "tracker" && t2.DeviceLimit < st.userViewLocked(owner).TrackersCount {
		return nil, newError(codeTrackerLimitExceeded)
	}
	if last, ok := s.devices.lastPlanChange(src.ID); ok && c.now.Sub(last) < tariffFreezePeriod && t1.EarlyChangePrice == nil {
		return nil, newError(codeTariffChangeTooOften)
	}

	now := c.now.UTC()
	today := now.Truncate(24 * time.Hour)
	tomorrow := today.AddDate(0, 0, 1)
	nextMonth := time.Date(today.Year(), today.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	ended := src.TariffEndDate != nil && !src.TariffEndDate.After(today)

	if repay && t1.Type == "monthly" && t1.Price > 0 && !ended && src.TariffEndDate != nil {
		freeDays := st.trackerDefault.FreeDays
		if t1.DeviceType == "camera" {
			freeDays = st.cameraDefault.FreeDays
		}
		freeOver := !src.CreationDate.AddDate(0, 0, freeDays).After(today)
		remainder := int(src.TariffEndDate.Sub(today) / (24 * time.Hour))
		if freeOver && remainder > 0 {
			daysInMonth := nextMonth.AddDate(0, 0, -1).Day()
			amount := math.Ceil(t1.Price*float64(remainder)/float64(daysInMonth)*100-1e-9) / 100
			old := owner.Balance
			owner.Balance = round2(old + amount)
			st.appendTransactionLocked(owner, Transaction{
				Description: "Repayment of the unused " + strconv.Itoa(remainder) + " days of plan \"" + t1.Name + "\" for tracker #" + strconv.Itoa(t.ID),
				Type:        "payment", Subtype: "tariff_repay",
				Timestamp: DateTime{now.Truncate(time.Second)},
				TrackerID: t.ID, Amount: amount,
				OldBalance: old, NewBalance: owner.Balance,
				OldBonus: owner.Bonus, NewBonus: owner.Bonus,
			})
		}
	}

	var end *Date
	if !ended {
		if t2.Type == "monthly" && !charge {
			end = &Date{nextMonth}
		} else {
			end = &Date{tomorrow}
		}
	} else {
		switch {
		case t2.Type == "monthly" && charge:
			end = &Date{today}
		case t2.Type == "monthly":
			end = &Date{nextMonth}
		case t2.Type == "activeday":
			end = nil
		case charge: // a daily plan, charged now
			end = &Date{today}
		default: // a daily plan
			end = &Date{tomorrow}
		}
	}
	src.TariffID, src.TariffEndDate = t2.ID, end
	s.devices.recordPlanChange(src.ID, c.now)
	return nil, nil
}
