#!/usr/bin/env bash
# Builds dist/cutover: one self-contained linux-x64 file that runs the host (console, API, proxy) and every CLI verb
# without an SDK, with nothing beside it. `dist/cutover --version` says the version and the commit it was built from.
#
# Two passes: the first publish lays out the console's static web assets (wwwroot/: blazor.web.js, MudBlazor's CSS and
# JS, their .br/.gz) and their endpoints manifest; the second compiles those into the binary (EmbedStaticAssetsFrom,
# served by EmbeddedStaticAssets) and bundles it as one file. The second reuses the first's compiled projects.
# Untrimmed and uncompressed on purpose: see README, "Single binary", for the measured alternatives.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist
stage="$out.stage"
rm -rf "$out.tmp" "$stage"

# The commit for `cutover --version`; a tree without git (a source tarball) builds without one.
commit=$(git rev-parse HEAD 2>/dev/null || true)
publish=(dotnet publish src/Web -c Release -r linux-x64 --self-contained -nologo -v quiet -p:DebugType=none ${commit:+-p:SourceRevisionId=$commit})

# Quiet unless a pass fails, then its whole output.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run() { "$@" >"$log" 2>&1 || { cat "$log" >&2; echo "publish: failed: $*" >&2; exit 1; }; }
run "${publish[@]}" -p:PublishSingleFile=false -o "$stage"
run "${publish[@]}" -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
  -p:EmbedStaticAssetsFrom="$PWD/$stage" -o "$out.tmp"
rm -rf "$stage"

# The publish lays the static web assets beside the binary again: they are inside it now.
rm -rf "$out.tmp/wwwroot" "$out.tmp"/*.staticwebassets.endpoints.json
extra=$(find "$out.tmp" -mindepth 1 ! -name cutover)
if [ -n "$extra" ]; then
  echo "publish: more than one file in $out.tmp, the binary would not be self-contained:" >&2
  echo "$extra" >&2
  exit 1
fi

rm -rf "$out" && mv "$out.tmp" "$out"
echo "publish: $out/cutover, $(du -m "$out/cutover" | cut -f1) MB, $("$out/cutover" --version)"
