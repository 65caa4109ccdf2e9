package graphsim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// maxBatch is Graph's limit on the requests of one JSON batch
// (json-batching.md, "Batch size limitations").
const maxBatch = 20

// batchStep is one parsed request of a batch.
type batchStep struct {
	id, method, url string
	headers         map[string]string
	body            []byte // nil: none
	dependsOn       []string
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

type batchAnswer struct {
	Responses []batchResponse `json:"responses"`
}

// errBatch is a malformed batch: "If the batch request itself is
// malformed, the status code is 400" (json-batching.md). The code and the
// messages are graphsim's own.
func errBatch(format string, a ...any) *graphError {
	e := errInvalid(format, a...)
	e.code = "BadRequest"
	return e
}

// batch: POST /{version}/$batch (json-batching.md). The body is
// {"requests":[{id, method, url, headers?, body?, dependsOn?}]}: 1 to 20
// requests, ids unique (case-insensitive), urls relative to the version
// ("/me/drive/…" or "me/drive/…"), a body only with a Content-Type header,
// dependsOn naming other ids of the batch without a cycle. Anything else,
// and a nested $batch, fails the whole batch with 400 before any step runs.
// Each step then runs as if sent alone with the batch's Authorization
// (counted, faulted, answered), after the steps it depends on; a step whose
// dependency failed (status ≥ 400) is not run and answers 424. The answer
// is 200 {"responses":[{id, status, headers, body}]} in the order of the
// requests (Graph allows any order).
func (s *Sim) batch(rc *reqCtx, rt *route, body []byte) (reply, *graphError) {
	steps, gerr := parseBatch(body)
	if gerr != nil {
		return reply{}, gerr
	}
	index := map[string]int{}
	for i, st := range steps {
		index[fold(st.id)] = i
	}
	order, gerr := batchOrder(steps, index)
	if gerr != nil {
		return reply{}, gerr
	}
	out := make([]batchResponse, len(steps))
	for _, i := range order {
		st := steps[i]
		failed := ""
		for _, d := range st.dependsOn {
			if out[index[fold(d)]].Status >= 400 {
				failed = d
				break
			}
		}
		if failed != "" {
			out[i] = s.failedDependency(rc, st, failed)
			continue
		}
		out[i] = s.runStep(rc, rt, st)
	}
	return reply{status: http.StatusOK, body: batchAnswer{Responses: out}}, nil
}

func parseBatch(body []byte) ([]batchStep, *graphError) {
	o, err := parseObject(body, "requests")
	if err != nil {
		return nil, errBatch("Invalid batch payload format: %s", err.msg)
	}
	raws, ok, err := o.array("requests")
	if err != nil || !ok {
		return nil, errBatch("Invalid batch payload format: 'requests' must be an array of requests.")
	}
	if len(raws) == 0 {
		return nil, errBatch("Invalid batch payload format: the batch has no requests.")
	}
	if len(raws) > maxBatch {
		return nil, errBatch("The batch has %d requests; a batch is limited to %d.", len(raws), maxBatch)
	}
	var steps []batchStep
	seen := map[string]bool{}
	for n, raw := range raws {
		ro, err := parseObject(raw, "id", "method", "url", "headers", "body", "dependsOn")
		if err != nil {
			return nil, errBatch("Request %d of the batch: %s", n+1, err.msg)
		}
		var st batchStep
		var ok bool
		for _, f := range []struct {
			key string
			dst *string
		}{{"id", &st.id}, {"method", &st.method}, {"url", &st.url}} {
			if *f.dst, ok, err = ro.str(f.key); err != nil || !ok || *f.dst == "" {
				return nil, errBatch("Request %d of the batch needs a string '%s'.", n+1, f.key)
			}
		}
		if seen[fold(st.id)] {
			return nil, errBatch("The batch has the id '%s' twice; ids must be unique.", st.id)
		}
		seen[fold(st.id)] = true
		st.method = strings.ToUpper(st.method)
		switch st.method {
		case http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		default:
			return nil, errBatch("Request '%s': the method '%s' is not supported in a batch.", st.id, st.method)
		}
		u, perr := url.Parse(st.url)
		if perr != nil || u.IsAbs() || u.Host != "" || strings.HasPrefix(st.url, "//") {
			return nil, errBatch("Request '%s': the url must be relative to the batch's version, as '/me/drive'.", st.id)
		}
		if !strings.HasPrefix(st.url, "/") {
			st.url = "/" + st.url
		}
		if parseRoute(u.EscapedPath()).name == nameBatch {
			return nil, errBatch("Request '%s': a batch cannot contain a batch.", st.id)
		}
		if raw, ok := ro["headers"]; ok && !isNull(raw) {
			if json.Unmarshal(raw, &st.headers) != nil {
				return nil, errBatch("Request '%s': 'headers' must be an object of strings.", st.id)
			}
		}
		if raw, ok := ro["body"]; ok && !isNull(raw) {
			if headerValue(st.headers, "Content-Type") == "" {
				return nil, errBatch("Request '%s': a request with a body needs a Content-Type header.", st.id)
			}
			st.body = stepBody(raw)
		}
		if deps, _, err := ro.array("dependsOn"); err != nil {
			return nil, errBatch("Request '%s': 'dependsOn' must be an array of ids.", st.id)
		} else {
			for _, d := range deps {
				var id string
				if jsonString(d, &id) != nil || id == "" {
					return nil, errBatch("Request '%s': 'dependsOn' must be an array of ids.", st.id)
				}
				st.dependsOn = append(st.dependsOn, id)
			}
		}
		steps = append(steps, st)
	}
	for _, st := range steps {
		for _, d := range st.dependsOn {
			if !seen[fold(d)] || strings.EqualFold(d, st.id) {
				return nil, errBatch("Request '%s' depends on '%s', which is not another request of the batch.", st.id, d)
			}
		}
	}
	return steps, nil
}

// stepBody: a JSON body as it is; a string body is base64 (url or
// standard alphabet) of the bytes, as json-batching.md allows for non-JSON
// bodies, or failing that the string's own bytes.
func stepBody(raw json.RawMessage) []byte {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return bytes.TrimSpace(raw)
	}
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b
		}
	}
	return []byte(s)
}

func headerValue(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// batchOrder runs steps in document order, each after what it depends on;
// a cycle fails the batch.
func batchOrder(steps []batchStep, index map[string]int) ([]int, *graphError) {
	done := make([]bool, len(steps))
	var order []int
	for len(order) < len(steps) {
		progress := false
		for i, st := range steps {
			if done[i] {
				continue
			}
			ready := true
			for _, d := range st.dependsOn {
				ready = ready && done[index[fold(d)]]
			}
			if ready {
				done[i] = true
				order = append(order, i)
				progress = true
			}
		}
		if !progress {
			return nil, errBatch("The dependsOn of the batch's requests form a cycle.")
		}
	}
	return order, nil
}

// runStep answers one step as if it were sent alone.
func (s *Sim) runStep(rc *reqCtx, rt *route, st batchStep) batchResponse {
	var body *bytes.Reader
	if st.body != nil {
		body = bytes.NewReader(st.body)
	} else {
		body = bytes.NewReader(nil)
	}
	r, err := http.NewRequestWithContext(rc.r.Context(), st.method, "/"+rt.version+st.url, body)
	if err != nil {
		e := errBatch("Request '%s': the url cannot be used.", st.id)
		return s.stepError(rc, st, e)
	}
	for k, v := range st.headers {
		if !strings.EqualFold(k, "Authorization") {
			r.Header.Set(k, v)
		}
	}
	if a := rc.r.Header.Get("Authorization"); a != "" {
		r.Header.Set("Authorization", a)
	}
	w := &stepWriter{h: http.Header{}}
	sc := &reqCtx{w: w, r: r, reqID: s.newRequestID(), now: s.now(), version: rt.version}
	sc.clientID = sanitizeHeader(r.Header.Get("client-request-id"))
	if sc.clientID == "" {
		sc.clientID = rc.clientID
	}
	w.h.Set("request-id", sc.reqID)
	w.h.Set("client-request-id", sc.clientID)
	func() {
		defer func() {
			if v := recover(); v != nil {
				s.panics.Add(1)
				w.reset()
				sc.fail(&graphError{status: http.StatusInternalServerError, code: "generalException", msg: "graphsim internal error in a batch step."})
			}
		}()
		s.route(sc, st.id)
	}()
	return w.response(st.id)
}

func (s *Sim) failedDependency(rc *reqCtx, st batchStep, dep string) batchResponse {
	e := &graphError{status: http.StatusFailedDependency, code: "failedDependency",
		msg: "The request '" + dep + "' this request depends on failed."}
	return s.stepError(rc, st, e)
}

// stepError answers a step with an error without running it.
func (s *Sim) stepError(rc *reqCtx, st batchStep, e *graphError) batchResponse {
	w := &stepWriter{h: http.Header{}}
	sc := &reqCtx{w: w, r: rc.r, reqID: s.newRequestID(), now: s.now(), version: rc.version, clientID: rc.clientID}
	w.h.Set("request-id", sc.reqID)
	sc.fail(e)
	return w.response(st.id)
}

// stepWriter records a step's answer.
type stepWriter struct {
	h      http.Header
	status int
	buf    bytes.Buffer
}

func (w *stepWriter) Header() http.Header { return w.h }

func (w *stepWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *stepWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.buf.Write(b)
}

func (w *stepWriter) reset() {
	w.status = 0
	w.buf.Reset()
}

func (w *stepWriter) response(id string) batchResponse {
	out := batchResponse{ID: id, Status: w.status, Headers: map[string]string{}}
	if out.Status == 0 {
		out.Status = http.StatusOK
	}
	for k, v := range w.h {
		if len(v) > 0 {
			out.Headers[k] = v[0]
		}
	}
	if b := bytes.TrimSpace(w.buf.Bytes()); len(b) > 0 && json.Valid(b) {
		out.Body = append(json.RawMessage(nil), b...)
	}
	return out
}
