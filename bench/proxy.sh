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
set -euo pipefail
cd "$(dirname "$0")"
duration="${1:-10}"
rounds="${ROUNDS:-3}"
backend_port=19081 proxy_port=19082 nginx_port=19083 yarp_port=19084 haproxy_port=19085 baseline_port=19086
read -r -a targets <<<"direct ${TARGETS:-cutover yarp nginx haproxy}${BASELINE:+ baseline}"
wants() { [[ " ${targets[*]} " == *" $1 "* ]]; }

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v hey >/dev/null || need+=(hey)
wants nginx && ! command -v nginx >/dev/null && need+=(nginx-light)
wants haproxy && ! command -v haproxy >/dev/null && need+=(haproxy)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
for port in $backend_port $proxy_port $nginx_port $yarp_port $haproxy_port $baseline_port; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "bench: port $port is in use" >&2; exit 1; fi
done

work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet publish Backend -c Release -o "$work/backend" -nologo -v quiet >/dev/null
dotnet publish ProxyHost -c Release -o "$work/proxy" -nologo -v quiet >/dev/null
dotnet publish YarpHost -c Release -o "$work/yarp" -nologo -v quiet >/dev/null
if [ -n "${BASELINE:-}" ]; then
  dotnet publish "$BASELINE/bench/ProxyHost" -c Release -o "$work/baseline" -nologo -v quiet >/dev/null
fi

declare -A pid
"$work/backend/bench-backend" --urls "http://127.0.0.1:$backend_port" >/dev/null 2>&1 & pids+=($!); pid[direct]=$!
"$work/proxy/bench-proxy" $proxy_port $backend_port >/dev/null 2>&1 & pids+=($!); pid[cutover]=$!
"$work/yarp/bench-yarp" $yarp_port $backend_port >/dev/null 2>&1 & pids+=($!); pid[yarp]=$!
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
  [baseline]="http://127.0.0.1:$baseline_port/")
for t in "${targets[@]}"; do
  for _ in $(seq 1 100); do curl -sf "${url[$t]}" >/dev/null && break; sleep 0.1; done
  curl -sf "${url[$t]}" >/dev/null || { echo "bench: nothing answers for $t" >&2; exit 1; }
done

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
for t in "${targets[@]}"; do wrk -t2 -c64 -d3s "${url[$t]}" >/dev/null; done   # warm-up (JIT, connection pools)
# Rounds interleave the targets, so that a burst of load from elsewhere on the machine hits them all alike.
for round in $(seq 1 "$rounds"); do
  # Even rounds take the proxies in reverse order, so that none always runs right after the same neighbour.
  order=("${targets[@]}")
  if [ $(( round % 2 )) -eq 0 ]; then order=(direct $(printf '%s\n' "${targets[@]:1}" | tac)); fi
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
fi
