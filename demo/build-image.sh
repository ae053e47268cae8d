#!/usr/bin/env bash
# Builds the demo app into a local Docker image FROM scratch (nothing is pulled from the internet) and tags it
# with every TAG given. DEMO_VERSION (default "dev") is baked in as the version the app answers with.
# Usage: DEMO_VERSION=v2 demo/build-image.sh cutover-demo:v2 [more tags...]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: DEMO_VERSION=v1 $0 TAG [TAG...]" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/out/publish"
version="${DEMO_VERSION:-dev}"

# Publish once; again only when a source file is newer than the binary.
if [ ! -x "$out/demo" ] || [ -n "$(find "$here/DemoApp" -newer "$out/demo" -name '*.cs*' -print -quit)" ]; then
  dotnet publish "$here/DemoApp/DemoApp.csproj" -c Release -r linux-x64 --self-contained \
    -p:PublishSingleFile=true -p:InvariantGlobalization=true -o "$out" -nologo -v quiet >/dev/null
fi

context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/rootfs/app" "$context/rootfs/tmp"
chmod 1777 "$context/rootfs/tmp"
cp "$out/demo" "$context/rootfs/app/demo"

# The binary's shared libraries, plus OpenSSL (the WebSocket handshake hashes with it) and zlib, at their host paths.
libs=$(ldd "$out/demo" | awk '/=>/ {print $3} !/=>/ && $1 ~ /^\// {print $1}')
for extra in libssl.so.3 libcrypto.so.3 libz.so.1; do
  libs="$libs $(ldconfig -p | awk -v n="$extra" '$1 == n && /x86-64/ {print $NF; exit}')"
done
for lib in $libs; do
  [ -e "$lib" ] || continue
  mkdir -p "$context/rootfs$(dirname "$lib")"
  cp -L "$lib" "$context/rootfs$lib"
done

cat > "$context/Dockerfile" <<DOCKERFILE
FROM scratch
COPY rootfs/ /
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DEMO_VERSION=$version PORT=8080
EXPOSE 8080
ENTRYPOINT ["/app/demo"]
DOCKERFILE

tag_args=()
for tag in "$@"; do tag_args+=(-t "$tag"); done
docker build -q "${tag_args[@]}" "$context" 2>/dev/null || docker build "${tag_args[@]}" "$context"
echo "demo: built $* (version $version)"
