#!/bin/sh
# Fleet against its floor and against Ansible, in one run on N lab hosts (default 10), medians over RUNS (default 3):
#   floor:   OpenSSH's client opening one fresh connection per host and running `true`, all hosts at once (ControlMaster=no);
#   fleet:   a no-op `fleet apply` of bench/playbooks/noop-10.yml (converged first), the whole process;
#   ansible: the same ten tasks (bench/playbooks/noop-10-ansible.yml, pipelining on, forks = hosts, ControlPersist as Ansible
#            defaults), converged first; only when `ansible-playbook` is installed (the Debian package, installed here if missing).
# SSH_KEX=classic makes Fleet use --ssh-kex classic and the floor's ssh (and Ansible's) KexAlgorithms=curve25519-sha256;
# the default (pq) leaves both to prefer their post-quantum exchange (sntrup761x25519 against the lab's OpenSSH 9.2).
# NO_ANSIBLE=1 leaves Ansible out.
# RTT=50ms puts every host behind the lab's delaying proxy (`fleet lab up --rtt`): all three then connect through it.
# Prints each run, the medians, and the fleet/floor and ansible/fleet ratios.
# Usage (root): [RTT=50ms] [RUNS=3] [LAB_DIR=...] bench/compare.sh [hosts]
set -eu
cd "$(dirname "$0")/.."
hosts=${1:-10}
runs=${RUNS:-3}
rtt=${RTT:-}
kex=${SSH_KEX:-pq}
kex_opt=""
[ "$kex" = classic ] && kex_opt="-o KexAlgorithms=curve25519-sha256"
dir=${LAB_DIR:-/var/tmp/fleet-bench-compare}
inv=$dir/lab-inventory.yml
./fleet lab down --dir "$dir" >/dev/null 2>&1 || true
./fleet lab up --hosts "$hosts" --dir "$dir" ${rtt:+--rtt "$rtt"} >/dev/null
trap './fleet lab down --dir "$dir" >/dev/null 2>&1 || true; rm -rf /tmp/fleet-bench-compare-cp "$dir/ansible-hosts.ini"; rmdir "$dir" 2>/dev/null || true' EXIT

ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Where the inventory points: the host itself, or its port on the delaying proxy (bridge address 10.213.K.1) with RTT.
endpoints() {
  python3 -c "import json; lab = json.load(open('$dir/lab.json'))
for h in lab['Hosts']:
    print(h['Name'], f\"10.213.{lab['Index']}.1\" if h.get('ProxyPort') else h['Address'], h.get('ProxyPort') or h['Port'])"
}
addresses=$(endpoints | awk '{print $2 ":" $3}')
ssh_opts="$kex_opt -o ControlMaster=no -o ControlPath=none -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$dir/known_hosts -i $dir/id_ed25519"

floor() {
  start=$(ms)
  for a in $addresses; do
    # shellcheck disable=SC2086
    ssh $ssh_opts -p "${a##*:}" "root@${a%:*}" true &
  done
  wait
  echo $(( $(ms) - start ))
}

fleet_noop() {
  start=$(ms)
  ./fleet apply -i "$inv" bench/playbooks/noop-10.yml --ssh-kex "$kex" --no-progress --json /tmp/fleet-bench-compare.json >/dev/null
  end=$(ms)
  grep -q '"changed": 0' /tmp/fleet-bench-compare.json || { echo "fleet: the no-op run changed something" >&2; exit 1; }
  echo $(( end - start ))
}

if ! command -v ansible-playbook >/dev/null 2>&1; then
  apt-get install -y -q ansible >/dev/null 2>&1 || echo "ansible: the Debian package could not be installed; Ansible is left out"
fi
ansible_inv=$dir/ansible-hosts.ini
{
echo "[all]"
endpoints | awk '{print $1 " ansible_host=" $2 " ansible_port=" $3}'
} > "$ansible_inv"
python3 - "$dir" "$kex_opt" >> "$ansible_inv" <<'PY'
import sys
d = sys.argv[1]
print("[all:vars]")
print(f"ansible_user=root\nansible_ssh_private_key_file={d}/id_ed25519\nansible_python_interpreter=/usr/bin/python3")
print(f"ansible_ssh_common_args='{sys.argv[2]} -o StrictHostKeyChecking=yes -o UserKnownHostsFile={d}/known_hosts'")
PY
ansible_run() {
  start=$(ms)
  ANSIBLE_FORKS=$hosts ANSIBLE_PIPELINING=True ANSIBLE_SSH_CONTROL_PATH_DIR=/tmp/fleet-bench-compare-cp ANSIBLE_NOCOLOR=1 \
    ansible-playbook -i "$ansible_inv" bench/playbooks/noop-10-ansible.yml > /tmp/fleet-bench-compare-ansible.log
  end=$(ms)
  echo $(( end - start ))
}

./fleet apply -i "$inv" bench/playbooks/noop-10.yml --no-progress >/dev/null   # converge
floor >/dev/null                                                               # warm the page cache of ssh
fleet_all=""; floor_all=""; ansible_all=""
i=0
while [ "$i" -lt "$runs" ]; do
  f=$(floor); floor_all="$floor_all $f"
  n=$(fleet_noop); fleet_all="$fleet_all $n"
  echo "run $((i + 1)): floor ${f} ms, fleet ${n} ms"
  i=$((i + 1))
done
floor_m=$(echo "$floor_all" | median)
fleet_m=$(echo "$fleet_all" | median)
cpu=$(/usr/bin/time -f "%U %S %M" ./fleet apply -i "$inv" bench/playbooks/noop-10.yml --ssh-kex "$kex" --no-progress 2>&1 >/dev/null | tail -1)
# The floor's client CPU: every ssh process of one more floor run (time counts the children the shell waited for).
floor_cpu=$(export addresses ssh_opts; /usr/bin/time -f "%U %S" sh -c 'for a in $addresses; do ssh $ssh_opts -p "${a##*:}" "root@${a%:*}" true & done; wait' 2>&1 >/dev/null | tail -1)
echo "hosts: $hosts, runs: $runs, key exchange: $kex, fleet build: $(cat artifacts/fleet/.build-stamp 2>/dev/null)${rtt:+, round trip $rtt through the lab's delaying proxy}"
echo "floor (ssh ... true, all hosts at once): median ${floor_m} ms"
echo "fleet no-op: median ${fleet_m} ms; controller user/sys CPU and peak RSS of one more run: $(echo "$cpu" | awk '{printf "%.2f s / %.2f s, %d MB", $1, $2, $3 / 1024}')"
awk -v a="$fleet_m" -v b="$floor_m" 'BEGIN {printf "fleet/floor: %.2f\n", a / b}'
echo "$cpu $floor_cpu" | awk -v n="$hosts" '{printf "client CPU per host: fleet %.1f ms, ssh %.1f ms\n", ($1 + $2) * 1000 / n, ($4 + $5) * 1000 / n}'
if [ "${NO_ANSIBLE:-0}" != 1 ] && command -v ansible-playbook >/dev/null 2>&1; then
  ansible_run >/dev/null   # converge (already converged by Fleet: must be all ok) and open the ControlPersist masters
  i=0
  while [ "$i" -lt "$runs" ]; do
    a=$(ansible_run); ansible_all="$ansible_all $a"
    grep -q "changed=0" /tmp/fleet-bench-compare-ansible.log && ! grep -E "changed=[1-9]|failed=[1-9]|unreachable=[1-9]" /tmp/fleet-bench-compare-ansible.log >/dev/null \
      || { echo "ansible: the no-op run was not clean:" >&2; tail -n "$((hosts + 2))" /tmp/fleet-bench-compare-ansible.log >&2; exit 1; }
    echo "ansible run $((i + 1)): ${a} ms"
    i=$((i + 1))
  done
  ansible_m=$(echo "$ansible_all" | median)
  echo "ansible no-op: median ${ansible_m} ms ($(ansible-playbook --version 2>/dev/null | sed -n 1p))"
  awk -v a="$ansible_m" -v b="$fleet_m" 'BEGIN {printf "ansible/fleet: %.1f\n", a / b}'
fi
