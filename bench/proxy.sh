#!/usr/bin/env bash
# Measures Cutover's proxy against the backend direct, YARP's own plain proxy, nginx and haproxy, side by side,
# on 127.0.0.1 only.
#   1. saturation: wrk, 2 threads, 64 keep-alive connections, DURATION seconds each, after a warm-up, in ROUNDS
#      (default 3) rounds that interleave the targets, median reported; also the CPU time the target's own
#      processes used during each run (utime+stime from /proc) divided by its requests;
#   2. fixed rate: hey at half the direct maximum (no coordinated omission), p50/p99 per target;
#   3. fixed low rate: hey at LOW_RATE req/s (default 4,000), which every proxy sustains on 2 cores, so the
#      added latency is the per-request cost and not queueing.
# Prints the figures and the ratios to direct and nginx. Bounded: about 5 minutes in all at 10 s and 3 rounds.
# Usage: bench/proxy.sh [DURATION_SECONDS]
#   ROUNDS=N sets the rounds; TARGETS="cutover yarp" restricts the run (direct is always measured first: it sets the fixed rate);
#   LATENCY=0 skips the fixed-rate runs; LOW_RATE=N changes the low fixed rate;
#   BASELINE=DIR adds the target "baseline": DIR's bench/ProxyHost (another checkout, e.g. `git archive main`),
#   measured in the same interleaved rounds as "cutover", so a change's cost per request is read in one run.
#   TARGETS="cutover metrics" adds the target "metrics": the same ProxyHost with the host's OpenTelemetry meter
#   provider and Prometheus exporter, scraped on 127.0.0.1 every SCRAPE_INTERVAL seconds (default 1); "cutover"
#   then gets an admin listener too, scraped alike (404), so the exporter is the only difference between the two.
# Usage: bench/proxy.sh --check
#   The regression guard, run before any change to the request path (docs/performance.md, "Regression guard"):
#   Cutover's ProxyHost and YARP's plain proxy only, CHECK_ROUNDS (default 9) interleaved rounds of CHECK_SECONDS
#   (default 4) each, the order swapped every round (A B, B A, ...); exits 1 when the median of the rounds' ratios
#   of CPU µs per request, Cutover / YARP plain, is above 1 + CHECK_MARGIN% (default 10). 88 s of measuring after
#   publishing the three projects: 3-4 minutes in all on the busy shared machine, about 2 on an idle one.
#   BENCH_SPIN_US=N makes ProxyHost burn N µs of CPU per request, a regression of known size to see it fail.
set -euo pipefail
cd "$(dirname "$0")"
check=0
if [ "${1:-}" = --check ]; then
  check=1
  shift
fi
if [ $check = 1 ]; then
  duration="${CHECK_SECONDS:-4}"
  rounds="${CHECK_ROUNDS:-9}"
  margin="${CHECK_MARGIN:-10}"
  # Under load from elsewhere the JIT's background tier-up takes seconds, and its CPU counts as the proxy's: with 2 s
  # of warm-up the first two rounds measured 2-3 times the steady cost (seen in every run on the shared machine).
  warmup=8
  LATENCY=0
  targets=(cutover yarp)
else
  duration="${1:-10}"
  rounds="${ROUNDS:-3}"
  warmup=3
  read -r -a targets <<<"direct ${TARGETS:-cutover yarp nginx haproxy}${BASELINE:+ baseline}"
fi
backend_port=19081 proxy_port=19082 nginx_port=19083 yarp_port=19084 haproxy_port=19085 baseline_port=19086
metrics_port=19087 proxy_admin_port=19088 metrics_admin_port=19089
wants() { [[ " ${targets[*]} " == *" $1 "* ]]; }

need=()
command -v wrk >/dev/null || need+=(wrk)
[ "${LATENCY:-1}" = 0 ] || command -v hey >/dev/null || need+=(hey)
wants nginx && ! command -v nginx >/dev/null && need+=(nginx-light)
wants haproxy && ! command -v haproxy >/dev/null && need+=(haproxy)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
for port in $backend_port $proxy_port $nginx_port $yarp_port $haproxy_port $baseline_port $metrics_port $proxy_admin_port $metrics_admin_port; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "bench: port $port is in use" >&2; exit 1; fi
done

work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

started=$SECONDS
# The projects share nothing they build, so they publish side by side (the check's time is half publishing).
publishing=()
publish() { dotnet publish "$1" -c Release -o "$work/$2" -nologo -v quiet >"$work/publish-$2.log" 2>&1 || { cat "$work/publish-$2.log" >&2; return 1; }; }
publish Backend backend & publishing+=($!)
publish ProxyHost proxy & publishing+=($!)
if wants yarp; then publish YarpHost yarp & publishing+=($!); fi
if wants baseline; then publish "$BASELINE/bench/ProxyHost" baseline & publishing+=($!); fi
for job in "${publishing[@]}"; do wait "$job"; done
echo "published in $(( SECONDS - started )) s"

declare -A pid
"$work/backend/bench-backend" --urls "http://127.0.0.1:$backend_port" >/dev/null 2>&1 & pids+=($!); pid[direct]=$!
if wants metrics; then
  # Both ProxyHosts get an admin listener and the same scrapes; only "metrics" has the exporter behind it.
  BENCH_ADMIN_PORT=$proxy_admin_port "$work/proxy/bench-proxy" $proxy_port $backend_port >/dev/null 2>&1 & pids+=($!); pid[cutover]=$!
  BENCH_ADMIN_PORT=$metrics_admin_port BENCH_METRICS=1 "$work/proxy/bench-proxy" $metrics_port $backend_port >/dev/null 2>&1 & pids+=($!); pid[metrics]=$!
elif wants cutover; then
  "$work/proxy/bench-proxy" $proxy_port $backend_port >/dev/null 2>&1 & pids+=($!); pid[cutover]=$!
fi
if wants yarp; then
  "$work/yarp/bench-yarp" $yarp_port $backend_port >/dev/null 2>&1 & pids+=($!); pid[yarp]=$!
fi
if wants baseline; then
  "$work/baseline/bench-proxy" $baseline_port $backend_port >/dev/null 2>&1 & pids+=($!); pid[baseline]=$!
fi
if wants nginx; then
cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$backend_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Real-IP \$remote_addr;
      proxy_buffering off;
    }
  }
}
NGINX
nginx -c "$work/nginx.conf" -g 'daemon off;' & pids+=($!); pid[nginx]=$!
fi
if wants haproxy; then
# haproxy in HTTP mode with keep-alive to the backend (its default, http-reuse safe) and X-Forwarded-For;
# one thread per core, like nginx's worker_processes auto.
cat > "$work/haproxy.cfg" <<HAPROXY
global
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 100s
  timeout server 100s
  option forwardfor
frontend bench
  bind 127.0.0.1:$haproxy_port
  default_backend backend
backend backend
  server blue 127.0.0.1:$backend_port
HAPROXY
haproxy -f "$work/haproxy.cfg" -db >/dev/null 2>&1 & pids+=($!); pid[haproxy]=$!
fi

declare -A url=([direct]="http://127.0.0.1:$backend_port/" [cutover]="http://127.0.0.1:$proxy_port/"
  [yarp]="http://127.0.0.1:$yarp_port/" [nginx]="http://127.0.0.1:$nginx_port/" [haproxy]="http://127.0.0.1:$haproxy_port/"
  [baseline]="http://127.0.0.1:$baseline_port/" [metrics]="http://127.0.0.1:$metrics_port/")
for t in "${targets[@]}"; do
  for _ in $(seq 1 100); do curl -sf "${url[$t]}" >/dev/null && break; sleep 0.1; done
  curl -sf "${url[$t]}" >/dev/null || { echo "bench: nothing answers for $t" >&2; exit 1; }
done

if wants metrics; then
  # A Prometheus stand-in: scrapes both admin listeners every SCRAPE_INTERVAL s for the whole run. Bounded by
  # count (an hour's worth at 1 s) and by the run itself (cleanup kills it); each scrape gives up after 5 s.
  scrape_interval="${SCRAPE_INTERVAL:-1}"
  (
    for _ in $(seq 1 3600); do
      curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$proxy_admin_port/metrics" || true
      curl -sf -o "$work/last-scrape" --max-time 5 "http://127.0.0.1:$metrics_admin_port/metrics" && echo >>"$work/scrapes"
      sleep "$scrape_interval"
    done
  ) & pids+=($!)
fi

# CPU ticks (utime+stime) of a process and its children threads/processes (nginx workers are children).
ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)

declare -A rps cpu runs p50 p99 l50 l99
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
spread() { tr ' ' '\n' | grep . | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.0f-%.0f", lo, hi}'; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for t in "${targets[@]}"; do wrk -t2 -c64 -d${warmup}s "${url[$t]}" >/dev/null; done   # warm-up (JIT, connection pools)
# Rounds interleave the targets, so that a burst of load from elsewhere on the machine hits them all alike.
for round in $(seq 1 "$rounds"); do
  # Even rounds take the proxies in reverse order, so that none always runs right after the same neighbour.
  order=("${targets[@]}")
  if [ $(( round % 2 )) -eq 0 ]; then
    if [ "${targets[0]}" = direct ]; then order=(direct $(printf '%s\n' "${targets[@]:1}" | tac)); else order=($(printf '%s\n' "${targets[@]}" | tac)); fi
  fi
  for t in "${order[@]}"; do
    before=$(ticks "${pid[$t]}")
    out=$(wrk -t2 -c64 -d"${duration}s" "${url[$t]}")
    after=$(ticks "${pid[$t]}")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    runs[$t]+=" $(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")"
    cpu[$t]+=" $(awk -v d=$(( after - before )) -v hz="$hz" -v n="$requests" 'BEGIN {printf "%.1f", d / hz * 1e6 / n}')"
  done
  echo "round $round, load $(cut -d' ' -f1 /proc/loadavg)"
done
declare -A cpu_runs
for t in "${targets[@]}"; do
  cpu_runs[$t]="${cpu[$t]}"
  rps[$t]=$(median <<<"${runs[$t]}")
  cpu[$t]=$(median <<<"${cpu[$t]}")
done

# Ratio of A to B round by round (the two ran back to back, so the load from elsewhere hit both alike), as
# "median [lowest-highest]" over the rounds. $1 and $2 are the space-separated per-round figures of A and B.
paired() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    n = split(a, x, " "); split(b, y, " ")
    for (i = 1; i <= n; i++) r[i] = x[i] / y[i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
    m = (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
    printf "%.3f [%.3f-%.3f]", m, r[1], r[n]
  }'
}

if [ $check = 1 ]; then
  echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "CPU µs per request, $rounds interleaved rounds of wrk -t2 -c64 -d${duration}s:"
  echo "  cutover${cpu_runs[cutover]}  (median ${cpu[cutover]})"
  echo "  yarp   ${cpu_runs[yarp]}  (median ${cpu[yarp]})"
  ratio=$(paired "${cpu_runs[cutover]}" "${cpu_runs[yarp]}")
  # Measured on the 2-core machine shared with other builds: with no change, a run's median moved between 0.89
  # and 1.08 at load averages of 30-100, so a FAIL on a busy machine is worth a second run before a search.
  busy=$(awk -v n="$(nproc)" '{print ($1 > 2 * n) ? $1 : ""}' /proc/loadavg)
  echo "cutover/yarp per round: median [range] $ratio; req/s cutover/yarp $(paired "${runs[cutover]}" "${runs[yarp]}")"
  if awk -v r="${ratio%% *}" -v m="$margin" 'BEGIN {exit !(r > 1 + m / 100)}'; then
    echo "FAIL: Cutover's CPU per request is $(awk -v r="${ratio%% *}" 'BEGIN {printf "%+.1f%%", (r - 1) * 100}') against YARP's plain proxy (allowed: +$margin%); $(( SECONDS - started )) s in all."
    echo "      A change on the request path costs more than it should; measure it with BASELINE= (docs/performance.md)."
    if [ -n "$busy" ]; then echo "      The machine is busy (load average $busy on $(nproc) cores): run the check again before looking further."; fi
    exit 1
  fi
  echo "PASS: Cutover's CPU per request is $(awk -v r="${ratio%% *}" 'BEGIN {printf "%+.1f%%", (r - 1) * 100}') against YARP's plain proxy (allowed: +$margin%); $(( SECONDS - started )) s in all."
  exit 0
fi

if [ "${LATENCY:-1}" != 0 ]; then
  workers=32
  rate=$(awk -v r="${rps[direct]}" 'BEGIN {printf "%d", r / 2}')
  per_worker=$(( rate / workers ))
  low_rate=${LOW_RATE:-4000}
  low_per_worker=$(( low_rate / workers ))
  for t in "${targets[@]}"; do
    out=$(hey -z "${duration}s" -c $workers -q $per_worker "${url[$t]}")
    p50[$t]=$(awk '/ 50% in/ {printf "%.3f", $3 * 1000}' <<<"$out")
    p99[$t]=$(awk '/ 99% in/ {printf "%.3f", $3 * 1000}' <<<"$out")
    out=$(hey -z "${duration}s" -c $workers -q $low_per_worker "${url[$t]}")
    l50[$t]=$(awk '/ 50% in/ {printf "%.3f", $3 * 1000}' <<<"$out")
    l99[$t]=$(awk '/ 99% in/ {printf "%.3f", $3 * 1000}' <<<"$out")
  done
fi
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "Saturation: wrk -t2 -c64 -d${duration}s, median of $rounds interleaved rounds (range in brackets);"
echo "cpu_us = CPU time of the target's own processes per request (median)."
if [ "${LATENCY:-1}" != 0 ]; then
  echo "Latency at a fixed $((per_worker * workers)) req/s and at $((low_per_worker * workers)) req/s (hey -c $workers -z ${duration}s), in ms."
fi
printf '%-8s %8s %13s %8s %9s %9s %9s %9s\n' target req/s range cpu_us p50 p99 low_p50 low_p99
for t in "${targets[@]}"; do
  printf '%-8s %8.0f %13s %8s %9s %9s %9s %9s\n' "$t" "${rps[$t]}" "[$(spread <<<"${runs[$t]}")]" "${cpu[$t]}" "${p50[$t]:--}" "${p99[$t]:--}" "${l50[$t]:--}" "${l99[$t]:--}"
done
echo
for t in "${targets[@]}"; do
  [ "$t" = direct ] && continue
  awk -v t="$t" -v r="${rps[$t]}" -v d="${rps[direct]}" -v n="${rps[nginx]:-0}" \
      -v p50="${p50[$t]:-0}" -v d50="${p50[direct]:-0}" -v p99="${p99[$t]:-0}" -v d99="${p99[direct]:-0}" \
      -v l50="${l50[$t]:-0}" -v dl50="${l50[direct]:-0}" -v l99="${l99[$t]:-0}" -v dl99="${l99[direct]:-0}" 'BEGIN {
    printf "%-8s /direct %.2f", t, r / d
    if (n > 0) printf "  /nginx %.2f", r / n
    printf "  added p50 %+.3f p99 %+.3f ms; at the low rate p50 %+.3f p99 %+.3f ms\n", p50 - d50, p99 - d99, l50 - dl50, l99 - dl99
  }'
done
if wants baseline && wants cutover; then
  echo "cpu_us per round: cutover${cpu_runs[cutover]}; baseline${cpu_runs[baseline]}"
  awk -v c="${cpu[cutover]}" -v b="${cpu[baseline]}" 'BEGIN {printf "cutover  /baseline cpu_us %.1f vs %.1f: %+.1f%%\n", c, b, (c / b - 1) * 100}'
  echo "cutover  /baseline per round: cpu_us $(paired "${cpu_runs[cutover]}" "${cpu_runs[baseline]}"), req/s $(paired "${runs[cutover]}" "${runs[baseline]}")"
fi
if wants metrics && wants cutover; then
  echo "cpu_us per round: metrics${cpu_runs[metrics]}; cutover${cpu_runs[cutover]}"
  echo "metrics  /cutover per round, median [range]: cpu_us $(paired "${cpu_runs[metrics]}" "${cpu_runs[cutover]}"), req/s $(paired "${runs[metrics]}" "${runs[cutover]}")"
  if [ "${LATENCY:-1}" != 0 ]; then
    awk -v a="${p50[metrics]}" -v b="${p50[cutover]}" -v c="${p99[metrics]}" -v d="${p99[cutover]}" \
        -v e="${l50[metrics]}" -v f="${l50[cutover]}" -v g="${l99[metrics]}" -v h="${l99[cutover]}" 'BEGIN {
      printf "metrics  /cutover latency: p50 %.3f p99 %.3f at the fixed rate; p50 %.3f p99 %.3f at the low rate\n", a / b, c / d, e / f, g / h
    }'
  fi
  scraped=$(wc -l <"$work/scrapes" 2>/dev/null || echo 0)
  echo "/metrics scraped $scraped times every ${scrape_interval} s; the last scrape counted $(awk '/^cutover_proxy_request_duration_seconds_count/ {print $2}' "$work/last-scrape" 2>/dev/null || echo '?') timed requests"
fi
