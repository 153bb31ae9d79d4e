#!/bin/sh
# fleet enforce: a no-op cycle with connections kept open (warm) against the first, connecting cycle (cold), on HOSTS lab
# hosts (default 50; issue goal: warm ≤ 0.5 s at 50 hosts). Also times a one-shot `fleet check` (a cron job's cost).
# Usage (root): bench/enforce.sh [cycles]   — PLAYBOOK (default bench/playbooks/noop-10.yml), SSH_KEX (pq, the default, or
# classic), MODE (check, the default, or apply),
# LAB_DIR (default /var/tmp/fleet-bench-enforce), KEEP_LAB=1 keeps the lab up.
set -eu
cd "$(dirname "$0")/.."
cycles=${1:-6}
hosts=${HOSTS:-50}
kex=${SSH_KEX:-pq}
mode=${MODE:-check}
dir=${LAB_DIR:-/var/tmp/fleet-bench-enforce}
playbook=${PLAYBOOK:-bench/playbooks/noop-10.yml}
[ -e "$dir/lab.json" ] && ! grep -q "lab-$(printf %02d "$hosts")\"" "$dir/lab.json" && ./fleet lab down --dir "$dir" >/dev/null
inv=$dir/lab-inventory.yml
./fleet lab status --dir "$dir" >/dev/null 2>&1 || ./fleet lab up --hosts "$hosts" --dir "$dir" >/dev/null
./fleet apply -i "$inv" $playbook --no-progress >/dev/null || true
start=$(date +%s%N)
./fleet check -i "$inv" $playbook --no-progress --ssh-kex "$kex" --json /tmp/fleet-bench-enforce-check.json >/dev/null
end=$(date +%s%N)
echo "one-shot fleet check, $hosts hosts, --ssh-kex $kex: $(( (end - start) / 1000000 )) ms wall, engine $(grep -m1 '"durationMs"' /tmp/fleet-bench-enforce-check.json | tr -dc 0-9) ms"
state=$(mktemp -d)
./fleet enforce -i "$inv" $playbook --mode "$mode" --every 1s --cycles "$cycles" --ssh-kex "$kex" --metrics-listen off --state-dir "$state" 2>/dev/null
echo "fleet enforce --mode $mode, $hosts hosts, --ssh-kex $kex: cycle durations (cycle 1 connects, later ones reuse the connections):"
for report in "$state"/reports/cycle-*.json; do
  # The first durationMs is the cycle's own (the embedded runs' come later).
  printf '  cycle %s: %s ms, outcome %s\n' "$(grep -m1 '"cycle"' "$report" | tr -dc 0-9)" "$(grep -m1 '"durationMs"' "$report" | tr -dc 0-9)" \
    "$(grep -m1 '"outcome"' "$report" | sed 's/.*: "\(.*\)".*/\1/')"
done
ls "$state"/reports/cycle-*.json | tail -n +2 | xargs -n1 grep -m1 '"durationMs"' | tr -dc '0-9\n' | sort -n |
  awk '{a[NR]=$1} END {printf "warm: median %d ms, min %d ms, max %d ms over %d cycles\n", a[int((NR+1)/2)], a[1], a[NR], NR}'
rm -rf "$state"
[ "${KEEP_LAB:-0}" = 1 ] || ./fleet lab down --dir "$dir"
