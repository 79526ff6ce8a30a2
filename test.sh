#!/usr/bin/env bash
# Sets up what a fresh Debian 12 machine with the .NET 10 SDK lacks, then runs ALL tests
# (unit, persistence, HTTP, bUnit and the Playwright browser tests in Debian's Chromium).
# Installs: Debian's chromium (browser tests; never a Playwright-downloaded browser) and a CJK
# font (so screenshots show Chinese), and the local dotnet-ef tool. apt-get needs root (CI runs
# as root) or sudo.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "test.sh: installing ${missing[*]}"
    $sudo apt-get update
    $sudo apt-get install -y "${missing[@]}"
fi

dotnet tool restore
dotnet test LianDong.sln "$@"
