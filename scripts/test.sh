#!/usr/bin/env bash
# Runs every test: unit tests, then end-to-end tests against real listeners and a real Docker Engine.
# Prints one closing line: "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

# busybox-static builds the runtime tests' tiny image, docker-registry serves pull tests (apache2-utils' htpasswd gives it
# a login), socat stands in for a returning Docker, curl and jq run the s3dock example script, chromium the console's browser tests.
bash scripts/setup-machine.sh busybox-static docker-registry apache2-utils socat curl jq chromium || exit 1

results=$(mktemp -d)
status=0
dotnet build Console.sln -c Release -nologo -v quiet || exit 1
# The e2e tests run the published single file (dist/cutover) too: build it from this tree, never test a stale one.
bash scripts/publish.sh || exit 1
# One test run: its console log, and a trx file that the sum below reads.
run_tests() {
  local name=$1 project=$2
  shift 2
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "console;verbosity=normal" --logger "trx;LogFileName=$name.trx" \
    --results-directory "$results" "$@"
}

run_tests unit tests/unit 2>&1 | tee "$results/unit.log" || status=1

# The e2e tests run as two processes at once, each with its own loopback port range: most of their time is spent
# waiting (health checks, drains, idle timeouts, a takeover's load), so the run takes about half as long. The second
# holds long waits that hardly use the CPU; the first keeps the browser tests and the timing of most deployments.
second=(Proxy.IdleTimeoutTests Backup. Install. S3dock. Takeover. Engine.HealingTests Engine.NotificationTests Api.AccessTests Engine.ProgressiveDeliveryTests)
in_second=$(printf 'FullyQualifiedName~Cutover.Tests.E2E.%s|' "${second[@]}")
not_in_second=$(printf 'FullyQualifiedName!~Cutover.Tests.E2E.%s&' "${second[@]}")
# Both build the demo images first: publish the demo app here once, so that they never publish it into one folder at once.
DEMO_VERSION=v1 bash demo/build-image.sh cutover-demo:e2e-v1 >/dev/null || exit 1
CUTOVER_E2E_PORTS=26000-31999 run_tests e2e-waits tests/e2e --filter "${in_second%|}" >"$results/e2e-waits.log" 2>&1 &
waits=$!
CUTOVER_E2E_PORTS=20000-25999 run_tests e2e tests/e2e --filter "${not_in_second%&}" 2>&1 | tee "$results/e2e.log" || status=1
wait "$waits" || status=1
cat "$results/e2e-waits.log"

# Sum the runners' own result files so that a crash that ran nothing cannot look like success.
for name in unit e2e e2e-waits; do
  [ -s "$results/$name.trx" ] || { echo "test.sh: the $name run left no results ($results/$name.trx)" >&2; status=1; }
done
read -r passed failed skipped < <(cat "$results"/*.trx 2>/dev/null |
  grep -oE '<Counters [^>]*' |
  sed -E 's/.*total="([0-9]+)".*passed="([0-9]+)".*notExecuted="([0-9]+)".*/\1 \2 \3/' |
  awk '{p+=$2; f+=$1-$2-$3; s+=$3} END {print p+0, f+0, s+0}')
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ]; then status=1; fi
exit $status
