#!/bin/sh
# site.yml on fresh lab hosts: first run, no-op re-run and check, each timed as a whole process, with the controller's
# peak RSS. Usage (root): bench/site.sh [no-op runs]   — HOSTS (default 10), SSH_KEX (pq or classic, default pq),
# VARS (extra --var settings, e.g. "aide_init_database=false" to leave out AIDE's first database, minutes of CPU per lab host).
set -eu
cd "$(dirname "$0")/.."
runs=${1:-3}
hosts=${HOSTS:-10}
kex=${SSH_KEX:-pq}
vars=""
for v in ${VARS:-}; do vars="$vars --var $v"; done
dir=/var/tmp/fleet-bench-site
inv=$dir/lab-inventory.yml
[ -e "$dir/lab.json" ] && ./fleet lab down --dir "$dir" >/dev/null
./fleet lab up --hosts "$hosts" --dir "$dir" >/dev/null
./fleet validate -i "$inv" playbooks/site.yml >/dev/null
# One timed command: wall ms, peak RSS (KiB) and exit code on one line.
timed() {
  start=$(date +%s%N)
  set +e
  /usr/bin/time -f '%M' -o /tmp/fleet-bench-site.rss ./fleet "$@" -i "$inv" playbooks/site.yml --no-progress --ssh-kex "$kex" $vars \
    --json /tmp/fleet-bench-site.json >/dev/null 2>&1
  code=$?
  set -e
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(tail -n 1 /tmp/fleet-bench-site.rss) $code"
}
summary() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "median %d ms (min %d, max %d, %d runs)", a[int((NR+1)/2)], a[1], a[NR], NR}'; }
set -- $(timed apply)
cp /tmp/fleet-bench-site.json /tmp/fleet-bench-site-first.json  # the first run's report, kept for its failures
echo "first run on $hosts fresh hosts, --ssh-kex $kex: $1 ms, peak RSS $(( $2 / 1024 )) MiB, exit $3"
noop="" rss=0
i=0
while [ "$i" -lt "$runs" ]; do
  set -- $(timed apply)
  [ "$3" = 0 ] || { echo "no-op run exited $3" >&2; exit 1; }
  grep -q '"status": "changed"' /tmp/fleet-bench-site.json && { echo "no-op run changed something" >&2; exit 1; }
  noop="$noop $1"; [ "$2" -gt "$rss" ] && rss=$2
  i=$((i + 1))
done
echo "no-op apply: $(echo "$noop" | summary), peak RSS $(( rss / 1024 )) MiB"
checks="" i=0
while [ "$i" -lt "$runs" ]; do
  set -- $(timed check)
  [ "$3" = 0 ] || { echo "check exited $3 on the converged fleet" >&2; exit 1; }
  checks="$checks $1"
  i=$((i + 1))
done
echo "check: $(echo "$checks" | summary)"
[ "${KEEP_LAB:-0}" = 1 ] || ./fleet lab down --dir "$dir" >/dev/null
