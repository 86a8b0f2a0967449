#!/usr/bin/env bash
# Installs guestcrypt on a Debian or Ubuntu machine. Idempotent: running it again with the same
# build changes nothing; with a new build it swaps the program in one rename.
#
#   scripts/install.sh                 from a built checkout: agent/target/guestcrypt.jar,
#                                      agent/target/lib/ and systemd/
#   scripts/install.sh --from DIR      DIR holds guestcrypt.jar, lib/ and systemd/
#   --no-start                         enable the daemon but do not start it (image building)
#
# Layout: /opt/guestcrypt -> /opt/guestcrypt-<build id>/{guestcrypt.jar,lib/}, launcher
# /usr/local/bin/guestcrypt, units in /etc/systemd/system, a generator in
# /usr/local/lib/systemd/system-generators, state in /var/lib/guestcrypt (0700).
set -euo pipefail

readonly PROGRAM_LINK=/opt/guestcrypt
readonly RELEASE_PREFIX=/opt/guestcrypt-
readonly LAUNCHER=/usr/local/bin/guestcrypt
readonly UNIT_DIR=/etc/systemd/system
readonly TMPFILES_CONF=/etc/tmpfiles.d/guestcrypt.conf
readonly GENERATOR=/usr/local/lib/systemd/system-generators/guestcrypt-generator
readonly UNITS=(guestcrypt-agent.service guestcrypt-unlock.service guestcrypt-unlock@.service)
# Small-footprint JVM: one GC thread, no JIT tiers beyond C1, no /tmp/hsperfdata file, no
# attach (so no heap dump can be pulled from a running agent); the heap starts small and gives
# memory back once less than 30 % of it is in use, so the idle daemon shrinks again after an
# operation (the JVM's default start size is 1/64 of the VM's memory).
readonly JVM_FLAGS='-XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -Xms8m -Xmx96m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-UsePerfData -XX:+DisableAttachMechanism -XX:+ExitOnOutOfMemoryError'

say() { echo "install: $*"; }
fail() { # problem, fix
  echo "install: error: $1" >&2
  echo "install: fix: $2" >&2
  exit 1
}

source_dir=
start=yes
while (($#)); do
  case "$1" in
    --from) [[ $# -ge 2 ]] || fail "--from needs a folder" "pass --from DIR where DIR holds guestcrypt.jar, lib/ and systemd/"
            source_dir=$2; shift 2 ;;
    --no-start) start=no; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument '$1'" "use --from DIR and/or --no-start (see --help)" ;;
  esac
done

[[ $(id -u) -eq 0 ]] || fail "must run as root (uid is $(id -u))" "run it with sudo"

# --- where the build comes from -------------------------------------------------------------
if [[ -n $source_dir ]]; then
  [[ -d $source_dir ]] || fail "--from '$source_dir' is not a folder" "pass the folder that holds guestcrypt.jar, lib/ and systemd/"
  source_dir=$(cd "$source_dir" && pwd)
  jar=$source_dir/guestcrypt.jar
  lib=$source_dir/lib
  units_src=$source_dir/systemd
else
  repo=$(cd "$(dirname "$0")/.." && pwd)
  build=$repo/agent/${GC_BUILD_DIR_NAME:-target}
  jar=$build/guestcrypt.jar
  lib=$build/lib
  units_src=$repo/systemd
fi
[[ -f $jar ]] || fail "no program at $jar" "build it first (mvn -B -DskipTests package) or pass --from DIR"
[[ -d $lib ]] || fail "no library folder at $lib" "build it first (mvn -B -DskipTests package) or pass --from DIR"
for u in "${UNITS[@]}" guestcrypt.tmpfiles.conf guestcrypt-generator; do
  [[ -f $units_src/$u ]] || fail "missing $units_src/$u" "pass --from DIR whose systemd/ folder holds the guestcrypt unit files"
done

# --- system packages, only those missing ------------------------------------------------------
java_major() { # prints the major version of the java at $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
find_java() {
  local c
  for c in /usr/lib/jvm/java-17-openjdk-*/bin/java "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [[ -n $c && -x $c ]] || continue
    local v; v=$(java_major "$c")
    if [[ -n $v && $v -ge 17 ]]; then readlink -f "$c"; return; fi
  done
}
has_libcryptsetup() { ldconfig -p 2>/dev/null | grep -q 'libcryptsetup\.so\.12 '; }

missing=()
java=$(find_java)
[[ -n $java ]] || missing+=(openjdk-17-jre-headless)
has_libcryptsetup || missing+=(libcryptsetup12)
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || fail "missing ${missing[*]} and no apt-get on this system" "install Java 17+ and libcryptsetup 2.x (soname 12) with the system's package manager"
  say "installing ${missing[*]}"
  apt-get update -qq || fail "apt-get update failed" "check the package sources, or install ${missing[*]} by hand"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || fail "apt-get could not install ${missing[*]}" "install them by hand, then run this again"
  java=$(find_java)
  [[ -n $java ]] || fail "no Java 17 or newer after installing openjdk-17-jre-headless" "install a Java 17+ runtime"
  has_libcryptsetup || fail "libcryptsetup.so.12 not found after installing libcryptsetup12" "install libcryptsetup12"
fi

# --- helpers for durable, atomic writes -------------------------------------------------------
# install_file SRC DEST MODE: copy to a temp name next to DEST, fsync, rename over DEST.
# Unchanged files are left alone; prints "changed" when DEST was replaced.
install_file() {
  local src=$1 dest=$2 mode=$3
  if [[ -f $dest ]] && cmp -s "$src" "$dest" && [[ $(stat -c %a "$dest") == "$mode" ]]; then return; fi
  local tmp; tmp=$(mktemp "$dest.XXXXXX")
  cat "$src" >"$tmp"
  chmod "$mode" "$tmp"
  sync "$tmp"
  mv -f "$tmp" "$dest"
  sync "$(dirname "$dest")"
  echo changed
}

# --- the program: a release folder named by its content, swapped in with one rename ------------
build_id=$( (cd "$(dirname "$jar")" && sha256sum "$(basename "$jar")"; cd "$lib" && find . -type f -name '*.jar' -print0 | sort -z | xargs -0 -r sha256sum) | sha256sum | cut -c1-12)
release=$RELEASE_PREFIX$build_id
previous=$(readlink "$PROGRAM_LINK" 2>/dev/null || true)
program_changed=no
if [[ $previous != "$release" || ! -f $release/guestcrypt.jar ]]; then
  staging=$(mktemp -d "$release.staging.XXXXXX")
  install -m 0644 "$jar" "$staging/guestcrypt.jar"
  mkdir -m 0755 "$staging/lib"
  find "$lib" -maxdepth 1 -type f -name '*.jar' -exec install -m 0644 -t "$staging/lib" {} +
  chmod 0755 "$staging"
  sync -f "$staging/guestcrypt.jar"
  rm -rf "$release"
  mv -T "$staging" "$release"
  if [[ -d $PROGRAM_LINK && ! -L $PROGRAM_LINK ]]; then
    # A plain folder from an older install: move it aside once, then the link takes its place.
    mv -T "$PROGRAM_LINK" "$PROGRAM_LINK.replaced.$$"
    previous=$PROGRAM_LINK.replaced.$$
  fi
  ln -sfn "$release" "$PROGRAM_LINK.new.$$"
  mv -T "$PROGRAM_LINK.new.$$" "$PROGRAM_LINK"
  sync /opt
  program_changed=yes
  say "program $build_id installed in $release (linked from $PROGRAM_LINK)"
else
  say "program $build_id already installed"
fi

# --- launcher, units, state folders ----------------------------------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/launcher" <<EOF
#!/bin/sh
# guestcrypt launcher, written by scripts/install.sh. GUESTCRYPT_JAVA_OPTS adds JVM flags.
# Two malloc arenas instead of one per thread: less native memory held by an idle agent.
export MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-2}
exec $java $JVM_FLAGS \${GUESTCRYPT_JAVA_OPTS:-} -jar $PROGRAM_LINK/guestcrypt.jar "\$@"
EOF
mkdir -p "$(dirname "$LAUNCHER")" "$UNIT_DIR" "$(dirname "$TMPFILES_CONF")" "$(dirname "$GENERATOR")"
if [[ -n $(install_file "$work/launcher" "$LAUNCHER" 755) ]]; then say "launcher $LAUNCHER written (java: $java)"; fi

units_changed=no
for u in "${UNITS[@]}"; do
  if [[ -n $(install_file "$units_src/$u" "$UNIT_DIR/$u" 644) ]]; then units_changed=yes; say "unit $UNIT_DIR/$u written"; fi
done
# The generator keeps systemd-cryptsetup from prompting for guestcrypt volumes at boot.
if [[ -n $(install_file "$units_src/guestcrypt-generator" "$GENERATOR" 755) ]]; then units_changed=yes; say "generator $GENERATOR written"; fi
if [[ -n $(install_file "$units_src/guestcrypt.tmpfiles.conf" "$TMPFILES_CONF" 644) ]]; then say "$TMPFILES_CONF written"; fi
if command -v systemd-tmpfiles >/dev/null; then
  systemd-tmpfiles --create "$TMPFILES_CONF"
else
  install -d -m 0700 /var/lib/guestcrypt /var/lib/guestcrypt/headers
  install -d -m 0755 /etc/guestcrypt
fi

# --- systemd: reload, enable, (re)start -----------------------------------------------------
if [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
  systemctl enable --quiet guestcrypt-agent.service
  if [[ $start == yes ]]; then
    if systemctl is-active --quiet guestcrypt-agent.service; then
      if [[ $program_changed == yes || $units_changed == yes ]]; then
        # The daemon stops at a chunk boundary and the new one resumes from the LUKS2 header.
        say "restarting guestcrypt-agent.service on the new build"
        systemctl restart guestcrypt-agent.service
      fi
    else
      systemctl start guestcrypt-agent.service
    fi
    systemctl is-active --quiet guestcrypt-agent.service \
      || fail "guestcrypt-agent.service did not start" "see: journalctl -u guestcrypt-agent.service"
    say "guestcrypt-agent.service is running"
  fi
else
  # No running systemd (image build in a chroot): enable only; it starts at first boot.
  systemctl enable --quiet guestcrypt-agent.service
  say "systemd is not running here: guestcrypt-agent.service enabled, starts at next boot"
fi

# Old releases go only now, after the running daemon moved to the new one.
for old in "$RELEASE_PREFIX"*; do
  if [[ -e $old && $old != "$release" ]]; then rm -rf "$old"; fi
done
if [[ $previous == "$PROGRAM_LINK.replaced."* ]]; then rm -rf "$previous"; fi
say "done: guestcrypt $build_id installed; run 'guestcrypt --help'"
