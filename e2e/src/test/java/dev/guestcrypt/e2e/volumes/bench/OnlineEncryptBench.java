package dev.guestcrypt.e2e.volumes.bench;

import dev.guestcrypt.e2e.volumes.support.Build;
import dev.guestcrypt.e2e.volumes.support.DataDisks;
import dev.guestcrypt.e2e.volumes.support.ExecResult;
import dev.guestcrypt.e2e.volumes.support.GuestImage;
import dev.guestcrypt.e2e.volumes.support.GuestVault;
import dev.guestcrypt.e2e.volumes.support.QemuGuest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Online in-place encryption of a 1 GiB ext4 data volume in the guest: guestcrypt versus
 * cryptsetup reencrypt run by hand on an identical disk in the same guest and the same run.
 * Prints the online throughput (MiB/s of the data area, from the mount on the mapping to fully
 * encrypted) and its ratio, the downtime (unmount to mounted from the mapping), the time from the
 * command to done, and the daemon's RSS idle and while encrypting. Run by
 * scripts/bench/online-encrypt.sh.
 */
public final class OnlineEncryptBench {
    private static final int FILL_MIB = 200;
    /** Each disk's size: 1 GiB by default, larger to see whether the downtime grows with the volume (BENCH_DISK_MIB). */
    private static final int DISK_MIB = Integer.getInteger("bench.diskMiB", 1024);
    /** The encrypted data area: the disk less the 32 MiB the file system gives up for the header. */
    private static final int ONLINE_MIB = DISK_MIB - 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path work = Build.workDir("bench-online");
        Path payload = work.resolve("payload");
        Build.installFolder(payload);
        try (GuestVault vault = new GuestVault(work.resolve("kv-state.json"));
             QemuGuest guest = new QemuGuest(GuestImage.findCached(), work).payload(payload)) {
            guest.disk(DataDisks.blank(work, "ref", DISK_MIB), "ref").disk(DataDisks.blank(work, "gc", DISK_MIB), "gc");
            vault.forwardInto(guest).boot();
            vault.trustIn(guest, work);
            guest.shOk("/mnt/payload/install/scripts/install.sh --from /mnt/payload/install --no-start");
            for (String v : new String[] {"ref", "gc"}) {
                guest.shOk(DataDisks.prepare("ext4", v, "/bench/" + v, FILL_MIB));
            }
            // The daemon runs through both sides, as it does on a VM with guestcrypt installed, and so
            // does the RSS sampler (VmRSS read with shell built-ins every 2 s): both sides pay for both.
            ExecResult start = guest.sh("systemctl start guestcrypt-agent.service");
            if (!start.ok()) {
                System.out.println("guestcrypt         : not measured: the daemon does not start ("
                        + guest.sh("journalctl -u guestcrypt-agent.service --no-pager -n 5 -o cat").stdout().replace('\n', ' ').trim() + ")");
                return;
            }
            Thread.sleep(10_000);
            String pid = guest.shOk("systemctl show -p MainPID --value guestcrypt-agent.service").trim();
            long idleRss = rssKib(guest, pid);
            guest.shOk("(while [ ! -e /root/stop-rss ]; do while read k v u; do [ \"$k\" = VmRSS: ] && echo $v >> /root/rss; done < /proc/" + pid
                    + "/status; sleep 2; done >/dev/null 2>&1 &) ; true");
            // Reference: the same steps by hand, key on stdin, cheap PBKDF (guestcrypt's keyslot uses PBKDF2 too).
            // Timestamps around the steps, no fast sampler: a poller forking every few ms would slow both sides.
            String ref = guest.shOk("set -e; DEV=/dev/disk/by-id/virtio-ref; t0=$(date +%s%3N); umount /bench/ref; e2fsck -f -p $DEV >/dev/null;"
                    + " SIZE=$(($(blockdev --getsize64 $DEV)/1024 - 32768)); resize2fs $DEV ${SIZE}K >/dev/null 2>&1;"
                    + " K=$(head -c 48 /dev/urandom | base64); printf %s \"$K\" | cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size 32M"
                    + " --init-only --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file - -q $DEV gc-ref;"
                    + " mount /dev/mapper/gc-ref /bench/ref; t1=$(date +%s%3N);"
                    + " printf %s \"$K\" | cryptsetup reencrypt --resume-only --key-file - -q $DEV; t2=$(date +%s%3N);"
                    + " echo $((t1-t0)) $((t2-t1)) $((t2-t0))");
            String[] r = lastLine(ref).split(" ");
            long refDown = Long.parseLong(r[0]);
            double refOnline = Long.parseLong(r[1]) / 1000.0;
            double refTotal = Long.parseLong(r[2]) / 1000.0;
            guest.shOk(DataDisks.verify("ref", "/bench/ref"));
            System.out.printf("cryptsetup by hand : online %.1f MiB/s (%d MiB in %.1f s), downtime %.1f s, unmount to done %.1f s%n",
                    ONLINE_MIB / refOnline, ONLINE_MIB, refOnline, refDown / 1000.0, refTotal);

            guest.shOk(": > /root/rss");
            ExecResult gc = guest.sh("t0=$(date +%s%3N); guestcrypt encrypt --volume-type data --key-vault " + vault.url()
                    + " --volumes /bench/gc --wait >/root/gc.out 2>&1; rc=$?; t1=$(date +%s%3N); touch /root/stop-rss; sleep 3;"
                    + " echo $rc $((t1-t0)) $(sort -n /root/rss | tail -1)", null, Duration.ofMinutes(30));
            String[] g = lastLine(gc.stdout()).split(" ");
            if (!g[0].equals("0")) {
                System.out.println("guestcrypt         : not measured: encrypt failed (exit " + g[0] + "): "
                        + guest.sh("tail -5 /root/gc.out").stdout().replace('\n', ' ').trim());
                return;
            }
            guest.shOk(DataDisks.verify("gc", "/bench/gc"));
            // After an operation that ended well the daemon exits to be started again at its idle
            // size (the unit's RestartForceExitStatus): measure the process systemd runs now, after its first pass.
            String pidAfter = guest.shOk("for t in $(seq 1 90); do p=$(systemctl show -p MainPID --value guestcrypt-agent.service);"
                    + " [ \"$p\" != 0 ] && [ \"$p\" != " + pid + " ] && systemctl is-active -q guestcrypt-agent.service && echo $p && exit 0;"
                    + " sleep 2; done; echo " + pid).trim();
            Thread.sleep(20_000);
            long idleAfter = rssKib(guest, pidAfter);
            // The agent's journal times each step: the key is stored before the unmount; the window
            // runs from the unmount to the mount from the mapping; the online run from there to done.
            Map<String, Instant> steps = journalSteps(guest.shOk("cat /var/lib/guestcrypt/journal"));
            double gcDown = seconds(steps.get("KEY_PROTECTED"), steps.get("MOUNTED"));
            double gcOnline = seconds(steps.get("MOUNTED"), steps.get("ENCRYPTED"));
            double gcTotal = Long.parseLong(g[1]) / 1000.0;
            System.out.printf("guestcrypt         : online %.1f MiB/s (%d MiB in %.1f s), downtime %.1f s, command to done %.1f s"
                    + " (key stored and read back %.1f s, before the unmount)%n", ONLINE_MIB / gcOnline, ONLINE_MIB, gcOnline, gcDown, gcTotal,
                    seconds(steps.get("STARTED"), steps.get("KEY_PROTECTED")));
            StringBuilder window = new StringBuilder("guestcrypt offline window by step:");
            String previous = "KEY_PROTECTED";
            for (String step : new String[] {"UNMOUNTED", "FILESYSTEM_CHECKED", "FILESYSTEM_SHRUNK", "BOOT_CONFIG_SWITCHED", "LUKS_INITIALISED",
                    "ACTIVATED", "MOUNTED"}) {
                window.append(String.format(" %s %.1f s,", step.toLowerCase(java.util.Locale.ROOT), seconds(steps.get(previous), steps.get(step))));
                previous = step;
            }
            System.out.println(window.substring(0, window.length() - 1));
            System.out.printf("ratio guestcrypt/cryptsetup (online throughput): %.2f (target >= 0.95)%n", refOnline / gcOnline);
            System.out.printf("downtime: guestcrypt %.1f s, cryptsetup by hand %.1f s (target < 10 s)%n", gcDown, refDown / 1000.0);
            System.out.printf("daemon RSS: idle %d MiB before, %d MiB after (target < 100; %s); peak while encrypting %d MiB%n",
                    idleRss / 1024, idleAfter / 1024, pidAfter.equals(pid) ? "same process" : "restarted after the operation",
                    Long.parseLong(g.length > 2 ? g[2] : "0") / 1024);
        }
    }

    private static String lastLine(String out) {
        String[] lines = out.trim().split("\n");
        return lines[lines.length - 1].trim();
    }

    private static long rssKib(QemuGuest guest, String pid) throws Exception {
        return Long.parseLong(guest.shOk("awk '/^VmRSS:/ {print $2}' /proc/" + pid + "/status").trim());
    }

    /** The time of each step's first record in the agent's journal (one JSON object per line). */
    private static Map<String, Instant> journalSteps(String journal) throws Exception {
        Map<String, Instant> out = new HashMap<>();
        for (String line : journal.split("\n")) {
            if (!line.isBlank()) {
                JsonNode n = JSON.readTree(line);
                out.putIfAbsent(n.path("step").asText(), Instant.parse(n.path("time").asText()));
            }
        }
        return out;
    }

    private static double seconds(Instant from, Instant to) {
        if (from == null || to == null) {
            return Double.NaN;
        }
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
