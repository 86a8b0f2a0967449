#!/usr/bin/env bash
# Removes the guestcrypt program and its systemd units. It never removes anything that a volume
# needs to be opened again: Key Vault secrets, detached headers and the journal in
# /var/lib/guestcrypt, the configuration in /etc/guestcrypt, and the crypttab and fstab lines of
# encrypted volumes all stay. Encrypted volumes stay encrypted; this script says which they are
# and how to open one by hand.
set -euo pipefail

readonly PROGRAM_LINK=/opt/guestcrypt
readonly RELEASE_PREFIX=/opt/guestcrypt-
readonly LAUNCHER=/usr/local/bin/guestcrypt
readonly UNIT_DIR=/etc/systemd/system
readonly TMPFILES_CONF=/etc/tmpfiles.d/guestcrypt.conf
readonly GENERATOR=/usr/local/lib/systemd/system-generators/guestcrypt-generator

say() { echo "uninstall: $*"; }

case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "uninstall: error: unknown argument '$1'" >&2; echo "uninstall: fix: run it without arguments" >&2; exit 1 ;;
esac
if [[ $(id -u) -ne 0 ]]; then
  echo "uninstall: error: must run as root (uid is $(id -u))" >&2; echo "uninstall: fix: run it with sudo" >&2; exit 1
fi

systemd_running=no
[[ -d /run/systemd/system ]] && systemd_running=yes

# Stop the daemon first: it stops at a chunk boundary; an interrupted re-encryption is recorded in
# the volume's LUKS2 header and can be finished later (by guestcrypt or cryptsetup reencrypt).
if [[ $systemd_running == yes ]]; then
  if systemctl is-active --quiet guestcrypt-agent.service; then
    say "stopping guestcrypt-agent.service"
    systemctl stop guestcrypt-agent.service
  fi
  systemctl disable --quiet guestcrypt-agent.service 2>/dev/null || true
else
  systemctl disable --quiet guestcrypt-agent.service 2>/dev/null || true
fi

# Open volumes stay open and mounted: the unlock units have no stop action, removing them closes nothing.
removed=()
for f in "$UNIT_DIR/guestcrypt-agent.service" "$UNIT_DIR/guestcrypt-unlock.service" "$UNIT_DIR/guestcrypt-unlock@.service" "$TMPFILES_CONF" "$GENERATOR" "$LAUNCHER"; do
  if [[ -e $f ]]; then rm -f "$f"; removed+=("$f"); fi
done
if [[ -L $PROGRAM_LINK || -e $PROGRAM_LINK ]]; then rm -rf "$PROGRAM_LINK"; removed+=("$PROGRAM_LINK"); fi
for r in "$RELEASE_PREFIX"*; do
  if [[ -e $r ]]; then rm -rf "$r"; removed+=("$r"); fi
done
if [[ $systemd_running == yes ]]; then
  systemctl daemon-reload
  systemctl reset-failed 'guestcrypt-*' 2>/dev/null || true
fi
if ((${#removed[@]})); then
  for r in "${removed[@]}"; do say "removed $r"; done
else
  say "guestcrypt was not installed; nothing removed"
fi

say "kept: Key Vault secrets, /var/lib/guestcrypt (journal, status, detached headers), /etc/guestcrypt,"
say "      and the crypttab/fstab lines of encrypted volumes"
encrypted=$(awk '!/^[[:space:]]*#/ && $1 ~ /^gc-/ {print $1 " " $2 ($4 ~ /header=/ ? " (detached header)" : "")}' /etc/crypttab 2>/dev/null || true)
if [[ -n $encrypted ]]; then
  say "these volumes are still encrypted; without guestcrypt they are not unlocked from Key Vault at"
  say "boot: systemd asks for the passphrase on the console instead (their fstab lines are nofail,"
  say "so the system still boots without them):"
  while read -r line; do say "  $line"; done <<<"$encrypted"
  say "to open one by hand: read the vault and secret names from the volume's guestcrypt-azure-kv"
  say "token (cryptsetup luksDump DEVICE), fetch the secret, unwrap it with the KEK if one was used,"
  say "and pipe it in without writing it to disk: ... | base64 -d | cryptsetup open --key-file - DEVICE NAME"
  say "(add --header /var/lib/guestcrypt/headers/<uuid>.luks for a detached header)."
  say "installing guestcrypt again (scripts/install.sh) restores unlocking at boot."
fi
