#!/usr/bin/env bash
# Builds one release: artifacts/release/fleet-RID.tar.gz (the NativeAOT fleet, playbooks/, deploy/systemd/, LICENSE if any,
# INSTALL) and artifacts/release/Fleet.Cli.VERSION.nupkg (the .NET tool), then checks what it built: the binary's machine,
# and where it can run here, --version and validate of the shipped site.yml from the unpacked archive, and the tool
# installed from the package into a temporary --tool-path.
# Usage: scripts/release.sh linux-x64|linux-arm64   (VERSION=1.2.3 replaces the project's version: the workflow's tag)
# linux-arm64 on an x86_64 machine is cross-compiled as .NET documents it for NativeAOT: clang links for the target with
# the target's C runtime and binutils (Debian/Ubuntu: apt-get install clang gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
# libc6-dev-arm64-cross, the last a recommendation of the first that --no-install-recommends leaves out);
# .NET 10's runtime pack brings its own zlib, so no arm64 zlib1g-dev is needed. With qemu-user it runs the check there too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
die() { echo "release.sh: $*" >&2; exit 1; }

rid="${1:-}"
case "$rid" in
  linux-x64) arch=x86_64 debarch=amd64 triple=x86_64-linux-gnu machine=3e qemu=qemu-x86_64 ;;
  linux-arm64) arch=aarch64 debarch=arm64 triple=aarch64-linux-gnu machine=b7 qemu=qemu-aarch64 ;;
  *) echo "usage: scripts/release.sh linux-x64|linux-arm64" >&2; exit 2 ;;
esac
project=src/Fleet.Cli/Fleet.Cli.csproj
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
version="${VERSION:-$(dotnet msbuild "$project" -nologo -getProperty:Version)}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] || die "'$version' is not a version (VERSION=MAJOR.MINOR.PATCH)"

source scripts/clang.sh
cc="$(fleet_clang)"
[[ -n "$cc" ]] || die "NativeAOT needs clang: apt-get install clang"
mapfile -t native < <(fleet_clang_properties "$cc")
cross=false
if [[ "$(uname -m)" != "$arch" ]]; then
  cross=true
  # The target's linker (clang's -fuse-ld=bfd finds TRIPLE-ld.bfd), its C runtime objects and libgcc: the cross gcc packages.
  packages="gcc-${triple//_/-} binutils-${triple//_/-} libc6-dev-$debarch-cross"
  command -v "$triple-ld.bfd" >/dev/null || die "cross-compiling $rid needs the $triple linker: apt-get install $packages"
  [[ -e "/usr/$triple/lib/crt1.o" ]] || die "cross-compiling $rid needs the $triple C runtime: apt-get install $packages"
  # Symbols are split off with the target's objcopy: the machine's own binutils may not read the target's ELF.
  native=("-p:CppCompilerAndLinker=$cc" "-p:ObjCopyName=$triple-objcopy")
fi

build="artifacts/release-build/$rid"
stage="$build/fleet-$rid"
out=artifacts/release
rm -rf "$build" "$out/fleet-$rid.tar.gz"
mkdir -p "$stage" "$out"
quiet=(-nologo -v q -clp:NoSummary)
echo "release.sh: fleet $version for $rid (NativeAOT, $cc$([[ $cross == true ]] && echo ", cross-compiled on $(uname -m)"))"
dotnet publish "$project" -c Release -r "$rid" -p:PublishAot=true -p:Version="$version" "${native[@]}" \
  --artifacts-path "$build/obj" -o "$build/publish" "${quiet[@]}"
install -m 0755 "$build/publish/fleet" "$stage/fleet"
cp -r playbooks "$stage/playbooks"
mkdir -p "$stage/deploy"
cp -r deploy/systemd "$stage/deploy/systemd"
[[ -f LICENSE ]] && cp LICENSE "$stage/"
cat > "$stage/INSTALL" <<EOF
Fleet $version for $rid: a native executable (NativeAOT); it needs no .NET runtime.

Install:   install -m 0755 fleet /usr/local/bin/fleet
Verify:    fleet --version                       # $version
           fleet validate playbooks/site.yml     # the shipped hardening playbooks parse and validate
First run: fleet inventory -i INVENTORY, then fleet check -i INVENTORY playbooks/site.yml --diff, then fleet apply
Service:   deploy/systemd/install.sh --inventory INVENTORY   (as root: fleet enforce under systemd; docs/service.md)
Docs:      docs/install.md in the source repository.
EOF
tar -C "$build" --owner=0 --group=0 -czf "$out/fleet-$rid.tar.gz" "fleet-$rid"
dotnet pack "$project" -c Release -p:Version="$version" --artifacts-path "$build/pack" -o "$out" "${quiet[@]}"
[[ -f "$out/Fleet.Cli.$version.nupkg" ]] || die "dotnet pack made no $out/Fleet.Cli.$version.nupkg"

# The check, on what was packed rather than on the build tree.
check="$(mktemp -d)"
trap 'rm -rf "$check"' EXIT
tar -C "$check" -xzf "$out/fleet-$rid.tar.gz"
fleet="$check/fleet-$rid/fleet"
[[ "$(od -An -tx1 -j18 -N1 "$fleet" | tr -d ' ')" == "$machine" ]] || die "$fleet is not an $arch executable"
run=()
if [[ "$cross" == true ]]; then
  if command -v "$qemu" >/dev/null; then
    run=("$qemu" -L "/usr/$triple")
  else
    echo "release.sh: $rid built; not run here ($(uname -m) machine without $qemu: apt-get install qemu-user to run it)"
  fi
fi
if [[ "$cross" == false || ${#run[@]} -gt 0 ]]; then
  shown="$("${run[@]}" "$fleet" --version)"
  [[ "$shown" == "$version" ]] || die "fleet --version printed '$shown', not $version"
  (cd "$check/fleet-$rid" && "${run[@]}" ./fleet validate playbooks/site.yml >/dev/null) || die "the archive's fleet does not validate its playbooks/site.yml"
  echo "release.sh: $rid: fleet --version and validate playbooks/site.yml ran from the archive"
fi
# The tool runs on the machine's own .NET, whatever the RID: installed from the package alone (a cleared source list).
cat > "$check/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="release" value="$(pwd)/$out" />
  </packageSources>
</configuration>
EOF
dotnet tool install Fleet.Cli --version "$version" --tool-path "$check/tools" --configfile "$check/nuget.config" >/dev/null
shown="$("$check/tools/fleet" --version)"
[[ "$shown" == "$version" ]] || die "the installed tool's fleet --version printed '$shown', not $version"
echo "release.sh: dotnet tool install Fleet.Cli $version: fleet --version ran"
ls -l "$out/fleet-$rid.tar.gz" "$out/Fleet.Cli.$version.nupkg"
