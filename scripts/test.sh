#!/usr/bin/env bash
# Runs every test, after installing what the tests need on a fresh machine (Debian, as root or
# with sudo): the real peers (python3 for the seed's programs, socat, openssl for TLS) and the tools for the
# error-kind and fault tests (setpriv, unshare and prlimit from util-linux, ip from iproute2),
# tshark to read pcap files back, redis-server, a real service that is not an echo server, and
# Xvfb with Mesa (libegl1, libgl1-mesa-dri) for the test that runs the real window, and
# desktop-file-utils to validate the menu entry.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v python3 >/dev/null || need+=(python3)
command -v socat >/dev/null || need+=(socat)
command -v openssl >/dev/null || need+=(openssl)
command -v setpriv >/dev/null || need+=(util-linux)
command -v unshare >/dev/null || need+=(util-linux)
command -v prlimit >/dev/null || need+=(util-linux)
command -v mkfifo >/dev/null || need+=(coreutils)
command -v ip >/dev/null || need+=(iproute2)
command -v tshark >/dev/null || need+=(tshark)
command -v redis-server >/dev/null || need+=(redis-server)
command -v ps >/dev/null || need+=(procps)
command -v Xvfb >/dev/null || need+=(xvfb)
command -v desktop-file-validate >/dev/null || need+=(desktop-file-utils)
[ -e /usr/lib/x86_64-linux-gnu/libEGL.so.1 ] || need+=(libegl1)
[ -d /usr/lib/x86_64-linux-gnu/dri ] || need+=(libgl1-mesa-dri)

if [ ${#need[@]} -gt 0 ]; then
  echo "installing test dependencies: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

exec cargo test --all-targets "$@"
