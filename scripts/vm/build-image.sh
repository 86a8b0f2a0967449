#!/usr/bin/env bash
# Builds the Debian 12 test guest once per machine and prints the folder holding it.
#
#   scripts/vm/build-image.sh [a|b|c]     (default a)
#
# Layouts: a = /boot partition + ext4 root, b = /boot partition + xfs root, c = one ext4 root
# with /boot inside. The result is cached in $GUESTCRYPT_VM_CACHE (default /var/cache/guestcrypt-vm)
# under a hash of this script and scripts/vm/guest/, so it is rebuilt only when they change:
#   rootfs-<hash>.tar               the Debian root made by mmdebstrap (shared by all layouts)
#   image-<layout>-<hash>/disk.raw  the bootable disk (read-only; VMs run on qcow2 overlays)
#   image-<layout>-<hash>/image.json  partitions, UUIDs and the kernel command line
# Needs root (for mmdebstrap's chroot, and a loop mount for the xfs root of layout b).
set -euo pipefail

layout=${1:-a}
[[ $layout == a || $layout == b || $layout == c ]] || { echo "build-image: unknown layout '$layout'; use a, b or c" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
cache=${GUESTCRYPT_VM_CACHE:-/var/cache/guestcrypt-vm}
log() { echo "build-image: $*" >&2; }

readonly PACKAGES=systemd,systemd-sysv,udev,dbus,kmod,iproute2,util-linux,procps,busybox,\
linux-image-cloud-amd64,initramfs-tools,cryptsetup,cryptsetup-initramfs,libcryptsetup12,\
e2fsprogs,xfsprogs,lvm2,openjdk-17-jre-headless,ca-certificates,ca-certificates-java,curl,\
qemu-guest-agent
readonly DISK_BYTES=$((4 * 1024 * 1024 * 1024))
readonly BOOT_START=$((1024 * 1024)) BOOT_BYTES=$((256 * 1024 * 1024))

# The Debian root depends only on the package recipe; the images also on the guest tweaks, which
# are applied per image (a change there rebuilds the images in seconds, not the root in minutes).
readonly ROOTFS_RECIPE="bookworm minbase docs-excluded $PACKAGES"
rootfs_hash=$(echo "$ROOTFS_RECIPE" | sha256sum | cut -c1-16)
hash=$( (cat "$0"; cd "$here/guest" && find . -type f | LC_ALL=C sort | while read -r f; do echo "$f"; cat "$f"; done) | sha256sum | cut -c1-16)
rootfs=$cache/rootfs-$rootfs_hash.tar
image=$cache/image-$layout-$hash
mkdir -p "$cache"

if [[ -f $image/image.json && -f $image/disk.raw ]]; then echo "$image"; exit 0; fi
[[ $(id -u) -eq 0 ]] || { echo "build-image: must run as root to build the image (none cached in $cache)" >&2; exit 1; }

# One builder at a time per hash; others wait and then find the result.
exec 9>"$cache/.lock-$hash"
flock 9
if [[ -f $image/image.json && -f $image/disk.raw ]]; then echo "$image"; exit 0; fi

SECONDS=0
if [[ ! -f $rootfs ]]; then
  log "building the Debian root with mmdebstrap (a few minutes, once per machine)"
  mmdebstrap --variant=minbase --format=tar --include="$PACKAGES" \
    --aptopt='Acquire::Retries "3"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    bookworm "$rootfs.partial" \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main" >&2
  mv "$rootfs.partial" "$rootfs"
  log "root ready after ${SECONDS}s: $(du -h "$rootfs" | cut -f1)"
fi

work=$(mktemp -d "$cache/work-$layout.XXXXXX")
loopdev=
cleanup() {
  if [[ -n $loopdev ]]; then umount "$work/mnt" 2>/dev/null || true; losetup -d "$loopdev" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/root" "$work/boot" "$work/mnt"
tar -C "$work/root" -xpf "$rootfs"
"$here/guest/customize.sh" "$work/root"

root_uuid=$(cat /proc/sys/kernel/random/uuid)
boot_uuid=$(cat /proc/sys/kernel/random/uuid)
disk=$work/disk.raw
truncate -s $DISK_BYTES "$disk"
case $layout in
  a|b)
    root_fs=ext4; [[ $layout == b ]] && root_fs=xfs
    root_start=$((BOOT_START + BOOT_BYTES)); root_bytes=$((DISK_BYTES - root_start))
    printf 'label: dos\nstart=%s, size=%s, type=83\nstart=%s, size=%s, type=83\n' \
      $((BOOT_START / 512)) $((BOOT_BYTES / 512)) $((root_start / 512)) $((root_bytes / 512)) | sfdisk -q "$disk"
    if [[ $root_fs == xfs ]]; then root_opts=defaults; root_pass=0; else root_opts=errors=remount-ro; root_pass=1; fi
    cat >"$work/root/etc/fstab" <<FSTAB
# <file system> <mount point> <type> <options> <dump> <pass>
UUID=$root_uuid / $root_fs $root_opts 0 $root_pass
UUID=$boot_uuid /boot ext4 defaults 0 2
FSTAB
    # /boot's content goes to its own partition; the root keeps an empty mount point.
    mv "$work/root/boot/." "$work/boot/" 2>/dev/null || (cd "$work/root/boot" && mv -- * "$work/boot/")
    mke2fs -q -t ext4 -U "$boot_uuid" -L boot -d "$work/boot" -E offset=$BOOT_START "$disk" $((BOOT_BYTES / 1024))k
    if [[ $root_fs == ext4 ]]; then
      mke2fs -q -t ext4 -U "$root_uuid" -L root -d "$work/root" -E offset=$root_start "$disk" $((root_bytes / 1024))k
    else
      loopdev=$(losetup -f --show -o $root_start --sizelimit $root_bytes "$disk")
      mkfs.xfs -q -m uuid="$root_uuid" -L root "$loopdev"
      mount "$loopdev" "$work/mnt"
      cp -a "$work/root/." "$work/mnt/"
      umount "$work/mnt"; losetup -d "$loopdev"; loopdev=
    fi
    partitions="    {\"number\": 1, \"startBytes\": $BOOT_START, \"sizeBytes\": $BOOT_BYTES, \"fs\": \"ext4\", \"mount\": \"/boot\", \"uuid\": \"$boot_uuid\"},
    {\"number\": 2, \"startBytes\": $root_start, \"sizeBytes\": $root_bytes, \"fs\": \"$root_fs\", \"mount\": \"/\", \"uuid\": \"$root_uuid\"}"
    boot_partition=1; boot_dir=/
    ;;
  c)
    root_start=$BOOT_START; root_bytes=$((DISK_BYTES - root_start))
    printf 'label: dos\nstart=%s, size=%s, type=83\n' $((root_start / 512)) $((root_bytes / 512)) | sfdisk -q "$disk"
    cat >"$work/root/etc/fstab" <<FSTAB
# <file system> <mount point> <type> <options> <dump> <pass>
UUID=$root_uuid / ext4 errors=remount-ro 0 1
FSTAB
    mke2fs -q -t ext4 -U "$root_uuid" -L root -d "$work/root" -E offset=$root_start "$disk" $((root_bytes / 1024))k
    partitions="    {\"number\": 1, \"startBytes\": $root_start, \"sizeBytes\": $root_bytes, \"fs\": \"ext4\", \"mount\": \"/\", \"uuid\": \"$root_uuid\"}"
    boot_partition=1; boot_dir=/boot
    ;;
esac

cat >"$work/image.json" <<JSON
{
  "layout": "$layout",
  "disk": "disk.raw",
  "diskBytes": $DISK_BYTES,
  "partitions": [
$partitions
  ],
  "bootPartition": $boot_partition,
  "bootDir": "$boot_dir",
  "cmdline": "console=ttyS0,115200 root=UUID=$root_uuid ro panic=-1 loglevel=4"
}
JSON
chmod 0444 "$disk"
mkdir -p "$image.partial"
mv "$disk" "$work/image.json" "$image.partial/"
rm -rf "$image"; mv "$image.partial" "$image"
log "layout $layout ready after ${SECONDS}s in $image"
echo "$image"
