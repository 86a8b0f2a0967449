#!/usr/bin/env bash
# Online in-place encryption benchmark in a Debian guest (qemu TCG): guestcrypt versus
# `cryptsetup reencrypt` run by hand on an identical 1 GiB ext4 disk in the same guest and run.
# Prints MiB/s and the ratio (target >= 0.95), downtime per volume (target < 10 s) and the
# daemon's RSS idle (target < 100 MiB) and while encrypting. Needs the cached guest image
# (scripts/vm/build-image.sh) and takes about 10 minutes.
#   scripts/bench/online-encrypt.sh
#   BENCH_DISK_MIB=4096 scripts/bench/online-encrypt.sh    (larger disks: does the downtime grow?)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${GC_BUILD_DIR:-target-bench}
mvn -B -q -Dgc.buildDirName="$BUILD" -pl e2e -am -DskipTests package \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/e2e/$BUILD/bench.classpath"
exec java -cp "e2e/$BUILD/test-classes:$(cat "e2e/$BUILD/bench.classpath")" \
  -Dguestcrypt.repoRoot="$PWD" -Dbench.diskMiB="${BENCH_DISK_MIB:-1024}" dev.guestcrypt.e2e.volumes.bench.OnlineEncryptBench
