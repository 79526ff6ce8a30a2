#!/usr/bin/env bash
# Runs the LianDong console on http://127.0.0.1:5000 (the Urls setting). Needs only the .NET SDK:
# restore, build, database creation and migrations happen on the way. The database is
# LianDong.Console/data/liandong.db (dotnet run works in the project folder). On the first run the
# log shows the first admin's email and generated password, unless LIANDONG_ADMIN_EMAIL and
# LIANDONG_ADMIN_PASSWORD are set. Extra arguments go to the console (e.g. --Urls=http://0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project LianDong.Console -- "$@"
