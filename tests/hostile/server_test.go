package hostile_test

import (
	"sort"
	"testing"
	"time"
)

// TestServerRefusesCorpus sends every corpus entry to the local server (one
// per policy the corpus names), one at a time so that graphsim's counter
// can be read after each: each must be refused as the entry says, by
// sharelink, without a request upstream.
func TestServerRefusesCorpus(t *testing.T) {
	corpus := loadCorpus(t)
	if len(corpus) < 700 {
		t.Errorf("the corpus has %d entries; it must keep at least 700", len(corpus))
	}
	f := newFleet(t)
	type timing struct {
		id string
		d  time.Duration
	}
	var slow []timing
	for _, e := range corpus {
		t.Run(e.id(), func(t *testing.T) {
			s := f.get(e)
			before := s.sim.Total()
			a, err := s.send(e)
			if d := s.sim.Total() - before; d != 0 {
				t.Errorf("reached graphsim (%d requests): %v\n\t%s", d, s.sim.Requests(), e.describe())
			}
			if err != nil {
				t.Fatalf("%v\n\t%s", err, e.describe())
			}
			if msg := checkRefusal(e, a); msg != "" {
				t.Errorf("%s\n\t%s", msg, e.describe())
			}
			slow = append(slow, timing{e.id(), a.elapsed})
			// The huge inputs must be refused by their size or depth at
			// once, not after reading or parsing them whole; the bound is
			// loose for a loaded machine and the race detector.
			if e.Category == "big-body" || e.Category == "deep-nesting" {
				t.Logf("%d %s in %v (%d-byte body; answered before it was all written: %v)",
					a.status, e.Want.Code, a.elapsed.Round(time.Millisecond), len(e.body()), a.early)
				if a.elapsed > 5*time.Second {
					t.Errorf("answered in %v; huge inputs must be refused at once", a.elapsed)
				}
			}
		})
	}
	sort.Slice(slow, func(i, j int) bool { return slow[i].d > slow[j].d })
	for _, x := range slow[:min(5, len(slow))] {
		t.Logf("slowest: %-60s %v", x.id, x.d.Round(time.Millisecond))
	}
	perCategory := map[string]int{}
	var order []string
	for _, e := range corpus {
		if perCategory[e.Category] == 0 {
			order = append(order, e.Category)
		}
		perCategory[e.Category]++
	}
	for _, c := range order {
		t.Logf("corpus: %-20s %3d", c, perCategory[c])
	}
	t.Logf("corpus: %-20s %3d", "total", len(corpus))
	for _, s := range f.all {
		if n := s.sim.Total(); n != 0 {
			t.Errorf("the corpus reached graphsim %d times: %v", n, s.sim.Requests())
		}
		knownGood(t, s)
		quiet(t, s)
	}
}
