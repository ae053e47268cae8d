#!/usr/bin/env bash
# Fifty apps on one host: starts a Cutover host with 0, 10 and 50 apps of a tiny local image (busybox httpd,
# built FROM scratch here, nothing pulled) and measures, for each count, the time until every app serves and the
# host's RSS, threads, open file descriptors and sockets and CPU at idle; with the largest count it also sends one
# deployment per app at once (one requester, as a script would), times them until all have ended, measures RSS
# and CPU under a bounded wrk load against a few apps, and times the dashboard's render in headless Chromium.
#
# Not part of CI (it takes about 4 minutes and wants a quiet machine). Run from anywhere:
#   bash bench/scale.sh                      # counts 0 10 50, results in bench/out/scale-<time>.txt
#   COUNTS="50" bash bench/scale.sh          # only 50 apps
#   HOST_ENV="DOTNET_gcServer=1" bash bench/scale.sh   # try a runtime setting (space-separated VAR=value)
#   IDLE_ONLY=1 COUNTS=50 bash bench/scale.sh         # idle figures only (no deployments, load or dashboard)
#   SNAPSHOT=cmd: run "cmd PID APPS WORKDIR" on the idle host after each count's figures (e.g. a dotnet-gcdump)
# Knobs: COUNTS, IDLE_SECONDS (10), SETTLE_SECONDS (60), LOAD_SECONDS (10), LOAD_APPS (3), DEPLOY_BOUND (300 s), SERVE_BOUND (240 s),
#        CUTOVER (a binary or a cutover.dll; default dist/cutover when present, else the Release build's
#        cutover.dll), HOST_ENV.
# Ports (loopback only): apps 19000+i, blue slots 19100+i, green slots 19200+i, admin 19290.
# It stops by itself within its bounds and removes what it started (host, its containers) even on failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

counts="${COUNTS:-0 10 50}"
idle_seconds="${IDLE_SECONDS:-10}"
load_seconds="${LOAD_SECONDS:-10}"
load_apps="${LOAD_APPS:-3}"
settle_seconds="${SETTLE_SECONDS:-60}"
deploy_bound="${DEPLOY_BOUND:-300}"
serve_bound="${SERVE_BOUND:-240}"
admin_port=19290
admin="http://127.0.0.1:$admin_port"
image_v1=cutover-scale:v1
image_v2=cutover-scale:v2
ticks=$(getconf CLK_TCK)
mkdir -p bench/out
results="bench/out/scale-$(date -u +%Y%m%dT%H%M%SZ).txt"
work="$(mktemp -d /tmp/cutover-scale-XXXXXX)"
host_pid=""

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
say() { echo "$*" | tee -a "$results"; }

# --- cleanup: the host, then every container of its instance (and of our app names, should the database be gone)
stop_host() {
  if [ -n "$host_pid" ] && kill -0 "$host_pid" 2>/dev/null; then
    kill -TERM "$host_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$host_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$host_pid" 2>/dev/null || true
    wait "$host_pid" 2>/dev/null || true
  fi
  host_pid=""
  local instance=""
  [ -f "$work/cutover.db" ] && instance=$(sqlite3 "file:$work/cutover.db?mode=ro" "SELECT InstanceId FROM host_instance" 2>/dev/null || true)
  if [ -n "$instance" ]; then
    docker ps -aq --filter "label=cutover.instance=$instance" | xargs -r docker rm -f >/dev/null
  fi
  docker ps -a --filter name=cutover-scale- --format '{{.ID}} {{.Names}}' \
    | awk '$2 ~ /^cutover-scale-[0-9]+-(blue|green)$/ {print $1}' | xargs -r docker rm -f >/dev/null
}
cleanup() {
  local code=$?
  stop_host
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the image: busybox httpd FROM scratch, /health answers 200; v2 differs only in its page
build_image() {
  local tag=$1 version=$2
  docker image inspect "$tag" >/dev/null 2>&1 && return 0
  local context
  context=$(mktemp -d)
  mkdir -p "$context/rootfs/bin" "$context/rootfs/www"
  cp /usr/bin/busybox "$context/rootfs/bin/busybox"
  ln -s busybox "$context/rootfs/bin/sh"
  ln -s busybox "$context/rootfs/bin/httpd"
  echo ok > "$context/rootfs/www/health"
  echo "scale $version" > "$context/rootfs/www/index.html"
  # httpd as a child of a shell that exits on TERM: PID 1 ignores signals it has no handler for, and a stop
  # would otherwise wait the whole stop timeout.
  cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
EXPOSE 8080
ENTRYPOINT ["/bin/sh", "-c", "trap 'exit 0' TERM INT; /bin/httpd -f -p 8080 -h /www & wait"]
DOCKERFILE
  docker build -q -t "$tag" "$context" >/dev/null 2>&1
  rm -rf "$context"
  log "built $tag"
}
command -v busybox >/dev/null || { echo "scale: busybox is needed (apt-get install busybox-static)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "scale: wrk is needed (apt-get install wrk)" >&2; exit 2; }
for n in $counts; do
  # app ports 19001-19079 stop below bench/proxy.sh's 19081-19089
  [ "$n" -le 79 ] || { echo "scale: at most 79 apps (ports 19001-19079)" >&2; exit 2; }
done
build_image "$image_v1" v1
build_image "$image_v2" v2

# --- the host binary
if [ -n "${CUTOVER:-}" ]; then
  CUTOVER=$(realpath "$CUTOVER")  # the host runs in its work directory
  case "$CUTOVER" in *.dll) host_cmd=(dotnet "$CUTOVER") ;; *) host_cmd=("$CUTOVER") ;; esac
elif [ -x dist/cutover ]; then host_cmd=("$repo/dist/cutover")
else
  dll="$repo/src/Web/bin/Release/net10.0/cutover.dll"
  [ -f "$dll" ] || dotnet build src/Web -c Release -nologo -v quiet
  host_cmd=(dotnet "$dll")
fi

write_apps() {
  local n=$1 file=$2
  echo "apps:" > "$file"
  [ "$n" -eq 0 ] && { echo "apps: {}" > "$file"; return; }
  for i in $(seq 1 "$n"); do
    cat >> "$file" <<YAML
  scale-$(printf %02d "$i"):
    image: $image_v1
    pull: never
    listen: 127.0.0.1:$((19000 + i))
    slots: { blue: $((19100 + i)), green: $((19200 + i)) }
    container: { port: 8080 }
    health: { path: /health }
YAML
  done
}

# --- /proc figures of the host
proc_cpu() { awk '{print $14 + $15}' "/proc/$host_pid/stat"; }
proc_rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$host_pid/status"; }
proc_threads() { awk '/^Threads/ {print $2}' "/proc/$host_pid/status"; }
proc_fds() { ls "/proc/$host_pid/fd" | wc -l; }
proc_sockets() { find "/proc/$host_pid/fd" -lname 'socket:*' 2>/dev/null | wc -l; }
# CPU of the host over SECONDS, as % of one core
cpu_over() {
  local seconds=$1 before after
  before=$(proc_cpu); sleep "$seconds"; after=$(proc_cpu)
  awk -v a="$after" -v b="$before" -v t="$ticks" -v s="$seconds" 'BEGIN {printf "%.1f", (a - b) / t / s * 100}'
}
# where the RSS goes (bench/scale/smaps.sh), as an indented block under the figures
breakdown() { say ""; bash "$repo/bench/scale/smaps.sh" "$host_pid" | sed 's/^/    /' | tee -a "$results"; say ""; }
# The host hands back what a burst of deployments left 30 s after the last deployment change (MemoryAfterDeployments),
# and SQLite's pooled connections close after a few idle minutes: the figure a while later is the steady state.
settled() {
  [ "$settle_seconds" -gt 0 ] || return 0
  sleep "$settle_seconds"
  say "$settle_seconds s later, idle: RSS $(proc_rss_mb) MB, $(proc_threads) threads"
  breakdown
}
now() { date +%s.%N; }
elapsed() { awk -v a="$(now)" -v b="$1" 'BEGIN {printf "%.1f", a - b}'; }

start_host() {
  local n=$1
  rm -rf "$work"/*
  write_apps "$n" "$work/apps.yaml"
  # shellcheck disable=SC2086
  (cd "$work" && exec env ${HOST_ENV:-} Logging__Console__FormatterName=simple "${host_cmd[@]}" \
      --Cutover:AppsFile="$work/apps.yaml" --Cutover:Database="$work/cutover.db" --Cutover:AdminUrl="$admin" \
      >"$work/host.log" 2>&1) &
  host_pid=$!
  # `dotnet x.dll` execs the host itself, so the pid is the host's
}

wait_all_serving() {
  local n=$1 started=$2 deadline=$(( $(date +%s) + serve_bound ))
  until curl -fs -o /dev/null "$admin/healthz"; do
    [ "$(date +%s)" -lt "$deadline" ] || { log "host did not answer"; tail -20 "$work/host.log" >&2; return 1; }
    kill -0 "$host_pid" 2>/dev/null || { log "host exited"; tail -20 "$work/host.log" >&2; return 1; }
    sleep 0.2
  done
  admin_up=$(elapsed "$started")
  local pending=()
  for i in $(seq 1 "$n"); do pending+=("$i"); done
  while [ ${#pending[@]} -gt 0 ]; do
    local left=()
    for i in "${pending[@]}"; do
      curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$((19000 + i))/health" || left+=("$i")
    done
    pending=("${left[@]+"${left[@]}"}")
    [ ${#pending[@]} -eq 0 ] && break
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "${#pending[@]} apps not serving after ${serve_bound}s: ${pending[*]}"
      grep -h -A1 '^fail' "$work/host.log" | grep -v '^fail\|^--' | sort | uniq -c | sort -rn | head -5 >&2 || true
      not_serving=${#pending[@]}
      return 0
    fi
    sleep 0.5
  done
}

say "# bench/scale.sh $(date -u +%FT%TZ) on $(hostname): $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
say "# host: ${host_cmd[*]} ${HOST_ENV:-}; commit $(git rev-parse --short HEAD)$(git diff --quiet || echo +changes)"
say "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
say ""
say "| apps | all serving (s) | RSS idle (MB) | threads | fds | sockets | CPU idle (% of a core) |"
say "|---:|---:|---:|---:|---:|---:|---:|"
last=""
for n in $counts; do
  log "$n apps: starting the host"
  started=$(now)
  start_host "$n"
  not_serving=0
  wait_all_serving "$n" "$started"
  serving=$(elapsed "$started")
  [ "$not_serving" -eq 0 ] || serving="$serving ($not_serving not serving)"
  log "$n apps: all serving after $serving s (admin answered after $admin_up s); settling"
  sleep 15
  cpu=$(cpu_over "$idle_seconds")
  say "| $n | $serving | $(proc_rss_mb) | $(proc_threads) | $(proc_fds) | $(proc_sockets) | $cpu |"
  breakdown
  settled
  [ -z "${SNAPSHOT:-}" ] || "$SNAPSHOT" "$host_pid" "$n" "$work" || true
  last=$n
  [ "$n" = "$(echo "$counts" | tr ' ' '\n' | sort -n | tail -1)" ] && [ "$n" -gt 0 ] && break
  stop_host
done
n=$last
[ "$n" -gt 0 ] && [ "${IDLE_ONLY:-0}" != 1 ] || exit 0

# --- n deployments sent at once by one requester
say ""
log "$n apps: $n deployments at once"
sent=$(now)
pids=()
for i in $(seq 1 "$n"); do
  curl -s -o "$work/deploy-$i.json" -w '%{http_code}\n' --max-time 30 -X POST -H 'Content-Type: application/json' \
    -d "{\"image\":\"$image_v2\",\"reason\":\"bench/scale.sh\"}" "$admin/api/apps/scale-$(printf %02d "$i")/deployments" \
    > "$work/deploy-$i.code" &
  pids+=($!)
done
wait "${pids[@]}"  # not a bare wait: the host is a background job too
accepted=$(cat "$work"/deploy-*.code | grep -c '^202$' || true)
answered=$(elapsed "$sent")
refused=$(cat "$work"/deploy-*.code | grep -vc '^202$' || true)
log "$accepted accepted, $refused refused (answered within $answered s); waiting for them to end"
deadline=$(( $(date +%s) + deploy_bound ))
peak_rss=0
while :; do
  curl -fs "$admin/api/deployments?take=200" > "$work/deployments.json" || true
  ended=$(jq --arg img "$image_v2" '[.items[] | select(.image == $img and (.status | IN("completed","rolled_back","failed","cancelled")))] | length' "$work/deployments.json" 2>/dev/null || echo 0)
  rss=$(proc_rss_mb); peak_rss=$(awk -v a="$rss" -v b="$peak_rss" 'BEGIN {print (a > b) ? a : b}')
  [ "$ended" -ge "$accepted" ] && break
  [ "$(date +%s)" -lt "$deadline" ] || { log "only $ended of $accepted ended after ${deploy_bound}s"; break; }
  sleep 1
done
all_ended=$(elapsed "$sent")
outcomes=$(jq -r --arg img "$image_v2" '[.items[] | select(.image == $img) | .status] | group_by(.) | map("\(.[0]) \(length)") | join(", ")' "$work/deployments.json")
say "$n deployments sent at once by one requester: $accepted accepted, $refused refused; all ended after $all_ended s ($outcomes); peak RSS during them $peak_rss MB"
# the timeline: when each deployment started and ended, relative to the first request
jq -r --arg img "$image_v2" '[.items[] | select(.image == $img)] | sort_by(.startedAt) | .[] | [.app, .status, .startedAt, (.finishedAt // "")] | @tsv' \
  "$work/deployments.json" > "$work/timeline.tsv" 2>/dev/null || true
[ -s "$work/timeline.tsv" ] && python3 - "$work/timeline.tsv" "$sent" <<'PY' | tee -a "$results"
import sys, datetime
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
sent = float(sys.argv[2])
def t(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() - sent if s else None
ends = sorted(e for e in (t(r[3]) for r in rows) if e is not None)
durations = sorted(t(r[3]) - t(r[2]) for r in rows if r[3])
if ends:
    q = lambda xs, p: xs[min(len(xs) - 1, int(p * len(xs)))]
    print(f"timeline: first ended {ends[0]:.1f} s, median {q(ends, .5):.1f} s, 90% {q(ends, .9):.1f} s, last {ends[-1]:.1f} s after the requests;"
          f" each took median {q(durations, .5):.1f} s, max {durations[-1]:.1f} s from request to end")
PY

# --- idle again, then under load
sleep 10
say "after the deployments, idle: RSS $(proc_rss_mb) MB, $(proc_threads) threads, $(proc_fds) fds, $(proc_sockets) sockets, CPU $(cpu_over "$idle_seconds")% of a core"
breakdown
settled
log "load: wrk on $load_apps apps for $load_seconds s"
pids=()
for i in $(seq 1 "$load_apps"); do
  timeout $((load_seconds + 10)) wrk -t1 -c8 -d"${load_seconds}s" "http://127.0.0.1:$((19000 + i))/" > "$work/wrk-$i.txt" 2>&1 &
  pids+=($!)
done
sleep 1
load_cpu=$(cpu_over $((load_seconds - 2)))
load_rss=$(proc_rss_mb); load_threads=$(proc_threads)
wait "${pids[@]}"
rps=$(cat "$work"/wrk-*.txt | awk '/Requests\/sec/ {s += $2} END {printf "%.0f", s}')
errors=$(cat "$work"/wrk-*.txt | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
say "under load (wrk -t1 -c8 on $load_apps apps, ${load_seconds}s each, at once): $rps req/s in all; host RSS $load_rss MB, $load_threads threads, CPU $load_cpu% of a core ${errors:+(wrk: $errors)}"

# --- the dashboard's render time in headless Chromium (Playwright's driver from the e2e project's build)
driver="$repo/tests/e2e/bin/Release/net10.0/.playwright"
if [ ! -d "$driver/package" ]; then dotnet build tests/e2e -c Release -nologo -v quiet >/dev/null; fi
if [ -x /usr/bin/chromium ] && [ -d "$driver/package" ]; then
  render=$(timeout 120 "$driver/node/linux-x64/node" bench/scale/dashboard-render.js "$admin/" "$n" "$driver/package" 2>"$work/render.err" || { cat "$work/render.err" >&2; echo failed; })
  say "dashboard with $n apps, from navigation to every card showing its health: $render"
else
  say "dashboard: not measured (no /usr/bin/chromium or Playwright driver)"
fi
say "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
log "results in $results"
