#!/usr/bin/env bash
# Handshake cost of the key exchanges against a real OpenSSH 10.0 (Debian 13's, built by scripts/openssh-build.sh):
# mlkem768x25519-sha256, sntrup761x25519-sha512 and curve25519-sha256, for Fleet's client (SSH.NET) and OpenSSH's own.
# Usage (root): bench/kex.sh [runs] [hosts]   (defaults 20 and 20)
#   1. `runs` sequential `fleet check` of a one-task playbook on one host, for each exchange: mean wall and client CPU per run;
#   2. one `fleet check` of the same playbook on `hosts` inventory hosts that all point at the server (hosts connections in
#      one process, in parallel): client CPU per run, mean of 3;
#   3. `runs` sequential `ssh -o KexAlgorithms=X root@127.0.0.1 true` with OpenSSH 10.0's client, for each exchange;
#   4. the handshake alone in Fleet's client (bench/kex-handshake.cs: SshConnector connect + close, no command, after warm-up):
#      HANDSHAKES (default 50) one after another, median wall and mean CPU per handshake.
# Two loopback sshd serve it: one with OpenSSH's defaults (offers ML-KEM), one without ML-KEM (as OpenSSH 9.0–9.8), so
# Fleet's default --ssh-kex pq lands on each post-quantum exchange in turn; --ssh-kex classic gives curve25519. Every remote
# command runs through root's login shell on this machine, the same for every exchange: compare the rows, not the absolutes.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
hosts=${2:-20}
bin=$(scripts/openssh-build.sh)
dir=/var/tmp/fleet-bench-kex
rm -rf "$dir"
mkdir -p "$dir"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"' EXIT
"$bin/ssh-keygen" -q -t ed25519 -N '' -C fleet-bench-kex -f "$dir/id_ed25519"
cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
: >"$dir/known_hosts"

# serve NAME PORT EXTRA-CONFIG: one sshd on 127.0.0.1:PORT, its pid in pids, its host key in known_hosts.
serve() {
  local name=$1 port=$2 extra=$3
  "$bin/ssh-keygen" -q -t ed25519 -N '' -f "$dir/$name-host"
  cat >"$dir/$name.conf" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $dir/$name-host
PidFile none
AuthorizedKeysFile $dir/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxStartups 200
SshdSessionPath $bin/sshd-session
SshdAuthPath $bin/sshd-auth
$extra
EOF
  setsid "$bin/sshd" -D -e -f "$dir/$name.conf" </dev/null >"$dir/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$dir/$name-host.pub")" >>"$dir/known_hosts"
}
mlkem_port=${MLKEM_PORT:-42922}
sntrup_port=${SNTRUP_PORT:-42923}
serve mlkem "$mlkem_port" ""
serve sntrup "$sntrup_port" "KexAlgorithms -mlkem768x25519-sha256"

cat >"$dir/pb.yml" <<'EOF'
- name: Kex bench
  hosts: all
  tasks:
    - name: Touch
      command: "true"
EOF
# inventory NAME PORT COUNT: COUNT hosts at 127.0.0.1:PORT.
inventory() {
  printf 'all:\n  vars:\n    user: root\n    identity_file: %s\n  hosts:\n' "$dir/id_ed25519" >"$dir/$1.yml"
  for i in $(seq "$3"); do printf '    h%02d: { address: 127.0.0.1, port: %s }\n' "$i" "$2" >>"$dir/$1.yml"; done
}
inventory mlkem-1 "$mlkem_port" 1
inventory sntrup-1 "$sntrup_port" 1
inventory mlkem-n "$mlkem_port" "$hosts"
inventory sntrup-n "$sntrup_port" "$hosts"
./fleet check -i "$dir/mlkem-1.yml" "$dir/pb.yml" --no-progress --known-hosts "$dir/known_hosts" >/dev/null # builds the launcher once

# measure LABEL COUNT CMD…: runs CMD COUNT times; prints the mean wall and client CPU (user+sys of CMD and its children,
# from bash's `times`, run in this shell: a subshell would count only its own children).
children_cpu() {
  times >"$dir/times"
  tail -n 1 "$dir/times" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } print s }'
}
measure() {
  local label=$1 count=$2
  shift 2
  local t0 c0 t1 c1
  children_cpu >"$dir/c0"
  t0=$(date +%s%N)
  for _ in $(seq "$count"); do "$@" >"$dir/out" 2>&1 || { echo "failed: $*" >&2; tail -n 20 "$dir/out" >&2; exit 1; }; done
  t1=$(date +%s%N)
  children_cpu >"$dir/c1"
  c0=$(cat "$dir/c0")
  c1=$(cat "$dir/c1")
  awk -v l="$label" -v n="$count" -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" \
    'BEGIN { printf "  %-46s wall %6.0f ms  client CPU %6.0f ms  (mean of %d)\n", l, (t1 - t0) / 1e6 / n, (c1 - c0) * 1000 / n, n }'
}
check() { ./fleet check -i "$dir/$1.yml" "$dir/pb.yml" --no-progress --known-hosts "$dir/known_hosts" --host-key-policy strict --ssh-kex "$2" --json "$dir/r.json"; }
kex_of() { check "$1" "$2" >/dev/null 2>&1; grep -o '"keyExchange": "[^"]*"' "$dir/r.json" | sort | uniq -c | tr -s ' '; }
ossh() { "$bin/ssh" -F none -i "$dir/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile="$dir/known_hosts" -o StrictHostKeyChecking=yes -o KexAlgorithms="$1" -p "$mlkem_port" root@127.0.0.1 true; }

echo "server: $(head -n 1 "$bin/SOURCE"), $(tail -n 1 "$bin/SOURCE"); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "negotiated: mlkem server, pq:$(kex_of mlkem-1 pq); sntrup server, pq:$(kex_of sntrup-1 pq); classic:$(kex_of mlkem-1 classic)"
echo "1. fleet check, one host, $runs sequential runs (whole process: start, connect, one round trip):"
measure "mlkem768x25519-sha256 (pq, server 10.0)" "$runs" check mlkem-1 pq
measure "sntrup761x25519-sha512 (pq, server w/o ML-KEM)" "$runs" check sntrup-1 pq
measure "curve25519-sha256 (classic)" "$runs" check mlkem-1 classic
echo "2. fleet check, $hosts hosts in one process (all at the same sshd), 3 runs:"
measure "mlkem768x25519-sha256" 3 check mlkem-n pq
measure "sntrup761x25519-sha512" 3 check sntrup-n pq
measure "curve25519-sha256" 3 check mlkem-n classic
echo "3. OpenSSH 10.0 client, ssh -o KexAlgorithms=X root@127.0.0.1 true, $runs sequential runs:"
measure "mlkem768x25519-sha256" "$runs" ossh mlkem768x25519-sha256
measure "sntrup761x25519-sha512" "$runs" ossh sntrup761x25519-sha512
measure "curve25519-sha256" "$runs" ossh curve25519-sha256
echo "4. Fleet's SshConnector, handshake alone (connect, key exchange, login, close), ${HANDSHAKES:-50} one after another:"
dotnet run bench/kex-handshake.cs -- "$mlkem_port" "$sntrup_port" "$dir/known_hosts" "$dir/id_ed25519" "${HANDSHAKES:-50}"
