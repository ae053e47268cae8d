#!/usr/bin/env bash
# Installs what Cutover needs from the distribution's packages and makes sure Docker Engine runs.
# Safe to run again: it installs only what is missing and starts dockerd only when nothing answers.
# Usage: scripts/setup-machine.sh [extra-package ...]
set -euo pipefail

packages=(docker.io "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
    sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd systemctl start docker
  else
    # No service manager (containers, CI): run the daemon ourselves, detached from this shell.
    echo "setup: starting dockerd (log: /var/log/cutover-dockerd.log)"
    setsid nohup dockerd >/var/log/cutover-dockerd.log 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { echo "setup: Docker Engine did not come up; see /var/log/cutover-dockerd.log" >&2; exit 1; }
fi
echo "setup: Docker Engine $(docker version --format '{{.Server.Version}}') is running"
