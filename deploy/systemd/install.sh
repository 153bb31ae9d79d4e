#!/usr/bin/env bash
# Installs `fleet enforce` as the systemd service fleet-enforce (docs/service.md), as root. Idempotent: run it again after an
# edit of the inventory or the playbooks. What it puts where:
#   /opt/fleet/                      the fleet build (--fleet DIR: the release archive's directory or ./fleet's artifacts/fleet)
#   /etc/fleet/inventory/            the inventory (a file, or an Ansible inventory directory) with its group_vars/, host_vars/
#   /etc/fleet/playbooks/            the whole playbook directory: site.yml's imported playbooks, group_vars/, roles/, files…
#   /etc/fleet/enforce_ed25519       the service's SSH key, root-only (--key FILE, else generated); systemd hands the service a
#                                    copy (LoadCredential), which ~fleet-enforce/.ssh/id_ed25519 links to
#   /etc/fleet/known_hosts           the hosts' keys (--known-hosts FILE, else root's ~/.ssh/known_hosts when it exists)
#   /var/lib/fleet-enforce/          the service user's home and state; .ssh/id_ed25519.pub is what 01-ssh-keys.yml authorizes
#   /etc/systemd/system/fleet-enforce.service
# Then it validates the installed inputs as the service user (the check the service makes at start) and the unit with
# systemd-analyze verify. It starts nothing unless --enable is given (then: systemctl enable --now).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
die() { echo "install.sh: $*" >&2; exit 1; }
usage() {
  cat <<'EOF'
usage: deploy/systemd/install.sh --inventory PATH [--playbooks DIR] [--playbook FILE] [--fleet DIR] [--key FILE]
                                 [--known-hosts FILE] [--enable]
  --inventory PATH     inventory file or directory; group_vars/ and host_vars/ beside a file come along
  --playbooks DIR      the playbook directory, copied whole (default: playbooks/ beside deploy/)
  --playbook FILE      the playbook the service runs, inside DIR (default: site.yml)
  --fleet DIR          the directory holding the fleet executable (default: the release archive's, else artifacts/fleet)
  --key FILE           the private key the service logs in with (FILE.pub beside it, or derived); default: keep the
                       installed one, else generate an ed25519 key and print its public half to authorize on the hosts
  --known-hosts FILE   the hosts' keys (default: root's ~/.ssh/known_hosts when it exists)
  --enable             systemctl enable --now fleet-enforce when systemd runs this machine
EOF
}

top="$(cd "$here/../.." && pwd)"
inventory="" playbooks="$top/playbooks" playbook=site.yml fleet_dir="" key="" known_hosts="" enable=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --inventory) inventory="${2:?--inventory needs a path}"; shift 2 ;;
    --playbooks) playbooks="${2:?--playbooks needs a directory}"; shift 2 ;;
    --playbook) playbook="${2:?--playbook needs a file name}"; shift 2 ;;
    --fleet) fleet_dir="${2:?--fleet needs a directory}"; shift 2 ;;
    --key) key="${2:?--key needs a file}"; shift 2 ;;
    --known-hosts) known_hosts="${2:?--known-hosts needs a file}"; shift 2 ;;
    --enable) enable=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done

[[ "$(id -u)" -eq 0 ]] || die "run as root: it creates a user and writes /etc, /opt and /var/lib"
[[ -n "$inventory" ]] || { usage >&2; die "--inventory is required"; }
[[ -e "$inventory" ]] || die "no inventory at $inventory"
[[ -d "$playbooks" ]] || die "no playbook directory at $playbooks (--playbooks DIR)"
[[ -f "$playbooks/$playbook" ]] || die "no $playbook in $playbooks (--playbook FILE)"
if [[ -z "$fleet_dir" ]]; then
  # A release archive holds fleet two levels above this script; a source tree has ./fleet's build in artifacts/fleet.
  if [[ -x "$top/fleet" && ! -d "$top/src" ]]; then fleet_dir="$top"; else fleet_dir="$top/artifacts/fleet"; fi
fi
[[ -x "$fleet_dir/fleet" && -f "$fleet_dir/fleet" ]] || die "no fleet executable in $fleet_dir (--fleet DIR; from source, ./fleet --version builds it)"
[[ -z "$key" || -f "$key" ]] || die "no key at $key"
if [[ -z "$known_hosts" && -f "$HOME/.ssh/known_hosts" ]]; then known_hosts="$HOME/.ssh/known_hosts"; fi
[[ -z "$known_hosts" || -f "$known_hosts" ]] || die "no known_hosts at $known_hosts"

user=fleet-enforce
home=/var/lib/fleet-enforce
credential=/run/credentials/fleet-enforce.service/ssh-key

# The service user: a system account whose home is the state directory (systemd's StateDirectory=), with no login shell.
if ! id "$user" >/dev/null 2>&1; then
  useradd --system --user-group --home-dir "$home" --no-create-home --shell /usr/sbin/nologin "$user"
  echo "install.sh: created the system user $user"
fi

# The build: the release's single executable, or ./fleet's directory (ReadyToRun: fleet and its assemblies).
install -d -m 0755 /opt/fleet
if [[ "$(cd "$fleet_dir" && pwd)" == "$top" ]]; then
  install -m 0755 "$fleet_dir/fleet" /opt/fleet/fleet
else
  cp -a "$fleet_dir/." /opt/fleet/
fi
chown -R root:root /opt/fleet

# Configuration: root's, readable by the service's group only (inventories hold hosts and may hold vaulted secrets).
install -d -m 0750 -o root -g "$user" /etc/fleet
rm -rf /etc/fleet/inventory.new /etc/fleet/playbooks.new
install -d -m 0750 /etc/fleet/inventory.new /etc/fleet/playbooks.new
if [[ -d "$inventory" ]]; then
  cp -a "$inventory/." /etc/fleet/inventory.new/
else
  cp -a "$inventory" /etc/fleet/inventory.new/
  for vars in group_vars host_vars; do
    [[ -d "$(dirname "$inventory")/$vars" ]] && cp -a "$(dirname "$inventory")/$vars" /etc/fleet/inventory.new/
  done
fi
cp -a "$playbooks/." /etc/fleet/playbooks.new/
for tree in inventory playbooks; do
  chown -R "root:$user" "/etc/fleet/$tree.new"
  chmod -R u+rwX,g+rX,g-w,o-rwx "/etc/fleet/$tree.new"
  rm -rf "/etc/fleet/$tree"
  mv "/etc/fleet/$tree.new" "/etc/fleet/$tree"
done

# The service's key: root-only on disk; the public half is readable, for the hosts' authorized_keys and 01-ssh-keys.yml.
if [[ -n "$key" ]]; then
  install -m 0600 -o root -g root "$key" /etc/fleet/enforce_ed25519
  if [[ -f "$key.pub" ]]; then
    install -m 0644 -o root -g root "$key.pub" /etc/fleet/enforce_ed25519.pub
  else
    ssh-keygen -y -f /etc/fleet/enforce_ed25519 > /etc/fleet/enforce_ed25519.pub
  fi
elif [[ ! -f /etc/fleet/enforce_ed25519 ]]; then
  ssh-keygen -q -t ed25519 -N '' -C "$user@$(hostname)" -f /etc/fleet/enforce_ed25519
  echo "install.sh: generated the service's key; authorize it on every host (for the inventory's login user):"
  echo "  $(cat /etc/fleet/enforce_ed25519.pub)"
fi
chmod 0600 /etc/fleet/enforce_ed25519
chmod 0644 /etc/fleet/enforce_ed25519.pub

if [[ -n "$known_hosts" ]]; then
  install -m 0644 -o root -g root "$known_hosts" /etc/fleet/known_hosts
elif [[ ! -f /etc/fleet/known_hosts ]]; then
  install -m 0644 -o root -g root /dev/null /etc/fleet/known_hosts
  echo "install.sh: /etc/fleet/known_hosts is empty: the service refuses hosts it does not know; add their keys (ssh-keyscan HOST >> /etc/fleet/known_hosts) or rerun with --known-hosts FILE"
fi

# The service user's ~/.ssh as a controller user's: the default key (and identity_file: ~/.ssh/id_ed25519) is the credential
# systemd passes the running service; id_ed25519.pub is 01-ssh-keys.yml's default admin_public_key.
install -d -m 0750 -o "$user" -g "$user" "$home"
install -d -m 0700 -o "$user" -g "$user" "$home/.ssh"
ln -sfn "$credential" "$home/.ssh/id_ed25519"
install -m 0644 -o "$user" -g "$user" /etc/fleet/enforce_ed25519.pub "$home/.ssh/id_ed25519.pub"

sed "s|/etc/fleet/playbooks/site.yml|/etc/fleet/playbooks/$playbook|" "$here/fleet-enforce.service" > /etc/systemd/system/fleet-enforce.service.new
chmod 0644 /etc/systemd/system/fleet-enforce.service.new
mv /etc/systemd/system/fleet-enforce.service.new /etc/systemd/system/fleet-enforce.service

# The check the service makes at start (invalid input there is exit 1 and no start), as the service user with its home.
if ! out="$(runuser -u "$user" -- env -i HOME="$home" PATH=/usr/sbin:/usr/bin:/sbin:/bin DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    /opt/fleet/fleet validate -i /etc/fleet/inventory "/etc/fleet/playbooks/$playbook" 2>&1)"; then
  printf '%s\n' "$out" >&2
  die "the installed inventory and playbooks do not validate as the service user (above); the service would not start"
fi
echo "install.sh: fleet validate as $user: ${out##*$'\n'}"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify --man=no /etc/systemd/system/fleet-enforce.service || die "systemd-analyze verify failed for the installed unit"
fi

if [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
  if [[ "$enable" == true ]]; then
    systemctl enable --now fleet-enforce
    echo "install.sh: fleet-enforce enabled and started; journalctl -u fleet-enforce -f"
    exit 0
  fi
elif [[ "$enable" == true ]]; then
  die "--enable: systemd does not run this machine"
fi
echo "install.sh: installed; start it with: systemctl enable --now fleet-enforce"
