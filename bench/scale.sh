#!/bin/sh
# Many hosts at once: N lab hosts (default 500) with --forks F (default 50), bench/playbooks/noop-10.yml, first run then no-op.
# A lab holds at most 240 hosts (one /24 per lab), so N hosts are several labs side by side; one inventory names them all
# (a group per lab with that lab's key and known_hosts). For each run it prints the wall time, the host count in the JSON report
# against N, the outcome counts, the controller's peak RSS (/usr/bin/time) and its peak open file descriptors and threads
# (sampled every 50 ms from /proc). Then one no-op run with the live view on a pseudo-terminal (`script`), whose last frame
# it prints: at this many hosts the view is a progress bar with counts and the running, slowest and failed hosts.
# Usage (root): [FORKS=50] [KEEP_LAB=1] bench/scale.sh [hosts]
set -eu
cd "$(dirname "$0")/.."
hosts=${1:-500}
forks=${FORKS:-50}
per_lab=240
labs=$(( (hosts + per_lab - 1) / per_lab ))
inv=/var/tmp/fleet-bench-scale.yml
out=/tmp/fleet-bench-scale
mkdir -p "$out"
lab_dir() { echo "/var/tmp/fleet-bench-scale-$1"; }
down() { i=1; while [ "$i" -le "$labs" ]; do ./fleet lab down --dir "$(lab_dir "$i")" >/dev/null 2>&1 || true; i=$((i + 1)); done; rm -f "$inv"; }
[ "${KEEP_LAB:-0}" = 1 ] || trap down EXIT

start=$(date +%s%N)
printf 'all:\n  children:\n' >"$inv"
i=1; left=$hosts
while [ "$i" -le "$labs" ]; do
  n=$(( left < (hosts + labs - 1) / labs ? left : (hosts + labs - 1) / labs ))
  dir=$(lab_dir "$i")
  ./fleet lab status --dir "$dir" >/dev/null 2>&1 || ./fleet lab up --hosts "$n" --dir "$dir" >/dev/null
  # The lab's inventory, its hosts renamed lab-K-NN (every lab calls its hosts lab-01…) and its vars on the group.
  python3 - "$dir" "$i" >>"$inv" <<'EOF'
import json, sys
d, k = sys.argv[1], sys.argv[2]
lab = json.load(open(d + '/lab.json'))
print(f'    lab{k}:\n      vars:\n        user: root\n        identity_file: {d}/id_ed25519\n        known_hosts: {d}/known_hosts\n      hosts:')
for h in lab['Hosts']:
    print(f"        lab-{k}-{h['Name'][4:]}: {{ address: {h['Address']} }}")
EOF
  left=$((left - n)); i=$((i + 1))
done
echo "$hosts hosts in $labs labs up in $(( ($(date +%s%N) - start) / 1000000 )) ms"

# Runs fleet with the given arguments, sampling its descriptors and threads; prints one line of figures.
measure() {
  label=$1; shift
  : >"$out/samples"
  start=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$out/rss" ./fleet "$@" >"$out/stdout" 2>"$out/stderr" &
  timer=$!
  while kill -0 "$timer" 2>/dev/null; do
    pid=$(pgrep -n -f "^[^ ]*artifacts/fleet/fleet $1 " || true)
    if [ -n "$pid" ]; then
      echo "$(ls /proc/"$pid"/fd 2>/dev/null | wc -l) $(awk '/^Threads:/ {print $2}' /proc/"$pid"/status 2>/dev/null)" >>"$out/samples"
    fi
    sleep 0.05
  done
  wait "$timer" || true
  end=$(date +%s%N)
  reported=$(python3 -c "import json; r = json.load(open('$out/report.json')); print(len(r['hosts']))")
  counts=$(python3 -c "import json, collections; r = json.load(open('$out/report.json')); print(dict(collections.Counter(h['status'] for h in r['hosts'])))")
  fds=$(sort -n -k1 "$out/samples" | tail -1 | cut -d' ' -f1)
  threads=$(sort -n -k2 "$out/samples" | tail -1 | cut -d' ' -f2)
  echo "$label: $(( (end - start) / 1000000 )) ms wall, $reported of $hosts hosts reported $counts, peak RSS $(( $(tail -n 1 "$out/rss") / 1024 )) MiB, peak fds ${fds:-?}, peak threads ${threads:-?}"
}

measure "first run (--forks $forks)" apply -i "$inv" bench/playbooks/noop-10.yml --forks "$forks" --no-progress --json "$out/report.json"
measure "no-op run (--forks $forks)" apply -i "$inv" bench/playbooks/noop-10.yml --forks "$forks" --no-progress --json "$out/report.json"
measure "no-op run (--forks $hosts)" apply -i "$inv" bench/playbooks/noop-10.yml --forks "$hosts" --no-progress --json "$out/report.json"

# The live view on a terminal 120 columns wide: its last frame.
COLUMNS=120 LINES=40 script -q -e -c "stty cols 120 rows 40; ./fleet apply -i $inv bench/playbooks/noop-10.yml --forks $forks" "$out/typescript" >/dev/null || true
echo "live view, a frame from the middle of the run and the last one:"
sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$out/typescript" | tr '\r' '\n' | grep -v '^\s*$' >"$out/frames"
grep -A3 -m1 "^\[#\{14,\}" "$out/frames" || true
grep -B2 -m1 ' Recap' "$out/frames" | head -2
