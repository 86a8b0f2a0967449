#!/usr/bin/env bash
# Guest boot benchmark: times cold boot, clean reboot and power cut + boot of the test guest as the
# harness sees them (host side, to the ready marker and a working command channel), next to the
# guest's own systemd-analyze figure for the same boot.
#   scripts/bench/vm-boot.sh [a|b|c]        (builds testkit into target-bench first)
set -euo pipefail
cd "$(dirname "$0")/../.."
layout=${1:-a}
mvn -B -q -Dgc.buildDirName=target-bench -pl testkit -am package -DskipTests
cp=testkit/target-bench/guestcrypt-testkit.jar
exec java -Dguestcrypt.repoRoot="$PWD" -Dguestcrypt.vmLogDir="$PWD/testkit/target-bench/vm-logs" \
  -cp "$cp:testkit/target-bench/lib/*" dev.guestcrypt.testkit.vm.VmBootBench "$layout"
