#!/usr/bin/env bash
# What `npm test` needs besides node_modules: moto_server (S3, SQS, STS, IAM and Glue for the
# store, archive and catalog tests), a headless Chromium (the report page) and shellcheck (the
# workflows' scripts). As root on Debian it installs what is missing; elsewhere it names it.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium-headless-shell}"
missing=()
command -v moto_server >/dev/null 2>&1 || missing+=(python3-moto)
[ -x "$chromium" ] || missing+=(chromium-headless-shell)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing ${missing[*]} with apt-get"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v moto_server >/dev/null 2>&1 || { echo "npm test needs moto_server: pip install 'moto[server]==5.2.1'" >&2; exit 1; }
[ -x "$chromium" ] || { echo "npm test needs a headless Chromium at $chromium: apt-get install chromium-headless-shell (or set CHROMIUM_PATH)" >&2; exit 1; }
command -v shellcheck >/dev/null 2>&1 || { echo "npm test needs shellcheck: apt-get install shellcheck" >&2; exit 1; }
