#!/usr/bin/env bash
# Turns a fresh Debian root (folder $1, made by mmdebstrap) into the test guest.
# Runs on the host when an image is assembled; systemctl works offline in the chroot.
set -euo pipefail
root=$1
here=$(cd "$(dirname "$0")" && pwd)

cp -a --no-preserve=ownership "$here/files/." "$root/"
chmod 0644 "$root/etc/hosts" "$root/etc/hostname"

# A fixed machine id: no first-boot preset run, and journals of earlier boots stay readable.
echo 6763677565737463727970747661310a >"$root/etc/machine-id"

# Root logs in on the serial console without a password (for a human reading the console).
passwd_root=$(sed -n 's/^root:[^:]*:/root::/p' "$root/etc/shadow")
sed -i "s/^root:.*/$passwd_root/" "$root/etc/shadow"

# qemu-guest-agent (the host's command channel) needs no enabling: udev starts it when its
# virtio port appears; the ready unit also pulls it in.
chroot "$root" systemctl enable --quiet guestcrypt-vm-ready.service systemd-networkd.service
# Units the tests do not need: masked so a boot under emulation stays short and quiet.
chroot "$root" systemctl mask --quiet \
  apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
  fstrim.timer man-db.timer systemd-timesyncd.service getty@tty1.service \
  systemd-networkd-wait-online.service lvm2-monitor.service lvm2-lvmpolld.socket dm-event.socket \
  systemd-pstore.service 2>/dev/null || true

# Nothing of the package cache is needed at run time.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
