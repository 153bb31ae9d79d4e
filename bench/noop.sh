#!/bin/sh
# No-op wall time: a converged 10-task playbook on 10 lab hosts (issue: under 1.5 s).
# Usage (root): bench/noop.sh [runs]   — brings up a bench lab (HOSTS, default 10), converges it, times `runs` no-op applies.
# PLAYBOOKS (default bench/playbooks/noop-10.yml) may name several playbooks; SSH_KEX (pq, the default, or classic)
# picks the key exchange.
set -eu
cd "$(dirname "$0")/.."
runs=${1:-5}
hosts=${HOSTS:-10}
playbooks=${PLAYBOOKS:-bench/playbooks/noop-10.yml}
kex=${SSH_KEX:-pq}
dir=/var/tmp/fleet-bench-noop
[ -e "$dir/lab.json" ] && ! grep -q "lab-$(printf %02d "$hosts")\"" "$dir/lab.json" && ./fleet lab down --dir "$dir" >/dev/null
inv=$dir/lab-inventory.yml
./fleet lab status --dir "$dir" >/dev/null 2>&1 || ./fleet lab up --hosts "$hosts" --dir "$dir"
./fleet apply -i "$inv" $playbooks --no-progress >/dev/null || true
echo "no-op runs of $playbooks on $hosts hosts, --ssh-kex $kex (wall ms):"
i=0
times=""
while [ "$i" -lt "$runs" ]; do
  start=$(date +%s%N)
  ./fleet apply -i "$inv" $playbooks --no-progress --ssh-kex "$kex" --json /tmp/fleet-bench-noop.json >/dev/null
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times="$times $ms"
  changed=$(grep -c "\"status\": \"changed\"" /tmp/fleet-bench-noop.json || true)
  engine=$(grep -m1 '"durationMs"' /tmp/fleet-bench-noop.json | tr -dc 0-9)
  echo "  run $((i + 1)): ${ms} ms, engine ${engine} ms (changed tasks/hosts: $changed)"
  i=$((i + 1))
done
echo "$times" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "median %d ms, min %d ms, max %d ms over %d runs\n", a[int((NR+1)/2)], a[1], a[NR], NR}'
[ "${KEEP_LAB:-0}" = 1 ] || ./fleet lab down --dir "$dir"
