#!/usr/bin/env bash
# The whole guestcrypt test suite on a fresh Debian 12 machine:
#  1. installs the system packages the tests need (only those missing),
#  2. runs `mvn -B verify`: unit tests, real-libcryptsetup tests on image files,
#     Key Vault emulator tests through the Azure SDK, and the guest-VM tests under qemu.
# Extra arguments go to Maven, e.g.  scripts/test.sh -DskipVm=true
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-host.sh
exec mvn -B verify "$@"
