#!/usr/bin/env bash
# Runs the Key Vault + IMDS emulator standalone (VM tests, demos), building the testkit if needed.
#   scripts/kv-emulator.sh --port 8443 --imds-port 8080 --state /tmp/kv/state.json --export-dir /tmp/kv
# Vaults: https://<name>.vault.azure.net:<port> (also other clouds and managedhsm.azure.net);
# IMDS: http://<bind>:<imds-port>/metadata/identity/oauth2/token; management: .../emulator/.
# --export-dir receives ca.pem, truststore.p12 (password changeit) and endpoints.env (ports,
# tenant, system identity ids). Other options: --bind ADDR, --dns NAME (extra certificate name
# served as a vault), --identity-header SECRET (App Service flavour, header X-IDENTITY-HEADER).
#
# Clients: map <vault>.vault.azure.net (and login.microsoftonline.com for service principals) to
# the emulator's address (/etc/hosts in a guest, -Djdk.net.hosts.file in a JVM), trust ca.pem, and
# point managed identity at IMDS with AZURE_POD_IDENTITY_AUTHORITY_HOST=http://<addr>:<imds-port>
# (or forward 169.254.169.254:80 to it). State, including the CA, survives restarts with --state.
#
# Management API (plain HTTP, same port as IMDS), JSON bodies:
#   GET    /emulator/ca.pem                         the CA certificate
#   GET    /emulator/identities                     identities (system one is created on first start)
#   POST   /emulator/identities   {kind:"user"|"app", clientId?, objectId?, resourceId?, clientSecret?, certificate?(b64 DER)}
#   PUT    /emulator/permissions  {vault:"<host>", objectId, permissions:["secrets/get","keys/unwrapKey",...]|null}
#   POST   /emulator/keys         {vault:"<host>", name, bits?, keyOps?}  -> {version}
#   GET    /emulator/vaults                         every vault with secrets (values included) and keys
#   POST   /emulator/faults       {listener?:"vault"|"token", method?, host?, pathRegex, action:"STATUS"|"DELAY"|"DROP",
#                                  status?, retryAfterSeconds?, delayMillis?, skip?, times?}
#   DELETE /emulator/faults
#   GET    /emulator/requests     the request log (method, host, path, status, identity); DELETE clears it
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${GC_BUILD_DIR:-target}
JAR="$ROOT/testkit/$BUILD/guestcrypt-testkit.jar"
if [[ ! -f $JAR ]]; then
  mvn -B -q -f "$ROOT/pom.xml" -Dgc.buildDirName="$BUILD" -pl testkit package -DskipTests
fi
exec java -XX:+UseSerialGC -Xmx128m -jar "$JAR" kv-emulator "$@"
