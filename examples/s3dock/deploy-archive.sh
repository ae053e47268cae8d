#!/usr/bin/env bash
# Loads a `docker save` archive (what `s3dock pull` downloads) and deploys it to a Cutover app through the API.
#
# usage: deploy-archive.sh APP ARCHIVE.tar [IMAGE]
#   IMAGE defaults to the last image the archive loads (s3dock tags look like app:YYYYMMDD-HHMM-<git hash>).
# environment:
#   CUTOVER_URL    the host's API (default http://127.0.0.1:5080)
#   CUTOVER_TOKEN  a token from Cutover:Api:Tokens, when the host needs one
#   GIT_HASH, PROMOTED_BY, SOURCE_TAG   metadata stored with the deployment (GIT_HASH defaults to the tag's last part)
#   WAIT_SECONDS   how long to wait for the outcome (default 600, at most 1800)
# exit codes: 0 completed; 1 rolled back, failed or cancelled; 2 usage; 3 host unreachable;
#             4 refused by the host (unknown app, bad image, deployment under way, token, rate limit); 5 still running
# needs: docker, curl, jq
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
app=$1 archive=$2 image=${3:-}
url=${CUTOVER_URL:-http://127.0.0.1:5080}
wait_seconds=${WAIT_SECONDS:-600}
[[ -r $archive ]] || { echo "deploy-archive: cannot read $archive" >&2; exit 2; }

loaded=$(docker load --input "$archive")
if [[ -z $image ]]; then
  image=$(sed -n 's/^Loaded image: //p' <<<"$loaded" | tail -n 1)
  [[ -n $image ]] || { echo "deploy-archive: $archive loaded no tagged image; name one as the third argument" >&2; exit 2; }
fi
tag=${image##*:}

metadata=$(jq -cn --arg git_hash "${GIT_HASH:-${tag##*-}}" --arg promoted_by "${PROMOTED_BY:-${USER:-unknown}}" \
  --arg source_tag "${SOURCE_TAG:-$image}" '{git_hash: $git_hash, promoted_by: $promoted_by, source_tag: $source_tag}')
body=$(jq -cn --arg image "$image" --argjson metadata "$metadata" '{image: $image, reason: "s3dock pull", metadata: $metadata}')

# One key per app and image: a retry after a lost answer gets the first deployment back instead of a second one.
key="s3dock-$app-$image"
headers=(-H "Content-Type: application/json" -H "Idempotency-Key: ${key//[^A-Za-z0-9._:-]/-}" -A "s3dock-example/1.0")
[[ -n ${CUTOVER_TOKEN:-} ]] && headers+=(-H "Authorization: Bearer $CUTOVER_TOKEN")

answer=$(mktemp)
trap 'rm -f "$answer"' EXIT
for attempt in 1 2 3; do
  code=$(curl -sS -o "$answer" -w '%{http_code}' --max-time $((wait_seconds + 30)) "${headers[@]}" \
    -X POST --data "$body" "$url/api/apps/$app/deployments?wait=true&timeout=$wait_seconds") && break
  code=000
  echo "deploy-archive: $url did not answer (attempt $attempt of 3)" >&2
  sleep $((attempt * 2))
done

case $code in
  000) exit 3 ;;
  200|202) ;;
  4*) echo "deploy-archive: refused ($code): $(jq -r '"\(.title): \(.detail)"' "$answer" 2>/dev/null || cat "$answer")" >&2; exit 4 ;;
  *) echo "deploy-archive: the host answered $code: $(cat "$answer")" >&2; exit 3 ;;
esac

id=$(jq -r .id "$answer")
status=$(jq -r .status "$answer")
echo "deployment $id of $image to $app: $status"
case $status in
  completed) exit 0 ;;
  rolled_back|failed|cancelled) echo "reason: $(jq -r .error "$answer")" >&2; exit 1 ;;
  *) echo "still $status after ${wait_seconds}s; follow it at $url/api/deployments/$id" >&2; exit 5 ;;
esac
