package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/navixy-portal/portal/panelclient/panelsim"
)

// scale repeats the list, a search and the last page against a dealer with
// 100,000 users and 300,000 trackers and compares each with the same page
// on the default data set: a staff member of a big dealer should not wait
// much longer. The direct user/list timings are shown next to them so the
// emulator's share of any slowdown is visible. The four are timed in turn,
// round after round, after a warm-up. Then it exports all 100,000
// users as CSV and watches the portal's memory: the export must stream.
func (b *bench) scale(ctx context.Context) {
	budget := fmt.Sprintf("<= %.0fx small data set", budgetScale)
	exportFigure := fmt.Sprintf("%d-user CSV export: portal RSS during / idle", b.cfg.bigUsers)
	exportBudget := fmt.Sprintf("<= %.0fx idle", budgetExportGrowth)
	kinds := []string{"list " + listPath, "search " + listPath + "&q=" + b.cfg.search, "last page " + listPath + "&page=N"}
	failAll := func(reason string) {
		for _, k := range kinds {
			b.add(na(fmt.Sprintf("%d users: %s p50", b.cfg.bigUsers, k), reason, budget))
		}
		b.add(na(exportFigure, reason, exportBudget))
	}

	b.log.printf("scale: seeding %d users, %d trackers", b.cfg.bigUsers, b.cfg.bigTrackers)
	seeded := time.Now()
	big, err := startUpstream(panelsim.SeedConfig{Users: b.cfg.bigUsers, Trackers: b.cfg.bigTrackers})
	if err != nil {
		failAll("n/a (" + shortErr(err) + ")")
		return
	}
	defer big.Close()
	b.log.printf("scale: seeded in %s", time.Since(seeded).Round(time.Millisecond))
	bigPortal, err := b.startPortal(ctx, big)
	if err != nil {
		failAll("n/a (" + shortErr(err) + ")")
		return
	}
	defer bigPortal.Close()

	type side struct {
		name   string
		portal *portal
		api    *panelAPI
		staff  *staff
		hash   string
		count  int
	}
	sides := []*side{
		{name: "small", portal: b.main, api: b.api},
		{name: "big", portal: bigPortal, api: newPanelAPI(big.URL, b.tr)},
	}
	for _, s := range sides {
		s.staff = newStaff(s.portal.URL, b.tr)
		if err := s.staff.login(ctx, b.cfg.login, b.cfg.password); err != nil {
			failAll("n/a (" + s.name + " data set: " + shortErr(err) + ")")
			return
		}
		var lc listCount
		if s.hash, err = s.api.auth(ctx, b.cfg.login, b.cfg.password); err == nil {
			err = s.api.call(ctx, s.hash, "user/list", map[string]int{"limit": 1}, &lc)
		}
		if err != nil {
			failAll("n/a (" + shortErr(err) + ")")
			return
		}
		s.count = lc.Count
	}

	for i, kind := range kinds {
		figure := fmt.Sprintf("%d users: %s p50", sides[1].count, kind)
		// The page and the direct call on each data set, timed in turn.
		var pages, directs []func(context.Context) error
		var note string
		for _, s := range sides {
			pathOf, params := listPath, map[string]any{"limit": 50}
			switch i {
			case 1:
				pathOf += "&q=" + url.QueryEscape(b.cfg.search)
				params["filter"] = b.cfg.search
			case 2:
				last := max(1, (s.count+49)/50)
				pathOf += "&page=" + strconv.Itoa(last)
				params["offset"] = (last - 1) * 50
			}
			load := func(ctx context.Context) error {
				pg, err := s.staff.get(ctx, pathOf, false)
				if why := b.problem(s.portal, pg, err); why != "" {
					return fmt.Errorf("%s", why)
				}
				return nil
			}
			if err := load(ctx); err != nil {
				note = fmt.Sprintf("%s data set: %v", s.name, err)
				break
			}
			body, _ := json.Marshal(params)
			pages = append(pages, load)
			directs = append(directs, func(ctx context.Context) error {
				status, _, err := s.api.post(ctx, s.hash, "user/list", body)
				if err == nil && status != http.StatusOK {
					err = fmt.Errorf("HTTP %d", status)
				}
				return err
			})
		}
		var p50, direct [2]time.Duration
		if note == "" {
			st := alternating(ctx, scaleWarmup, scaleSamples, append(pages, directs...)...)
			for j := range sides {
				page, call := st[j], st[len(sides)+j]
				if page.Errors > 0 || call.Errors > 0 {
					note = fmt.Sprintf("%s data set: errors: %v %v", sides[j].name, page.FirstErr, call.FirstErr)
					break
				}
				p50[j], direct[j] = page.P(0.5), call.P(0.5)
			}
		}
		if note != "" {
			b.add(na(figure, note, budget))
			continue
		}
		x := ratio(p50[1], p50[0])
		value := fmt.Sprintf("%.2fx (%s vs %s on %d users; user/list direct %s vs %s)",
			x, ms(p50[1]), ms(p50[0]), sides[0].count, ms(direct[1]), ms(direct[0]))
		b.add(row{Figure: figure, Value: value, Budget: budget, Verdict: check(x <= budgetScale)})
		if i == 1 {
			// A search finds a handful of users in the small data set and
			// a full page in the big one, so the page also renders more
			// rows there. The portal's own share, the page less the direct
			// call, shows what the dealer's size costs the portal itself.
			own := [2]time.Duration{max(p50[0]-direct[0], 0), max(p50[1]-direct[1], 0)}
			b.add(row{Figure: fmt.Sprintf("%d users: search, the portal's own time (page - direct call)", sides[1].count),
				Value:  fmt.Sprintf("%.2fx (%s vs %s)", ratio(own[1], own[0]), ms(own[1]), ms(own[0])),
				Budget: "report", Verdict: info})
		}
	}

	// The export's memory is read from /proc: it needs the portal as a
	// process of its own.
	exporter, st := bigPortal, sides[1].staff
	if exporter.PID == 0 {
		if exporter, err = b.startChild(ctx, big); err != nil {
			b.add(na(exportFigure, "n/a ("+shortErr(err)+")", exportBudget))
			return
		}
		defer exporter.Close()
		st = newStaff(exporter.URL, b.tr)
		if err := st.login(ctx, b.cfg.login, b.cfg.password); err != nil {
			b.add(na(exportFigure, "n/a ("+shortErr(err)+")", exportBudget))
			return
		}
	}
	b.add(b.exportMemory(ctx, exporter, st, sides[1].count, exportFigure, exportBudget))
}

// exportMemory downloads the whole user list as CSV while sampling the
// portal's RSS, and compares the peak with the RSS just before.
func (b *bench) exportMemory(ctx context.Context, p *portal, st *staff, users int, figure, budget string) row {
	time.Sleep(300 * time.Millisecond) // let the list pages' garbage settle
	idle, hwmBefore, err := memOf(p.PID)
	if err != nil {
		return na(figure, "n/a ("+shortErr(err)+")", budget)
	}
	stopSampling := sampleRSS(p.PID, 10*time.Millisecond, idle)
	start := time.Now()
	wire, lines, status, err := download(ctx, st, "/users/export?format=csv")
	took := time.Since(start)
	top := stopSampling()
	if err == nil && status == http.StatusNotFound {
		return na(figure, "n/a (route missing)", budget)
	}
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("HTTP %d", status)
	}
	if err != nil {
		return na(figure, "n/a (export: "+shortErr(err)+")", budget)
	}
	if _, hwm, err := memOf(p.PID); err == nil && hwm > hwmBefore {
		top = max(top, hwm) // a new high-water mark was set during the export
	}
	x := float64(top) / float64(idle)
	value := fmt.Sprintf("%.2fx: peak %s, idle %s (%d lines, %s gzip, %.1fs)", x, mb(top), mb(idle), lines, mb(wire), took.Seconds())
	ok := x <= budgetExportGrowth
	if lines < users+1 {
		value += fmt.Sprintf("; only %d of %d rows", lines-1, users)
		ok = false
	}
	return row{Figure: figure, Value: value, Budget: budget, Verdict: check(ok)}
}

// download streams a file as a browser saves it, counting the bytes as
// sent and the lines of the decoded file.
func download(ctx context.Context, st *staff, path string) (wire int64, lines int, status int, err error) {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, st.base+path, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := st.hc.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return 0, 0, resp.StatusCode, nil
	}
	counted := &countingReader{r: resp.Body}
	var r io.Reader = counted
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bufio.NewReader(counted))
		if err != nil {
			return 0, 0, resp.StatusCode, err
		}
		r = zr
	}
	buf := make([]byte, 64<<10)
	for {
		n, rerr := r.Read(buf)
		lines += bytes.Count(buf[:n], []byte{'\n'})
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return counted.n, lines, resp.StatusCode, rerr
		}
	}
	return counted.n, lines, resp.StatusCode, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
