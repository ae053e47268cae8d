#!/usr/bin/env bash
# Measures Cutover's proxy against the backend direct and against nginx, side by side, on 127.0.0.1 only.
#   1. saturation: wrk, 2 threads, 64 keep-alive connections, DURATION seconds each, after a warm-up;
#   2. fixed rate: hey at half the direct maximum (no coordinated omission), p50/p99 per target.
# Prints the figures and the ratios Cutover/direct and Cutover/nginx. Bounded: about 2 minutes in all.
# Usage: bench/proxy.sh [DURATION_SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
duration="${1:-10}"
backend_port=19081 proxy_port=19082 nginx_port=19083

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v hey >/dev/null || need+=(hey)
command -v nginx >/dev/null || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
for port in $backend_port $proxy_port $nginx_port; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "bench: port $port is in use" >&2; exit 1; fi
done

work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet publish Backend -c Release -o "$work/backend" -nologo -v quiet >/dev/null
dotnet publish ProxyHost -c Release -o "$work/proxy" -nologo -v quiet >/dev/null

"$work/backend/bench-backend" --urls "http://127.0.0.1:$backend_port" >/dev/null 2>&1 & pids+=($!)
"$work/proxy/bench-proxy" $proxy_port $backend_port >/dev/null 2>&1 & pids+=($!)
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
nginx -c "$work/nginx.conf" -g 'daemon off;' & pids+=($!)

for port in $backend_port $proxy_port $nginx_port; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/" >/dev/null || { echo "bench: nothing answers on $port" >&2; exit 1; }
done

declare -A url=([direct]="http://127.0.0.1:$backend_port/" [cutover]="http://127.0.0.1:$proxy_port/" [nginx]="http://127.0.0.1:$nginx_port/")
declare -A rps p50 p99
targets=(direct cutover nginx)

for t in "${targets[@]}"; do
  wrk -t2 -c64 -d3s "${url[$t]}" >/dev/null   # warm-up (JIT, connection pools)
  rps[$t]=$(wrk -t2 -c64 -d"${duration}s" "${url[$t]}" | awk '/Requests\/sec/ {print $2}')
done

rate=$(awk -v r="${rps[direct]}" 'BEGIN {printf "%d", r / 2}')
workers=32
per_worker=$(( rate / workers ))
for t in "${targets[@]}"; do
  out=$(hey -z "${duration}s" -c $workers -q $per_worker "${url[$t]}")
  p50[$t]=$(awk '/ 50% in/ {printf "%.3f", $3 * 1000}' <<<"$out")
  p99[$t]=$(awk '/ 99% in/ {printf "%.3f", $3 * 1000}' <<<"$out")
done

echo
echo "Saturation (wrk -t2 -c64 -d${duration}s), and latency at a fixed $((per_worker * workers)) req/s (hey -c $workers -q $per_worker -z ${duration}s):"
printf '%-8s %12s %10s %10s\n' target req/s p50_ms p99_ms
for t in "${targets[@]}"; do printf '%-8s %12s %10s %10s\n' "$t" "${rps[$t]}" "${p50[$t]}" "${p99[$t]}"; done
echo
awk -v c="${rps[cutover]}" -v d="${rps[direct]}" -v n="${rps[nginx]}" \
    -v c50="${p50[cutover]}" -v d50="${p50[direct]}" -v n50="${p50[nginx]}" \
    -v c99="${p99[cutover]}" -v d99="${p99[direct]}" -v n99="${p99[nginx]}" 'BEGIN {
  printf "req/s ratio   Cutover/direct %.2f   Cutover/nginx %.2f   (nginx/direct %.2f)\n", c / d, c / n, n / d
  printf "added p50     Cutover %+.3f ms   nginx %+.3f ms\n", c50 - d50, n50 - d50
  printf "added p99     Cutover %+.3f ms   nginx %+.3f ms\n", c99 - d99, n99 - d99
}'
