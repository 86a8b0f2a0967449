#!/usr/bin/env bash
# Makes a data disk image for the test guest, with content described by a checksum manifest.
#
#   scripts/vm/make-data-disk.sh KIND OUT SIZE_MIB [--partitioned] [--files N] [--file-kib K] [--label L]
#
#   KIND  empty | ext4 | xfs     (an LVM volume is prepared inside the guest, where device-mapper runs)
#   --partitioned   one partition from 1 MiB to the end (as most Azure data disks), else the whole disk
#   --files N --file-kib K   N files of K KiB of random data (default 8 x 1024 KiB), in nested folders
#
# Writes OUT (sparse raw image) and OUT.manifest ("sha256  ./path" lines, checkable in the guest with
# `cd MOUNT && sha256sum -c OUT.manifest`), and prints "uuid=<filesystem uuid>".
# ext4 needs no privileges (mke2fs -d); xfs needs root for a loop mount.
set -euo pipefail

fail() { echo "make-data-disk: $1" >&2; exit 2; }
[[ $# -ge 3 ]] || fail "usage: make-data-disk.sh empty|ext4|xfs OUT SIZE_MIB [--partitioned] [--files N] [--file-kib K] [--label L]"
kind=$1 out=$2 size_mib=$3; shift 3
partitioned=no files=8 file_kib=1024 label=data
while (($#)); do
  case $1 in
    --partitioned) partitioned=yes; shift ;;
    --files) files=$2; shift 2 ;;
    --file-kib) file_kib=$2; shift 2 ;;
    --label) label=$2; shift 2 ;;
    *) fail "unknown option '$1'" ;;
  esac
done
[[ $kind == empty || $kind == ext4 || $kind == xfs ]] || fail "unknown kind '$kind'; use empty, ext4 or xfs"
[[ $size_mib =~ ^[0-9]+$ && $size_mib -ge 16 ]] || fail "size '$size_mib' must be a whole number of MiB, at least 16"

rm -f "$out" "$out.manifest"
truncate -s "${size_mib}M" "$out"
offset=0 fs_bytes=$((size_mib * 1024 * 1024))
if [[ $partitioned == yes ]]; then
  echo 'label: dos
start=2048, type=83' | sfdisk -q "$out"
  offset=$((1024 * 1024)); fs_bytes=$((fs_bytes - offset))
fi
if [[ $kind == empty ]]; then : >"$out.manifest"; echo "uuid="; exit 0; fi

work=$(mktemp -d)
loopdev=
cleanup() {
  if [[ -n $loopdev ]]; then umount "$work/mnt" 2>/dev/null || true; losetup -d "$loopdev" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/content" "$work/mnt"
for ((i = 0; i < files; i++)); do
  dir=$work/content/dir$((i % 4))
  mkdir -p "$dir"
  head -c $((file_kib * 1024)) /dev/urandom >"$dir/file$i.bin"
done
(cd "$work/content" && find . -type f | LC_ALL=C sort | xargs -r sha256sum) >"$out.manifest"

uuid=$(cat /proc/sys/kernel/random/uuid)
if [[ $kind == ext4 ]]; then
  mke2fs -q -t ext4 -U "$uuid" -L "$label" -d "$work/content" -E offset=$offset "$out" $((fs_bytes / 1024))k
else
  [[ $(id -u) -eq 0 ]] || fail "an xfs disk with content needs root (loop mount)"
  loopdev=$(losetup -f --show -o $offset --sizelimit $fs_bytes "$out")
  mkfs.xfs -q -m uuid="$uuid" -L "$label" "$loopdev"
  mount "$loopdev" "$work/mnt"
  cp -a "$work/content/." "$work/mnt/"
  umount "$work/mnt"; losetup -d "$loopdev"; loopdev=
fi
echo "uuid=$uuid"
