#!/usr/bin/env bash
# Installs the machine packages Fleet's lab and tests need (Debian; root). Safe to run again: installs only what is missing.
set -euo pipefail
packages=(openssh-server openssh-client iptables iproute2 apt-utils cron rsyslog tini lynis procps)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-prerequisites: missing ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  # Services must not start on the machine itself (the lab starts them inside its hosts): block them for this install only.
  created_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [[ -n "$created_policy" ]]; then rm -f /usr/sbin/policy-rc.d; fi
fi
