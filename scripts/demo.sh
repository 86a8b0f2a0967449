#!/usr/bin/env bash
# The whole guestcrypt job on one machine, in about 15 minutes (software-emulated CPU): starts a
# Key Vault emulator, boots a Debian guest with two data disks full of files, installs guestcrypt,
# encrypts both disks while a writer keeps writing, shows live progress, reboots, shows the volumes
# unlocked and every file intact, and lists the secrets in the vault (names and tags, not values).
# Runs on a fresh Debian 12 machine as root; everything stays on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${GC_BUILD_DIR:-target-demo}

scripts/setup-host.sh
if [[ -x scripts/vm/build-image.sh ]]; then
  scripts/vm/build-image.sh a    # cached: builds only once per machine
fi
echo "==> Building guestcrypt (mvn package)"
mvn -B -q -Dgc.buildDirName="$BUILD" -pl e2e -am -DskipTests package \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/e2e/$BUILD/demo.classpath"
exec java -cp "e2e/$BUILD/test-classes:$(cat "e2e/$BUILD/demo.classpath")" \
  -Dguestcrypt.repoRoot="$PWD" dev.guestcrypt.e2e.volumes.demo.Demo
