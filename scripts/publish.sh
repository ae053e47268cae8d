#!/usr/bin/env bash
# Builds dist/cutover: one self-contained linux-x64 executable that runs the host and every CLI verb without an SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist
rm -rf "$out.tmp"
dotnet publish src/Web -c Release -r linux-x64 --self-contained -nologo -v quiet \
  -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none \
  -o "$out.tmp"
rm -rf "$out" && mv "$out.tmp" "$out"
ls -la "$out"
