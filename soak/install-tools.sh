#!/usr/bin/env bash
# The soak's two programs from outside Python, from Debian's packages when missing:
# HAProxy (the round-robin proxy in front of the two web nodes) and redis-server (the
# soak runs its own, on a free loopback port, so it can kill and restart it).
set -euo pipefail
missing=()
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
echo "soak: installing ${missing[*]} from Debian's packages"
$sudo apt-get install -y --no-install-recommends "${missing[@]}" \
  || { $sudo apt-get update -q && $sudo apt-get install -y --no-install-recommends "${missing[@]}"; }
# Debian starts a packaged redis-server as a service; the soak needs only the binary.
