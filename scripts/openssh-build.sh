#!/usr/bin/env bash
# Builds Debian 13's OpenSSH (10.0: sshd, sshd-session, sshd-auth, ssh, ssh-keygen) from Debian's source package, with
# Debian's patches, on this machine (Debian 12 ships OpenSSH 9.2, which offers no mlkem768x25519-sha256; trixie's binary
# packages need a newer glibc). For the tests and benchmarks that need a real sshd offering ML-KEM.
#
# Usage (root): scripts/openssh-build.sh   — prints the directory holding the binaries on stdout, nothing else.
# Cached and idempotent: once built, a call only prints the directory (no apt, no network). Concurrent calls wait on a lock.
# A fresh build runs apt-get update, installs the build dependencies it lacks, fetches the source package from the
# machine's own Debian mirror (the URI of its apt sources, with a deb-src line for the suite kept in a private apt state:
# the machine's sources and lists are not changed), then configures and builds (about 1 minute on 2 cores).
# OPENSSH_SUITE (default trixie) picks the suite; FLEET_OPENSSH_CACHE (default /var/cache/fleet-openssh) the cache.
set -euo pipefail
suite=${OPENSSH_SUITE:-trixie}
cache=${FLEET_OPENSSH_CACHE:-/var/cache/fleet-openssh}
bin=$cache/$suite/bin
log() { echo "openssh-build: $*" >&2; }

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [[ -x $bin/sshd && -x $bin/sshd-session && -x $bin/sshd-auth && -x $bin/ssh && -f $bin/SOURCE ]]; then
  echo "$bin"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || { log "not built yet, and building needs root (apt-get)"; exit 1; }

start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive LC_ALL=C
log "building OpenSSH from $suite's source package into $bin (once; about 1 minute)"
apt-get -o DPkg::Lock::Timeout=300 update -qq
missing=()
for package in gcc make autoconf dpkg-dev libssl-dev zlib1g-dev; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  log "installing the build dependencies ${missing[*]} with apt-get"
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
# The machine's Debian mirror: the repository its apt sources use for its own release's binary packages.
uri=$(apt-get indextargets --format '$(TARGET_OF) $(RELEASE) $(REPO_URI)' | awk -v c="$codename" '$1 == "deb" && $2 == c { print $3; exit }')
[[ -n $uri ]] || { log "no apt source for $codename found (apt-get indextargets) to take the mirror from"; exit 1; }
mkdir -p "$work/lists/partial" "$work/parts"
printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$uri" "$suite" >"$work/sources.list"
apt=(apt-get -q -o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/parts"
  -o "Dir::State::Lists=$work/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root)
"${apt[@]}" update >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; exit 1; }
(cd "$work" && "${apt[@]}" source --download-only openssh) >>"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; exit 1; }
dsc=$(ls "$work"/openssh_*.dsc)
# apt checked each file against the suite's signed Sources index; dpkg-source applies Debian's patches.
dpkg-source -x "$dsc" "$work/src" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }

# Debian's patches change configure.ac: regenerate configure (OpenSSH needs autoconf and autoheader, not automake).
mkdir -p "$cache/empty"
chmod 755 "$cache/empty"
if ! (
  cd "$work/src"
  autoconf && autoheader
  # The privilege separation directory is compiled in (sshd chroots its pre-auth child there); the rest is set at run time
  # by the sshd_config of whoever starts this sshd (SshdSessionPath, SshdAuthPath, HostKey, AuthorizedKeysFile).
  ./configure --without-pam --without-selinux --without-kerberos5 --without-libedit --without-security-key-builtin \
    --with-privsep-path="$cache/empty"
  make -j"$(nproc)" sshd sshd-session sshd-auth ssh ssh-keygen
) >>"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log" >&2
  exit 1
fi

rm -rf "$bin.new"
mkdir -p "$bin.new"
install -m 755 "$work"/src/{sshd,sshd-session,sshd-auth,ssh,ssh-keygen} "$bin.new/"
{
  basename "$dsc" .dsc
  "$bin.new/ssh" -V 2>&1
} >"$bin.new/SOURCE"
rm -rf "$bin"
mv "$bin.new" "$bin"
log "built $(tr '\n' ' ' <"$bin/SOURCE")in $(($(date +%s) - start)) s"
echo "$bin"
