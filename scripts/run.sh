#!/usr/bin/env bash
# Runs the Cutover console and proxy with the sample apps in appsettings/apps.yaml.
# Installs Docker Engine if missing, builds the demo images locally, keeps its SQLite database in data/.
# Extra arguments go to the host, e.g. scripts/run.sh --Cutover:AdminUrl=http://127.0.0.1:5090
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-machine.sh
DEMO_VERSION=v1 bash demo/build-image.sh cutover-demo:v1
DEMO_VERSION=v2 bash demo/build-image.sh cutover-demo:v2

dotnet build src/Web -c Release -nologo -v quiet
echo "run: console and API on http://127.0.0.1:5080, apps on http://127.0.0.1:8080 (hello) and :8090 (shop); Ctrl+C stops"
exec dotnet src/Web/bin/Release/net10.0/cutover.dll "$@"
