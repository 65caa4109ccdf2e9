package graphsim

import (
	"net/http"
	"strings"
)

// controlRoot is the prefix of the control endpoint: not authenticated, not
// counted, not faulted.
const controlRoot = "/_graphsim"

type requestsJSON struct {
	Total      int            `json:"total"`
	Routes     map[string]int `json:"routes"`
	BatchSteps map[string]int `json:"batchSteps"`
}

type faultsJSON struct {
	Faults []Fault `json:"faults"`
}

// control serves /_graphsim/faults (GET, POST, DELETE), /_graphsim/requests
// (GET) and /_graphsim/reset (POST).
func (s *Sim) control(rc *reqCtx) {
	r := rc.r
	name := strings.Trim(strings.TrimPrefix(r.URL.Path, controlRoot), "/")
	allow := func(methods ...string) bool {
		for _, m := range methods {
			if r.Method == m {
				return true
			}
		}
		rc.fail(&graphError{status: http.StatusMethodNotAllowed, code: "notAllowed", msg: "Method not allowed.",
			header: map[string]string{"Allow": strings.Join(methods, ", ")}})
		return false
	}
	switch name {
	case "faults":
		if !allow(http.MethodGet, http.MethodPost, http.MethodDelete) {
			return
		}
		switch r.Method {
		case http.MethodDelete:
			s.ClearFaults()
			rc.reply(reply{status: http.StatusNoContent})
			return
		case http.MethodPost:
			body, gerr := readBody(r)
			if gerr != nil {
				rc.fail(gerr)
				return
			}
			var f Fault
			if err := f.UnmarshalJSON(body); err != nil {
				rc.fail(errInvalid("Invalid fault: %v.", err))
				return
			}
			if err := f.Validate(); err != nil {
				rc.fail(errInvalid("Invalid fault: %v.", err))
				return
			}
			s.Inject(f)
			rc.reply(reply{status: http.StatusCreated, body: faultsJSON{Faults: s.Faults()}})
			return
		}
		rc.reply(reply{status: http.StatusOK, body: faultsJSON{Faults: s.Faults()}})
	case "requests":
		if allow(http.MethodGet) {
			rc.reply(reply{status: http.StatusOK, body: requestsJSON{Total: s.Total(), Routes: s.Requests(), BatchSteps: s.BatchSteps()}})
		}
	case "reset":
		if allow(http.MethodPost) {
			s.Reset()
			rc.reply(reply{status: http.StatusNoContent})
		}
	default:
		rc.fail(&graphError{status: http.StatusNotFound, code: "invalidRequest", msg: "Unknown graphsim control endpoint."})
	}
}
