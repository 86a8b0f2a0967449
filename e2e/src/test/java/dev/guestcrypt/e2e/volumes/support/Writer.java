package dev.guestcrypt.e2e.volumes.support;

/**
 * A writer that keeps appending records to a volume while it is encrypted. Each record is
 * "seq sha256(payload) payload" written and fsync'd to its own file; only after the fsync does the
 * writer log the sequence number (to the OS disk, fsync'd too). Afterwards every logged record
 * must be on the volume with its checksum.
 */
public final class Writer {
    private Writer() {}

    public static String start(String mountPoint, String name) {
        String log = "/root/writer-" + name + ".log";
        return "rm -f " + log + "; mkdir -p " + mountPoint + "/writer; nohup sh -c '"
                + "i=0; while [ ! -e /root/writer-" + name + ".stop ]; do i=$((i+1)); "
                + "p=$(head -c 4096 /dev/urandom | base64 -w0); s=$(printf %s \"$p\" | sha256sum | cut -d\" \" -f1); "
                + "printf \"%s %s %s\\n\" $i $s \"$p\" > " + mountPoint + "/writer/rec-$i.tmp "
                + "&& mv " + mountPoint + "/writer/rec-$i.tmp " + mountPoint + "/writer/rec-$i "
                + "&& sync " + mountPoint + "/writer/rec-$i " + mountPoint + "/writer && echo $i >> " + log + " && sync " + log
                + " || sleep 0.2; done' >/dev/null 2>&1 &";
    }

    public static String stop(String name) {
        return "touch /root/writer-" + name + ".stop; sleep 2; rm -f /root/writer-" + name + ".stop";
    }

    /** Every acknowledged record is present and intact; prints the count. */
    public static String verify(String mountPoint, String name) {
        return "set -e; n=0; for i in $(cat /root/writer-" + name + ".log); do f=" + mountPoint + "/writer/rec-$i; "
                + "read -r seq sum payload < $f; [ \"$seq\" = \"$i\" ]; [ \"$(printf %s \"$payload\" | sha256sum | cut -d\" \" -f1)\" = \"$sum\" ]; "
                + "n=$((n+1)); done; echo $n";
    }
}
