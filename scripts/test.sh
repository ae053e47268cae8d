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
for project in tests/unit tests/e2e; do
  name=$(basename "$project")
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "console;verbosity=normal" --logger "trx;LogFileName=$name.trx" \
    --results-directory "$results" 2>&1 | tee "$results/$name.log" || status=1
done

# Sum the runners' own result files so that a crash that ran nothing cannot look like success.
read -r passed failed skipped < <(cat "$results"/*.trx 2>/dev/null |
  grep -oE '<Counters [^>]*' |
  sed -E 's/.*total="([0-9]+)".*passed="([0-9]+)".*notExecuted="([0-9]+)".*/\1 \2 \3/' |
  awk '{p+=$2; f+=$1-$2-$3; s+=$3} END {print p+0, f+0, s+0}')
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ]; then status=1; fi
exit $status
