package lambda

import (
	"context"
	"time"

	"github.com/sharelink/sharelink/core"
)

// Retry timing.
const (
	// backoffBase and backoffCap shape the wait when Graph gives no
	// Retry-After: base·2^(n-1), capped, with equal jitter (half fixed,
	// half random) so that instances throttled together do not come back
	// together.
	backoffBase = 200 * time.Millisecond
	backoffCap  = 5 * time.Second
	// minAttempt is the least time worth starting an attempt with: a retry
	// that cannot get an answer before the deadline only burns the budget.
	minAttempt = 250 * time.Millisecond
	// replyReserve is kept back from the invocation's deadline to return
	// the response: past the deadline Lambda kills the invocation and the
	// caller gets no Graph JSON at all.
	replyReserve = 100 * time.Millisecond
)

// sent is the outcome of all attempts.
type sent struct {
	result
	upstream *core.UpstreamError // set when the last answer was an error status
}

// send sends req, retrying Graph's throttling and transient answers (core
// decides which: 429, 503, 509, 504) while attempts and time remain.
// Nothing else is retried: a dropped connection or a 500 may have changed
// state upstream, and createLink and grant are not idempotent.
func (h *Handler) send(ctx context.Context, x *exchange, req *core.Request, query, auth string) sent {
	deadline := h.budget(ctx, x.start)
	for {
		x.attempts++
		now := h.now()
		t0 := now
		attemptEnd := now.Add(h.cfg.AttemptTimeout)
		if deadline.Before(attemptEnd) {
			attemptEnd = deadline
		}
		var s sent
		if !attemptEnd.After(now) {
			s.err = core.GatewayTimeout("", "no time was left to ask Microsoft Graph")
		} else {
			s.result = h.attempt(ctx, attemptEnd.Sub(now), req, query, auth, x.clientRequestID)
		}
		now = h.now()
		x.upstreamTime += now.Sub(t0)
		x.upstreamStatus = s.status
		if s.requestID != "" {
			x.requestID = s.requestID
		}
		if s.err != nil || s.status < 300 {
			return s
		}
		u := core.ParseUpstreamError(s.status, s.retry, s.body, now)
		s.upstream = &u
		if !u.Retryable || !h.wait(ctx, x, u.RetryAfter, u.HasRetryAfter, now, deadline) {
			return s
		}
	}
}

// wait decides whether a retryable answer is sent again, and waits before
// it: not past the attempt bound (x.attempts sends so far), Retry-After
// when Graph gave one (after, hasAfter) else backoff, and only when the
// wait and one more attempt fit before deadline. It reports false, with
// x.gaveUp saying why, when the answer is to go back as it is. send and
// the batch's retries of throttled steps (batch.go) both decide here.
func (h *Handler) wait(ctx context.Context, x *exchange, after time.Duration, hasAfter bool, now, deadline time.Time) bool {
	if x.attempts >= h.cfg.MaxAttempts {
		x.gaveUp = "attempts"
		return false
	}
	wait := h.backoff(x.attempts)
	if hasAfter {
		wait = after
	}
	// A wait that does not fit is not waited out: the caller gets the
	// throttling answer now, with its Retry-After, and can plan.
	if now.Add(wait).Add(minAttempt).After(deadline) {
		x.gaveUp = "deadline"
		return false
	}
	if err := h.sleep(ctx, wait); err != nil {
		x.gaveUp = "cancelled"
		return false
	}
	x.waited += wait
	return true
}

// budget is the time by which the last attempt must have ended: the
// invocation's deadline less the reply reserve, and never later than
// RequestTimeout after the request began (API Gateway stops waiting at
// 30 s whatever the function's timeout).
func (h *Handler) budget(ctx context.Context, start time.Time) time.Time {
	end := start.Add(h.cfg.RequestTimeout)
	if d, ok := h.deadline(ctx); ok {
		if d = d.Add(-replyReserve); d.Before(end) {
			end = d
		}
	}
	return end
}

// backoff is the wait before attempt n+1 when Graph named none.
func (h *Handler) backoff(n int) time.Duration {
	d := backoffBase << (n - 1)
	if d > backoffCap || d <= 0 {
		d = backoffCap
	}
	half := d / 2
	return half + time.Duration(h.jitter()*float64(half))
}
