#!/bin/sh
# The vendored public roles (tests/PublicRoles) with ansible-playbook and with Fleet on twin fresh lab hosts, in one run:
#   first run:  ansible-playbook on the Ansible hosts, then `fleet apply` on their twins, each from a fresh lab;
#   no-op:      RUNS re-runs of each (alternating), which must change nothing;
#   floor:      OpenSSH's own client, `ssh root@HOST true` on every Fleet host at once (ControlMaster=no), RUNS times.
# Every figure is a whole process under /usr/bin/time: wall, the controller's CPU (user + system, children included: Ansible's
# workers and ssh processes count) and peak RSS (the largest process). Medians over RUNS (default 3).
# Sites: geerlingguy (--roles-path / ANSIBLE_ROLES_PATH tests/PublicRoles/roles) and devsec (ANSIBLE_COLLECTIONS_PATH=
# tests/PublicRoles/collections, read by both tools); SITES="geerlingguy" picks some. HOSTS (default 1) hosts per tool and site.
# Ansible runs as compare.sh runs it: pipelining on (PIPELINING=0 turns it off), forks = hosts, its default ControlPersist.
# Fleet is the launcher ./fleet (NativeAOT when clang is present, else ReadyToRun); SSH_KEX=classic as in compare.sh.
# Logs and reports stay in OUT (default /tmp/fleet-bench-public-roles). Exit 1 when a first run failed or a no-op changed something.
# Usage (root): [LAB_DIR=...] [SITES=...] [HOSTS=1] [RUNS=3] [KEEP_LAB=1] bench/public-roles.sh
set -eu
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
hosts=${HOSTS:-1}
sites=${SITES:-geerlingguy devsec}
kex=${SSH_KEX:-pq}
kex_opt=""
[ "$kex" = classic ] && kex_opt="-o KexAlgorithms=curve25519-sha256"
pipelining=True
[ "${PIPELINING:-1}" = 0 ] && pipelining=False
dir=${LAB_DIR:-/var/tmp/fleet-bench-public-roles}
out=${OUT:-/tmp/fleet-bench-public-roles}
inv=$dir/lab-inventory.yml
command -v ansible-playbook >/dev/null 2>&1 || { echo "ansible-playbook is not installed (Debian: apt-get install ansible)" >&2; exit 1; }
mkdir -p "$out"
rm -rf "$out/cp" "$out"/*.log "$out"/*.json "$out"/*.time "$out"/*.ini
down() { [ "${KEEP_LAB:-0}" = 1 ] || ./fleet lab down --dir "$dir" >/dev/null 2>&1 || true; }
trap down EXIT
./fleet --version >/dev/null   # the launcher's build, outside every timing

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { awk -v ms="$1" 'BEGIN {printf "%.2f", ms / 1000}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# timed NAME COMMAND...: runs COMMAND under /usr/bin/time, its output in $out/NAME.log; prints "wall_ms user_s sys_s rss_kb exit".
timed() {
  name=$1
  shift
  start=$(date +%s%N)
  set +e
  /usr/bin/time -f '%U %S %M' -o "$out/$name.time" "$@" >"$out/$name.log" 2>&1
  code=$?
  set -e
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(tail -n 1 "$out/$name.time") $code"
}
cpu() { awk -v u="$2" -v s="$3" -v m="$4" 'BEGIN {printf "CPU %.2f s (%.2f user + %.2f sys), peak RSS %d MB", u + s, u, s, m / 1024}'; }
# Ansible's recap summed over its hosts: "changed=N failed=N unreachable=N".
ansible_recap() {
  sed -n '/^PLAY RECAP/,$p' "$out/$1.log" | awk '/ok=/ {for (i = 1; i <= NF; i++) {split($i, kv, "="); t[kv[1]] += kv[2]}}
    END {printf "ok=%d changed=%d failed=%d unreachable=%d", t["ok"], t["changed"], t["failed"], t["unreachable"]}'
}
fleet_recap() {
  python3 -c "import json, sys; t = json.load(open(sys.argv[1]))['totals']
print(f\"hosts ok={t['ok']} changed={t['changed']} failed={t['failed']} unreachable={t['unreachable']}\")" "$out/$1.json" 2>/dev/null || echo "no report"
}

status=0
for site in $sites; do
  case $site in
    geerlingguy) playbook=tests/PublicRoles/geerlingguy-site.yml ;;
    devsec) playbook=tests/PublicRoles/devsec-site.yml ;;
    *) echo "unknown site '$site' (geerlingguy, devsec)" >&2; exit 1 ;;
  esac
  # A fresh lab per site: hosts 1..HOSTS for Ansible, their twins HOSTS+1..2*HOSTS for Fleet.
  ./fleet lab down --dir "$dir" >/dev/null 2>&1 || true
  ./fleet lab up --hosts $((hosts * 2)) --dir "$dir" >/dev/null
  names=$(python3 -c "import json; [print(h['Name'], h['Address'], h['Port']) for h in json.load(open('$dir/lab.json'))['Hosts']]")
  ansible_hosts=$(echo "$names" | head -n "$hosts")
  fleet_hosts=$(echo "$names" | tail -n "$hosts")
  limit=$(echo "$fleet_hosts" | awk '{print $1}' | paste -sd: -)
  ansible_inv=$out/$site-ansible-hosts.ini
  {
    echo "[all:vars]"
    echo "ansible_user=root"
    echo "ansible_ssh_private_key_file=$dir/id_ed25519"
    echo "ansible_python_interpreter=/usr/bin/python3"
    echo "ansible_ssh_common_args='$kex_opt -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$dir/known_hosts'"
    echo "[lab]"
    echo "$ansible_hosts" | awk '{print $1 " ansible_host=" $2 " ansible_port=" $3}'
  } >"$ansible_inv"
  floor_targets=$(echo "$fleet_hosts" | awk '{print $2 ":" $3}')
  ssh_opts="$kex_opt -o ControlMaster=no -o ControlPath=none -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$dir/known_hosts -i $dir/id_ed25519"

  run_ansible() {
    timed "$1" env ANSIBLE_ROLES_PATH=tests/PublicRoles/roles ANSIBLE_COLLECTIONS_PATH=tests/PublicRoles/collections \
      ANSIBLE_FORKS="$hosts" ANSIBLE_PIPELINING=$pipelining ANSIBLE_SSH_CONTROL_PATH_DIR="$out/cp" ANSIBLE_NOCOLOR=1 \
      ANSIBLE_RETRY_FILES_ENABLED=0 ansible-playbook -i "$ansible_inv" "$playbook"
  }
  run_fleet() {
    timed "$1" env ANSIBLE_COLLECTIONS_PATH=tests/PublicRoles/collections ./fleet apply -i "$inv" --limit "$limit" \
      --roles-path tests/PublicRoles/roles "$playbook" --ssh-kex "$kex" --no-progress --json "$out/$1.json"
  }
  floor() {
    start=$(date +%s%N)
    for a in $floor_targets; do
      # shellcheck disable=SC2086
      ssh $ssh_opts -p "${a##*:}" "root@${a%:*}" true &
    done
    wait
    echo $(( ($(date +%s%N) - start) / 1000000 ))
  }

  echo "== $site: $playbook, $hosts host(s) per tool, fleet build $(cat artifacts/fleet/.build-stamp), --ssh-kex $kex, $(ansible-playbook --version | sed -n 1p), pipelining $pipelining"
  echo "load average before: $(load)"
  set -- $(run_ansible "$site-ansible-first")
  a_first=$1
  echo "first run  ansible-playbook: $(seconds "$1") s, $(cpu "$@"), exit $5, $(ansible_recap "$site-ansible-first")"
  [ "$5" = 0 ] || status=1
  set -- $(run_fleet "$site-fleet-first")
  f_first=$1
  echo "first run  fleet:            $(seconds "$1") s, $(cpu "$@"), exit $5, $(fleet_recap "$site-fleet-first")"
  [ "$5" = 0 ] || status=1
  awk -v f="$f_first" -v a="$a_first" 'BEGIN {printf "first run  fleet/ansible: %.2f (target <= 0.5)\n", f / a}'

  echo "load average before the no-op runs: $(load)"
  floor >/dev/null   # ssh's binary in the page cache
  a_all="" f_all="" fl_all=""
  i=1
  while [ "$i" -le "$runs" ]; do
    set -- $(run_ansible "$site-ansible-noop-$i")
    a_all="$a_all $1"
    recap=$(ansible_recap "$site-ansible-noop-$i")
    case $recap in *" changed=0 failed=0 unreachable=0") ;; *) status=1; recap="$recap: NOT A NO-OP" ;; esac
    echo "no-op $i    ansible-playbook: $(seconds "$1") s, $(cpu "$@"), exit $5, $recap"
    set -- $(run_fleet "$site-fleet-noop-$i")
    f_all="$f_all $1"
    recap=$(fleet_recap "$site-fleet-noop-$i")
    case $recap in *" changed=0 failed=0 unreachable=0") ;; *) status=1; recap="$recap: NOT A NO-OP" ;; esac
    echo "no-op $i    fleet:            $(seconds "$1") s, $(cpu "$@"), exit $5, $recap"
    f=$(floor)
    fl_all="$fl_all $f"
    echo "floor $i    ssh ... true:     $(seconds "$f") s"
    i=$((i + 1))
  done
  a_m=$(echo "$a_all" | median)
  f_m=$(echo "$f_all" | median)
  fl_m=$(echo "$fl_all" | median)
  echo "no-op medians: ansible-playbook $(seconds "$a_m") s, fleet $(seconds "$f_m") s, floor $(seconds "$fl_m") s"
  awk -v a="$a_m" -v f="$f_m" -v fl="$fl_m" 'BEGIN {printf "no-op ansible/fleet: %.1f (target >= 20), fleet/floor: %.1f\n", a / f, f / fl}'
  echo "load average after: $(load)"
done
exit $status
