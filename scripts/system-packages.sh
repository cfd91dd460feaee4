#!/usr/bin/env bash
# Install the Debian packages customer-chat needs (ejabberd, chromium) when missing.
# As root they are installed with apt; otherwise this says what to install and
# leaves the decision to the tests (they skip, or fail when REQUIRE_ALL=1).
set -euo pipefail

# erlang-p1-pgsql is only "Suggested" by ejabberd: it is the driver of MAM in PostgreSQL.
declare -A probe=([ejabberd]=/usr/sbin/ejabberdctl [erlang-p1-pgsql]=/usr/share/doc/erlang-p1-pgsql [chromium]=/usr/bin/chromium)
missing=()
for package in "$@"; do
  [ -x "${probe[$package]}" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 0
fi
echo "Installing ${missing[*]} with apt-get..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
