package lambda

import (
	"context"
	"log/slog"

	"github.com/sharelink/sharelink/core"
)

// Metrics, as CloudWatch Embedded Metric Format: JSON log lines with an
// "_aws" member that CloudWatch Logs turns into metrics, no client and no
// call. One line per request, and one per rule that fired.

// MetricsNamespace is the CloudWatch namespace of sharelink's metrics.
const MetricsNamespace = "sharelink"

type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

type emfMeta struct {
	Timestamp         int64          `json:"Timestamp"`
	CloudWatchMetrics []emfDirective `json:"CloudWatchMetrics"`
}

var requestMetrics = []emfMetric{
	{"Requests", "Count"}, {"Latency", "Milliseconds"}, {"UpstreamAttempts", "Count"},
	{"Throttles", "Count"}, {"RetryWait", "Milliseconds"},
}

// logMetrics writes the request's metrics line and one line per rule
// that fired. Dimensions: action (a route name, or "none") and outcome
// (the decision's); rule, mode and effect for the rules.
func (h *Handler) logMetrics(ctx context.Context, x *exchange) {
	now := h.now()
	action := "none"
	if x.action != 0 {
		action = x.action.String()
	}
	outcome := x.outcome()
	throttles := 0
	if x.attempts > 1 {
		throttles = x.attempts - 1 // only throttling (429, 503, 509) and 504 answers are retried
	}
	if isThrottle(x.upstreamStatus) && x.attempts > 0 && x.status == x.upstreamStatus {
		throttles++ // the last answer, passed back
	}
	meta := emfMeta{Timestamp: now.UnixMilli(), CloudWatchMetrics: []emfDirective{{
		Namespace: MetricsNamespace, Dimensions: [][]string{{"action", "outcome"}, {"action"}}, Metrics: requestMetrics,
	}}}
	h.log.LogAttrs(ctx, slog.LevelInfo, "metrics",
		slog.Any("_aws", meta),
		slog.String("action", action), slog.String("outcome", outcome),
		slog.Int("Requests", 1),
		slog.Float64("Latency", ms(now.Sub(x.start))),
		slog.Int("UpstreamAttempts", x.attempts),
		slog.Int("Throttles", throttles),
		slog.Float64("RetryWait", ms(x.waited)),
	)
	h.ruleMetrics(ctx, meta.Timestamp, action, x.pol.findings)
	if x.batch != nil {
		// A batch's sharing steps fire rules as alone: counted under the
		// step's action.
		for i := range x.batch.Steps {
			st := &x.batch.Steps[i]
			if st.Route.Action != 0 {
				h.ruleMetrics(ctx, meta.Timestamp, st.Route.Action.String(), st.Findings())
			}
		}
	}
}

// ruleMetrics writes one RuleFired line per finding.
func (h *Handler) ruleMetrics(ctx context.Context, ts int64, action string, fs []core.Finding) {
	for _, f := range fs {
		rm := emfMeta{Timestamp: ts, CloudWatchMetrics: []emfDirective{{
			Namespace: MetricsNamespace, Dimensions: [][]string{{"rule", "mode"}, {"action", "rule", "mode", "effect"}},
			Metrics: []emfMetric{{"RuleFired", "Count"}},
		}}}
		h.log.LogAttrs(ctx, slog.LevelInfo, "metrics",
			slog.Any("_aws", rm),
			slog.String("action", action), slog.String("rule", f.Rule.Target()),
			slog.String("mode", f.Mode.String()), slog.String("effect", f.Effect.String()),
			slog.String("stage", f.Stage.String()),
			slog.Int("RuleFired", 1),
		)
	}
}

func isThrottle(status int) bool { return status == 429 || status == 503 || status == 509 }
