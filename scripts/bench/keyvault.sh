#!/usr/bin/env bash
# Key Vault client benchmark: builds the agent, starts the standalone emulator, and runs the same
# measurement once with the JDK HttpClient transport (what the agent ships) and once with the
# SDK's default Netty transport (reference), each in a fresh JVM with the same flags.
# Prints one line per transport. Usage: scripts/bench/keyvault.sh [rounds] (default 20)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${GC_BUILD_DIR:-target-bench-kv}
ROUNDS=${1:-20}
JVM_FLAGS=${BENCH_JVM_FLAGS:--XX:+UseSerialGC -Xmx96m -Xss512k}
MVN="mvn -B -q -f $ROOT/pom.xml -Dgc.buildDirName=$BUILD"

$MVN -pl testkit package -DskipTests
classpath() { # $1: extra Maven args; the agent module runs last, so its class path is what remains in the file
  local out; out=$(mktemp)
  $MVN -pl agent -am $1 test-compile dependency:build-classpath -DskipTests -Dmdep.includeScope=test \
    -Dmdep.outputFile="$out" >/dev/null
  echo "$ROOT/agent/$BUILD/test-classes:$ROOT/agent/$BUILD/classes:$(cat "$out")"; rm -f "$out"
}
CP_JDK=$(classpath "")
CP_NETTY=$(classpath "-Pbench-netty")
[[ $CP_JDK == *azure-core* && $CP_NETTY == *azure-core-http-netty* ]] || { echo "class path resolution failed" >&2; exit 1; }

WORK=$(mktemp -d)
EMULATOR_PID=
cleanup() { [[ -n $EMULATOR_PID ]] && kill "$EMULATOR_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
java -XX:+UseSerialGC -Xmx128m -jar "$ROOT/testkit/$BUILD/guestcrypt-testkit.jar" kv-emulator \
  --export-dir "$WORK" --state "$WORK/state.json" >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!
for _ in $(seq 100); do [[ -f $WORK/endpoints.env ]] && break; sleep 0.1; done
# shellcheck disable=SC1091
source "$WORK/endpoints.env"
echo "127.0.0.1 localhost gc-bench.vault.azure.net" >"$WORK/hosts"

echo "# keyvault bench: $(nproc) cores, $(java -version 2>&1 | head -1), flags: $JVM_FLAGS, rounds: $ROUNDS"
for transport in jdk netty; do
  cp=$CP_JDK; [[ $transport == netty ]] && cp=$CP_NETTY
  # shellcheck disable=SC2086
  AZURE_POD_IDENTITY_AUTHORITY_HOST="http://127.0.0.1:$IMDS_PORT" java $JVM_FLAGS \
    -Djdk.net.hosts.file="$WORK/hosts" -Djavax.net.ssl.trustStore="$WORK/truststore.p12" \
    -Djavax.net.ssl.trustStorePassword=changeit -Dguestcrypt.keyvault.transport=$transport \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=off -cp "$cp" \
    dev.guestcrypt.agent.keys.keyvault.KeyVaultBench "https://gc-bench.vault.azure.net:$KV_PORT" \
    "http://127.0.0.1:$IMDS_PORT/emulator" "$ROUNDS" 2> >(grep -v SLF4J >&2)
done
echo "# target: warm fetch+unwrap median < 150 ms"
