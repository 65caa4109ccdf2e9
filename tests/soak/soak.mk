# tests/soak/soak.mk — faults and load through the Lambda handler (issue 6).
# Included by the main Makefile (which defines GO); paths are relative to
# the repository root.
#
#   make soak   the full run: the handler over net/http in front of graphsim,
#               both on 127.0.0.1, real clock, eight phases (baseline, 429
#               storms with Retry-After in seconds and as an HTTP date, 503
#               bursts, latency, dropped connections, truncated bodies,
#               recovery), about two minutes, bounded in time and
#               in requests. The report is printed and written to
#               $(SOAK_REPORT); any violation fails the target.
#
# The short mode (about 20 s, with -race) is part of make test: go test
# ./... runs tests/soak. SOAK_FLAGS=-race runs the full mode under the
# race detector too.

SOAK_REPORT ?= dist/soak-report.txt
SOAK_FLAGS  ?=

.PHONY: soak

## soak: two minutes of faults and load through the proxy, with a report
## (a 20-second version runs in make test).
soak:
	@mkdir -p $(dir $(SOAK_REPORT))
	$(GO) test $(SOAK_FLAGS) -v -count=1 -timeout 10m -run '^TestSoak$$' ./tests/soak/ \
	  -args -soak.mode=full -soak.report=$(abspath $(SOAK_REPORT))
