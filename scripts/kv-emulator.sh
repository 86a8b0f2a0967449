#!/usr/bin/env bash
# Runs the Key Vault + IMDS emulator standalone (VM tests, demos), building the testkit if needed.
#   scripts/kv-emulator.sh --port 8443 --imds-port 8080 --state /tmp/kv/state.json --export-dir /tmp/kv
# Vaults: https://<name>.vault.azure.net:<port> (also other clouds and managedhsm.azure.net);
# IMDS: http://<bind>:<imds-port>/metadata/identity/oauth2/token; management: .../emulator/.
# --export-dir receives ca.pem, truststore.p12 (password changeit) and endpoints.env.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${GC_BUILD_DIR:-target}
JAR="$ROOT/testkit/$BUILD/guestcrypt-testkit.jar"
if [[ ! -f $JAR ]]; then
  mvn -B -q -f "$ROOT/pom.xml" -Dgc.buildDirName="$BUILD" -pl testkit package -DskipTests
fi
exec java -XX:+UseSerialGC -Xmx128m -jar "$JAR" kv-emulator "$@"
