#!/usr/bin/env bash
# Runs every test: unit tests, then the integration tests on a real lab (root on Linux; the lab installs the machine packages it
# lacks). Prints how many tests were skipped, and fails when any integration test was skipped as root on Linux: there, nothing
# may skip silently.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
dotnet build Fleet.sln -c Release -nologo -v q -clp:NoSummary
status=0
skipped_total=0
for project in Fleet.Core.Tests Fleet.Integration.Tests; do
  dotnet test "tests/$project" -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$logs/$project.log" || status=1
  # The summary: "Total tests: 63", then "Passed: 60", "Skipped: 3"… (a count of zero prints no line).
  if ! grep -qE '^Total tests: *[0-9]+' "$logs/$project.log"; then
    echo "test.sh: no test summary from $project" >&2
    status=1
    continue
  fi
  skipped=$(sed -n 's/^ *Skipped: *\([0-9][0-9]*\).*/\1/p' "$logs/$project.log" | tail -n 1)
  skipped=${skipped:-0}
  echo "test.sh: $project: $skipped skipped"
  skipped_total=$((skipped_total + skipped))
  if [[ "$project" == Fleet.Integration.Tests && "$skipped" -gt 0 && "$(id -u)" -eq 0 && "$(uname -s)" == Linux ]]; then
    echo "test.sh: $skipped integration tests were skipped while running as root on Linux, where every lab test must run:" >&2
    grep -E '^\s+Skipped ' "$logs/$project.log" >&2 || true
    status=1
  fi
done
echo "test.sh: $skipped_total tests skipped in all"
exit "$status"
