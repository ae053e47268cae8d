#!/usr/bin/env bash
# Builds a local image whose PID 1 is systemd, made of this machine's own /etc; the test mounts this machine's /usr
# read-only into it (see SystemdContainer). Usage: systemd-image.sh TAG
set -euo pipefail
tag=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

cp -a /etc/. "$root/etc/"
: >"$root/etc/machine-id"
for link in bin lib lib64 sbin; do ln -s "usr/$link" "$root/$link"; done
mkdir -p "$root"/{var/lib,var/log,var/cache,var/tmp,run,tmp,root,proc,sys,dev,usr,opt}
ln -s ../run "$root/var/run"

# None of this machine's enabled services: they run here already (Docker above all: a second dockerd on the same
# /var/lib/docker would wreck the daemon every test uses).
rm -rf "$root"/etc/systemd/system/*.wants
for unit in docker.service docker.socket containerd.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done

tar -C "$root" -c . | docker import - "$tag" >/dev/null
