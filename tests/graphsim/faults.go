package graphsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault kinds.
const (
	FaultLatency     = "latency"     // wait Latency, then answer normally
	FaultThrottle    = "throttle"    // 429 activityLimitReached (inner throttledRequest) with Retry-After
	FaultUnavailable = "unavailable" // 503 serviceNotAvailable, Retry-After when set
	FaultError       = "error"       // 500 generalException
	FaultDrop        = "drop"        // close the connection without an answer
	FaultTruncate    = "truncate"    // headers promise more body than is sent, then close
)

// maxLatency bounds an injected delay so a typo cannot hang a test run.
const maxLatency = 10 * time.Minute

// Fault is an injected failure. It applies to the next Count requests whose
// route key matches Route ("" matches all; a bare route name such as
// "createLink" matches it under any method). Count 0 means "until cleared"
// for latency and "once" for the other kinds. A faulted request changes no
// state but is counted.
//
// The steps of a $batch are requests too ("as if sent alone"): a fault
// whose Route matches a step applies to it, and the step answers the fault
// inside the batch, whose own status stays 200. InBatch limits a fault to
// batch steps (never plain requests, never the batch itself); Step limits
// it to the steps with that id (and implies InBatch). Every N applies the
// fault to every Nth matching request only (the others pass and use up no
// Count); with Every, Count 0 means "until cleared". Drop and truncate
// cannot break a connection a step does not have: a step answers them 500.
type Fault struct {
	Kind       string
	Count      int
	RetryAfter string // Retry-After value: seconds or an HTTP date; throttle defaults to "1"
	Latency    time.Duration
	Route      string
	InBatch    bool   // only $batch steps
	Step       string // only the $batch steps of this id
	Every      int    // only every Nth matching request
}

// faultJSON is the control endpoint's form: latency as a Go duration string.
type faultJSON struct {
	Kind       string `json:"kind"`
	Count      int    `json:"count,omitempty"`
	RetryAfter string `json:"retryAfter,omitempty"`
	Latency    string `json:"latency,omitempty"`
	Route      string `json:"route,omitempty"`
	InBatch    bool   `json:"inBatch,omitempty"`
	Step       string `json:"step,omitempty"`
	Every      int    `json:"every,omitempty"`
}

// MarshalJSON writes the control endpoint's form.
func (f Fault) MarshalJSON() ([]byte, error) {
	j := faultJSON{Kind: f.Kind, Count: f.Count, RetryAfter: f.RetryAfter, Route: f.Route, InBatch: f.InBatch, Step: f.Step, Every: f.Every}
	if f.Latency != 0 {
		j.Latency = f.Latency.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the control endpoint's form strictly.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var j faultJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the fault")
	}
	*f = Fault{Kind: j.Kind, Count: j.Count, RetryAfter: j.RetryAfter, Route: j.Route, InBatch: j.InBatch, Step: j.Step, Every: j.Every}
	if j.Latency != "" {
		d, err := time.ParseDuration(j.Latency)
		if err != nil {
			return fmt.Errorf("latency: %w", err)
		}
		f.Latency = d
	}
	return nil
}

// Validate reports why a fault cannot be injected.
func (f Fault) Validate() error {
	switch f.Kind {
	case FaultLatency:
		if f.Latency <= 0 || f.Latency > maxLatency {
			return fmt.Errorf("latency must be in (0, %v]", maxLatency)
		}
	case FaultThrottle, FaultUnavailable, FaultError, FaultDrop, FaultTruncate:
	default:
		return fmt.Errorf("unknown fault kind %q", f.Kind)
	}
	if f.Count < 0 {
		return errors.New("count must not be negative")
	}
	if f.Every < 0 {
		return errors.New("every must not be negative")
	}
	if strings.ContainsAny(f.RetryAfter, "\r\n") {
		return errors.New("retryAfter must be a header value")
	}
	return nil
}

type activeFault struct {
	f       Fault
	left    int
	forever bool
	seen    int // matching requests so far, for Every
}

// Inject adds a fault; an invalid one (see Fault.Validate) is ignored.
func (s *Sim) Inject(f Fault) {
	if f.Validate() != nil {
		return
	}
	a := &activeFault{f: f, left: f.Count}
	if f.Count == 0 {
		if f.Kind == FaultLatency || f.Every > 0 {
			a.forever = true
		} else {
			a.left = 1
		}
	}
	s.fmu.Lock()
	s.faults = append(s.faults, a)
	s.fmu.Unlock()
}

// ClearFaults removes every fault.
func (s *Sim) ClearFaults() {
	s.fmu.Lock()
	s.faults = nil
	s.fmu.Unlock()
}

// Faults lists the active faults with their remaining counts (0: until cleared).
func (s *Sim) Faults() []Fault {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	out := make([]Fault, 0, len(s.faults))
	for _, a := range s.faults {
		f := a.f
		f.Count = a.left
		out = append(out, f)
	}
	return out
}

// matches: the route, and for batch-only faults the step (stepID is ""
// for a request sent alone).
func (f Fault) matches(key, name, stepID string) bool {
	if (f.InBatch || f.Step != "") && stepID == "" {
		return false
	}
	if f.Step != "" && !strings.EqualFold(f.Step, stepID) {
		return false
	}
	return f.Route == "" || strings.EqualFold(f.Route, key) || strings.EqualFold(f.Route, name)
}

// takeFaults consumes what applies to one request: the total added latency
// and the first answering fault, if any.
func (s *Sim) takeFaults(key, name, stepID string) (time.Duration, *Fault) {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	var delay time.Duration
	var answer *Fault
	kept := s.faults[:0]
	for _, a := range s.faults {
		hit := a.f.matches(key, name, stepID) && (a.f.Kind == FaultLatency || answer == nil)
		if hit && a.f.Every > 0 {
			a.seen++
			hit = a.seen%a.f.Every == 0
		}
		if hit {
			if a.f.Kind == FaultLatency {
				delay += a.f.Latency
			} else {
				f := a.f
				answer = &f
			}
			if !a.forever {
				a.left--
			}
		}
		if a.forever || a.left > 0 {
			kept = append(kept, a)
		}
	}
	for i := len(kept); i < len(s.faults); i++ {
		s.faults[i] = nil
	}
	s.faults = kept
	return min(delay, maxLatency), answer
}

// applyFaults runs the faults for a request; true means the request has been
// answered (or dropped) and must not reach the handler.
func (s *Sim) applyFaults(rc *reqCtx, key, name, stepID string) bool {
	delay, f := s.takeFaults(key, name, stepID)
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-rc.r.Context().Done():
			t.Stop()
			return true // the client has gone
		}
	}
	if f == nil {
		return false
	}
	switch f.Kind {
	case FaultThrottle:
		ra := f.RetryAfter
		if ra == "" {
			ra = "1"
		}
		rc.fail(&graphError{status: http.StatusTooManyRequests, code: "activityLimitReached", inner: "throttledRequest",
			msg: "The request has been throttled.", header: map[string]string{"Retry-After": ra}})
	case FaultUnavailable:
		e := &graphError{status: http.StatusServiceUnavailable, code: "serviceNotAvailable", msg: "The service is temporarily unavailable."}
		if f.RetryAfter != "" {
			e.header = map[string]string{"Retry-After": f.RetryAfter}
		}
		rc.fail(e)
	case FaultError:
		rc.fail(&graphError{status: http.StatusInternalServerError, code: "generalException", msg: "An unspecified error has occurred."})
	case FaultDrop, FaultTruncate:
		rc.breakConnection(f.Kind == FaultTruncate)
	}
	return true
}

// breakConnection takes the connection from net/http: with truncate, it
// sends a 200 whose Content-Length is larger than the bytes that follow;
// then it closes. Without a hijackable connection (an in-memory recorder) it
// answers 500 instead, as there is no connection to break.
func (rc *reqCtx) breakConnection(truncate bool) {
	hj, ok := rc.w.(http.Hijacker)
	if !ok {
		rc.fail(&graphError{status: http.StatusInternalServerError, code: "generalException", msg: "graphsim: this connection cannot be dropped."})
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	if !truncate {
		return
	}
	body := `{"@odata.context":"` + contextURL(rc.version, "microsoft.graph.permission") + `","id":"`
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\n")
	b.WriteString("Content-Type: application/json\r\n")
	b.WriteString("Content-Length: " + strconv.Itoa(len(body)+512) + "\r\n")
	b.WriteString("request-id: " + rc.reqID + "\r\n")
	b.WriteString("client-request-id: " + rc.clientID + "\r\n")
	b.WriteString("\r\n")
	b.WriteString(body)
	_, _ = buf.WriteString(b.String())
	_ = buf.Flush()
}
