#!/bin/sh
# Time and memory of `fleet lab up --hosts N` (issue: 50 hosts in under 60 s, under 2 GiB in total before any playbook runs).
# Usage (root): bench/lab-up.sh [hosts]
set -eu
cd "$(dirname "$0")/.."
n=${1:-50}
dir=/var/tmp/fleet-bench-labup
./fleet lab down --dir "$dir" >/dev/null 2>&1 || true
./fleet lab status >/dev/null 2>&1 || true   # build the CLI outside the timing
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
avail_before=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
start=$(date +%s%N)
./fleet lab up --hosts "$n" --dir "$dir" >/dev/null
end=$(date +%s%N)
sleep 2
avail_after=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
# Every process whose pid namespace is one of the hosts': sum of proportional set sizes.
pss=0; procs=0
for init in $(python3 -c "import json;print(' '.join(str(h['InitPid']) for h in json.load(open('$dir/lab.json'))['Hosts']))"); do
  ns=$(readlink /proc/$init/ns/pid)
  for p in /proc/[0-9]*; do
    [ "$(readlink $p/ns/pid 2>/dev/null)" = "$ns" ] || continue
    kb=$(awk '/^Pss:/ {print $2}' $p/smaps_rollup 2>/dev/null || echo 0)
    pss=$((pss + ${kb:-0})); procs=$((procs + 1))
  done
done
upper=$(du -sk "$dir/hosts" | cut -f1)
echo "hosts: $n"
echo "lab up wall time: $(( (end - start) / 1000000 )) ms"
echo "processes in hosts: $procs, their PSS: $((pss / 1024)) MiB"
echo "MemAvailable drop: $(( (avail_before - avail_after) / 1024 )) MiB (whole machine, includes page cache of the overlays)"
echo "upper dirs on disk: $((upper / 1024)) MiB"
./fleet lab down --dir "$dir" >/dev/null
