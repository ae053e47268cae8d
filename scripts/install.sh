#!/usr/bin/env bash
# Installs Cutover as a systemd service, or upgrades it in place without downtime (see README, Install as a service).
#
#   sudo scripts/install.sh [--binary PATH]     install; run again to upgrade (a takeover: no request fails)
#   sudo scripts/install.sh --uninstall [--purge]
#
# Installs /usr/local/bin/cutover, /etc/systemd/system/cutover@.service, /etc/sysctl.d/90-cutover.conf, the system
# user "cutover" (in group docker), and, only when absent, /etc/cutover/apps.yaml and /etc/cutover/appsettings.json.
# Data lives in /var/lib/cutover (0700). The instances cutover@a and cutover@b take turns: the first install starts
# a; each later run starts the other one, which takes over from the running one, then enables it and disables the old.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binary="$(dirname "$here")/dist/cutover"
unit_source="$here/systemd/cutover@.service"
uninstall=false
purge=false

bin=/usr/local/bin/cutover
unit=/etc/systemd/system/cutover@.service
etc=/etc/cutover
data=/var/lib/cutover
cache=/var/cache/cutover
sysctl_file=/etc/sysctl.d/90-cutover.conf
user=cutover

say() { printf 'install.sh: %s\n' "$*"; }
fail() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

invocation="$0${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || fail "--binary needs a path"; binary=$2; shift 2 ;;
    --binary=*) binary=${1#--binary=}; shift ;;
    --uninstall) uninstall=true; shift ;;
    --purge) purge=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) fail "unknown argument '$1' (see --help)" ;;
  esac
done
if $purge && ! $uninstall; then
  fail "--purge goes with --uninstall"
fi

[ "$(id -u)" -eq 0 ] || fail "run as root (sudo $invocation): it writes /usr/local/bin, /etc and /var/lib and manages systemd units"
if ! command -v systemctl >/dev/null || [ ! -d /run/systemd/system ]; then
  fail "systemd is not running here (no /run/systemd/system): install.sh sets Cutover up as a systemd service; without systemd run /usr/local/bin/cutover under your own supervisor (see README)"
fi

instances=(a b)

is_active() { systemctl is-active --quiet "cutover@$1"; }

# ---------------------------------------------------------------------------------------------------- uninstall
if $uninstall; then
  if [ -e "$unit" ]; then
    for i in "${instances[@]}"; do
      if is_active "$i" || systemctl is-enabled --quiet "cutover@$i" 2>/dev/null; then
        say "stopping cutover@$i (it drains its apps first; their containers keep running)"
        systemctl disable --quiet --now "cutover@$i"
      fi
    done
  fi
  rm -f "$unit"
  if $purge; then rm -rf "$unit.d"; fi
  systemctl daemon-reload
  rm -f "$bin" "$sysctl_file"
  say "removed $bin, $unit and $sysctl_file"
  if $purge; then
    rm -rf "$etc" "$data" "$cache"
    if id "$user" >/dev/null 2>&1; then userdel "$user"; fi
    say "purged $etc, $data, $cache, $unit.d and the user $user"
  else
    kept="$etc (apps.yaml, appsettings.json), $data (the database: history and audit trail)"
    if [ -d "$unit.d" ]; then kept="$kept, $unit.d (drop-ins)"; fi
    say "kept $kept and the user $user; --uninstall --purge removes them"
  fi
  say "app containers keep running; list them with: docker ps --filter label=cutover.instance"
  exit 0
fi

# ---------------------------------------------------------------------------------------------------- checks
[ -f "$binary" ] || fail "no binary at $binary: build it with scripts/publish.sh, or name one with --binary PATH"
[ -f "$unit_source" ] || fail "no unit file at $unit_source: run install.sh from the repository's scripts/ folder"
if ! new_version=$("$binary" --version 2>&1); then
  fail "$binary does not run here ($new_version)"
fi
getent group docker >/dev/null || fail "Docker is missing: no group 'docker' on this machine; install Docker Engine first (Cutover drives it through /var/run/docker.sock)"
[ -S /var/run/docker.sock ] || fail "Docker is missing: /var/run/docker.sock does not exist; install and start Docker Engine first"

old_version=none
if [ -x "$bin" ]; then
  old_version=$("$bin" --version 2>/dev/null || echo unknown)
fi

# ---------------------------------------------------------------------------------------------------- files
# The docker group gives root on this machine (a container can mount /); a user of its own still keeps Cutover
# away from everything else root could touch, and out of other services' files.
if ! id "$user" >/dev/null 2>&1; then
  useradd --system --user-group --home-dir "$data" --no-create-home --shell /usr/sbin/nologin --groups docker "$user"
  say "created the system user $user (group docker)"
else
  usermod --append --groups docker "$user"
fi

install -d -m 0755 "$etc"
install -d -m 0700 -o "$user" -g "$user" "$data"

if [ ! -e "$etc/apps.yaml" ]; then
  install -m 0640 -o root -g "$user" /dev/null "$etc/apps.yaml"
  cat >"$etc/apps.yaml" <<'YAML'
# The applications Cutover runs: edit this file while it runs; a valid edit applies at once, an invalid one is
# refused whole (journalctl -t cutover says why). The README's "apps.yaml reference" lists every key.
apps: {}
#  hello:
#    image: ghcr.io/example/hello:1.0
#    listen: 0.0.0.0:80             # the public port; the proxy switches between the two slots behind it
#    slots: { blue: 18080, green: 18081 }
#    container:
#      port: 8080
#    health:
#      path: /health
#    drain:
#      timeout: 15s
YAML
  say "wrote a sample $etc/apps.yaml"
else
  say "kept $etc/apps.yaml"
fi

if [ ! -e "$etc/appsettings.json" ]; then
  install -m 0640 -o root -g "$user" /dev/null "$etc/appsettings.json"
  cat >"$etc/appsettings.json" <<'JSON'
{
  // Cutover's settings (the same keys as the built-in appsettings.json; see README, Settings).
  // Cutover:AppsFile and Cutover:Database are set by cutover@.service (/etc/cutover/apps.yaml,
  // /var/lib/cutover/cutover.db): change them with "systemctl edit cutover@", not here.
  "Cutover": {
    "AdminUrl": "http://127.0.0.1:5080",
    "Docker": "unix:///var/run/docker.sock"
  }
}
JSON
  say "wrote $etc/appsettings.json"
else
  say "kept $etc/appsettings.json"
fi

# Connections still queued on the old instance's listeners move to the new one's when it closes them.
if [ "$(cat "$sysctl_file" 2>/dev/null)" != "net.ipv4.tcp_migrate_req=1" ]; then
  echo "net.ipv4.tcp_migrate_req=1" >"$sysctl_file"
fi
if [ "$(cat /proc/sys/net/ipv4/tcp_migrate_req 2>/dev/null)" != 1 ] && ! sysctl -q -w net.ipv4.tcp_migrate_req=1 >/dev/null 2>&1; then
  say "warning: could not set net.ipv4.tcp_migrate_req=1 now (it is $(cat /proc/sys/net/ipv4/tcp_migrate_req 2>/dev/null || echo unknown)); $sysctl_file sets it at boot"
fi

# Copied under a temporary name, then renamed: a running instance keeps its own file (inode) until it exits.
install -d -m 0755 "$(dirname "$bin")"
install -m 0755 "$binary" "$bin.new"
mv -f "$bin.new" "$bin"

install -m 0644 "$unit_source" "$unit.new"
mv -f "$unit.new" "$unit"
systemctl daemon-reload

# ---------------------------------------------------------------------------------------------------- start or take over
running=()
for i in "${instances[@]}"; do
  if is_active "$i"; then running+=("$i"); fi
done

if [ ${#running[@]} -gt 1 ]; then
  fail "cutover@a and cutover@b are both active (a takeover in progress?); wait until one has stopped and run install.sh again"
fi

if [ ${#running[@]} -eq 0 ]; then
  next=a
  if systemctl is-enabled --quiet cutover@b 2>/dev/null && ! systemctl is-enabled --quiet cutover@a 2>/dev/null; then next=b; fi
  say "starting cutover@$next"
  if ! systemctl start "cutover@$next"; then
    journalctl -u "cutover@$next" -n 20 --no-pager >&2 || true
    fail "cutover@$next did not start (its log is above; more with: journalctl -u cutover@$next)"
  fi
  systemctl enable --quiet "cutover@$next"
else
  old=${running[0]}
  next=a
  if [ "$old" = a ]; then next=b; fi
  say "upgrading: starting cutover@$next, which takes over from cutover@$old (no request is refused)"
  # Returns once cutover@$next runs the engine, i.e. once cutover@$old has drained and let go of the database.
  if ! systemctl start "cutover@$next"; then
    journalctl -u "cutover@$next" -n 20 --no-pager >&2 || true
    if is_active "$old"; then
      # Or Restart=on-failure would try again behind the operator's back.
      systemctl stop "cutover@$next" || true
      fail "cutover@$next did not take over (its log is above); cutover@$old still runs and serves"
    fi
    fail "cutover@$next did not take over after cutover@$old had stopped; systemd restarts cutover@$next (Restart=on-failure): watch journalctl -u cutover@$next"
  fi
  systemctl enable --quiet "cutover@$next"
  systemctl disable --quiet "cutover@$old"
  # The old instance has let go of the database; give its process the moment it takes to exit.
  for _ in $(seq 1 100); do
    is_active "$old" || break
    sleep 0.1
  done
  say "cutover@$old: $(systemctl show -p ActiveState --value "cutover@$old"), exit status $(systemctl show -p ExecMainStatus --value "cutover@$old")"
fi

say "cutover@$next is $(systemctl is-active "cutover@$next") and enabled"
say "before: $old_version"
say "after:  $new_version"
