#!/usr/bin/env bash
# Native re-encryption benchmark: offline in-place encryption of the same 1 GiB image through the
# Java bindings (NativeReencryptBench; its time excludes the one-time library/JNA load, reported apart) and through the cryptsetup CLI with the same parameters
# (--reduce-device-size 32M, 512-byte sectors, aes-xts-plain64, pbkdf2 1000 iterations), alternating
# which goes first, in fresh processes. Prints MiB/s over the 1008 MiB data area for both, the
# ratio bindings/CLI and the peak RSS from /usr/bin/time -v.
# Usage: scripts/bench/native-reencrypt.sh [runs] (default 3). Needs root (O_DIRECT, /run/cryptsetup locks).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${GC_BUILD_DIR:-target-bench-native}
RUNS=${1:-3}
SIZE_MIB=${BENCH_SIZE_MIB:-1024}
JVM_FLAGS=${BENCH_JVM_FLAGS:--XX:+UseSerialGC -Xmx64m -Xss512k}
JNA_JAR=$(find "${HOME}/.m2/repository/net/java/dev/jna/jna" -name 'jna-5.19.1.jar' | head -1)

mvn -B -q -o -f "$ROOT/pom.xml" -Dgc.buildDirName="$BUILD" -pl native-bindings test-compile
CP="$ROOT/native-bindings/$BUILD/test-classes:$ROOT/native-bindings/$BUILD/classes:$JNA_JAR"

WORK=$(mktemp -d /var/tmp/gc-native-bench.XXXXXX)   # on disk: O_DIRECT does not work on tmpfs
trap 'rm -rf "$WORK"' EXIT
printf 'bench-passphrase' >"$WORK/key"
# Random payload, with the last 32 MiB free for the header shift, as the filesystem would be shrunk.
head -c $(((SIZE_MIB - 32) << 20)) /dev/urandom >"$WORK/base.img"
truncate -s "${SIZE_MIB}M" "$WORK/base.img"
DATA_MIB=$((SIZE_MIB - 16))

run_bindings() {
  /usr/bin/time -v -o "$WORK/time.txt" java $JVM_FLAGS -cp "$CP" \
    dev.guestcrypt.nativebind.luks.NativeReencryptBench "$WORK/run.img" "$WORK" <"$WORK/key" >"$WORK/out.txt" 2>"$WORK/err.txt" \
    || { cat "$WORK/err.txt" >&2; exit 1; }
  local inner init load wall rss cpu
  inner=$(sed -n 's/.*bindings seconds=\([0-9.]*\).*/\1/p' "$WORK/out.txt")
  init=$(sed -n 's/.*init_seconds=\([0-9.]*\).*/\1/p' "$WORK/out.txt")
  load=$(sed -n 's/.*load_seconds=\([0-9.]*\).*/\1/p' "$WORK/out.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$WORK/time.txt")
  rss=$(awk -F': ' '/Maximum resident/{print int($2/1024)}' "$WORK/time.txt")
  cpu=$(awk -F': ' '/User time|System time/{s+=$2} END{print s}' "$WORK/time.txt")
  echo "$inner $init $load $wall $rss $cpu"
}

run_cli() {
  (cd "$WORK" && /usr/bin/time -v -o "$WORK/time.txt" cryptsetup reencrypt --encrypt --type luks2 --batch-mode \
    --cipher aes-xts-plain64 --key-size 512 --sector-size 512 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
    --key-file "$WORK/key" --reduce-device-size 32M "$WORK/run.img" >/dev/null 2>"$WORK/err.txt") \
    || { cat "$WORK/err.txt" >&2; exit 1; }
  local wall rss cpu
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$WORK/time.txt")
  rss=$(awk -F': ' '/Maximum resident/{print int($2/1024)}' "$WORK/time.txt")
  cpu=$(awk -F': ' '/User time|System time/{s+=$2} END{print s}' "$WORK/time.txt")
  echo "$wall $rss $cpu"
}

check_done() { # the header must show a finished encryption (no pending re-encryption requirement)
  cryptsetup luksDump "$WORK/run.img" | grep -q 'online-reencrypt' && { echo "encryption not finished" >&2; exit 1; }
  return 0
}

echo "# load before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (the figures are only comparable on a quiet machine)"
echo "# native-reencrypt bench: ${SIZE_MIB} MiB image, ${DATA_MIB} MiB data area, $(nproc) cores, runs: $RUNS"
echo "# bindings: $(java -version 2>&1 | head -1), flags: $JVM_FLAGS; CLI: $(cryptsetup --version)"
B_SUM=0; W_SUM=0; C_SUM=0; B_RSS=0; C_RSS=0
for run in $(seq "$RUNS"); do
  order="bindings cli"; ((run % 2 == 0)) && order="cli bindings"
  for who in $order; do
    cp --sparse=never "$WORK/base.img" "$WORK/run.img"; sync
    if [[ $who == bindings ]]; then
      read -r inner init load wall rss cpu < <(run_bindings); check_done
      printf 'run %d bindings: %.2f s (init %.2f s; library load before it %.2f s; process %.2f s, cpu %.2f s)' \
        "$run" "$inner" "$init" "$load" "$wall" "$cpu"
      printf ' %.1f MiB/s, peak RSS %d MiB\n' "$(echo "$DATA_MIB / $inner" | bc -l)" "$rss"
      B_SUM=$(echo "$B_SUM + $inner" | bc -l); W_SUM=$(echo "$W_SUM + $wall" | bc -l); ((rss > B_RSS)) && B_RSS=$rss
    else
      read -r wall rss cpu < <(run_cli); check_done
      printf 'run %d cli:      %.2f s (cpu %.2f s) %.1f MiB/s, peak RSS %d MiB\n' "$run" "$wall" "$cpu" \
        "$(echo "$DATA_MIB / $wall" | bc -l)" "$rss"
      C_SUM=$(echo "$C_SUM + $wall" | bc -l); ((rss > C_RSS)) && C_RSS=$rss
    fi
  done
done
B_RATE=$(echo "$DATA_MIB * $RUNS / $B_SUM" | bc -l)
W_RATE=$(echo "$DATA_MIB * $RUNS / $W_SUM" | bc -l)
C_RATE=$(echo "$DATA_MIB * $RUNS / $C_SUM" | bc -l)
printf 'bindings: %.1f MiB/s (whole process incl. JVM start: %.1f MiB/s), peak RSS %d MiB\n' "$B_RATE" "$W_RATE" "$B_RSS"
printf 'cli:      %.1f MiB/s, peak RSS %d MiB\n' "$C_RATE" "$C_RSS"
printf 'ratio bindings/cli: %.2f (whole process: %.2f); target >= 1.0, bindings RSS < 300 MiB\n' \
  "$(echo "$B_RATE / $C_RATE" | bc -l)" "$(echo "$W_RATE / $C_RATE" | bc -l)"
