#!/usr/bin/env bash
# Installs the Debian 12 packages that building, testing and the demo need, if any are missing.
set -euo pipefail

packages=(
  libcryptsetup12 cryptsetup-bin libcryptsetup-dev   # the library under test, its CLI (reference), its header (layout check)
  gcc                                                # compiles the struct-layout probe
  qemu-system-x86 qemu-utils socat                   # the guest VM and its forwarded ports
  mmdebstrap e2fsprogs xfsprogs fdisk cpio mtools dosfstools   # guest image building
  time                                               # /usr/bin/time for peak-RSS figures
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup-host: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v mvn >/dev/null || { echo "setup-host: Maven (mvn) and a JDK 17 are required" >&2; exit 1; }
