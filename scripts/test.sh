#!/usr/bin/env bash
# Runs every test: unit tests, then the integration tests on a real lab (root on Linux; CI=true makes a missing lab a failure).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet build Fleet.sln -c Release -nologo -v q -clp:NoSummary
dotnet test tests/Fleet.Core.Tests -c Release --no-build -nologo --logger "console;verbosity=normal"
dotnet test tests/Fleet.Integration.Tests -c Release --no-build -nologo --logger "console;verbosity=normal"
