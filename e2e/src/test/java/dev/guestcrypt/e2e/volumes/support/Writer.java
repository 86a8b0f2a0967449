package dev.guestcrypt.e2e.volumes.support;

/**
 * A writer that keeps adding records to a volume while it is encrypted. Each record is 4 KiB of
 * random data in its own file, written under a temporary name, renamed and fsync'd; only then is
 * its checksum logged (to the OS disk, fsync'd too). Afterwards every logged record must be on the
 * volume with that checksum. While the volume is unmounted the writes fail and the writer retries.
 */
public final class Writer {
    private Writer() {}

    public static String start(String mountPoint, String name) {
        String log = "/root/writer-" + name + ".log";
        String dir = mountPoint + "/writer";
        return "rm -f " + log + " /root/writer-" + name + ".stop; mkdir -p " + dir + "; nohup sh -c '"
                + "i=0; while [ ! -e /root/writer-" + name + ".stop ]; do i=$((i+1)); "
                + "head -c 4096 /dev/urandom > " + dir + "/rec-$i.tmp && mv " + dir + "/rec-$i.tmp " + dir + "/rec-$i "
                + "&& sync " + dir + "/rec-$i " + dir + " && s=$(sha256sum < " + dir + "/rec-$i) "
                + "&& echo \"${s%% *}  rec-$i\" >> " + log + " && sync " + log + "; sleep 0.3; done' >/dev/null 2>&1 & "
                + "echo $! > /root/writer-" + name + ".pid";
    }

    /** Stops the writer and waits until it has exited. */
    public static String stop(String name) {
        String pid = "/root/writer-" + name + ".pid";
        return "touch /root/writer-" + name + ".stop; p=$(cat " + pid + " 2>/dev/null); "
                + "if [ -n \"$p\" ]; then for t in $(seq 1 300); do kill -0 $p 2>/dev/null || break; sleep 0.2; done; fi; "
                + "rm -f " + pid + " /root/writer-" + name + ".stop";
    }

    /** Every acknowledged record is present and intact (one sha256sum pass); prints the count. */
    public static String verify(String mountPoint, String name) {
        String log = "/root/writer-" + name + ".log";
        return "set -e; cd " + mountPoint + "/writer && sha256sum --quiet --strict -c " + log + " && wc -l < " + log;
    }
}
