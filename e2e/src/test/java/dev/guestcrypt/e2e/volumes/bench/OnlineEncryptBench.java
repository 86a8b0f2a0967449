package dev.guestcrypt.e2e.volumes.bench;

import dev.guestcrypt.e2e.volumes.support.Build;
import dev.guestcrypt.e2e.volumes.support.DataDisks;
import dev.guestcrypt.e2e.volumes.support.ExecResult;
import dev.guestcrypt.e2e.volumes.support.GuestImage;
import dev.guestcrypt.e2e.volumes.support.GuestVault;
import dev.guestcrypt.e2e.volumes.support.QemuGuest;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Online in-place encryption of a 1 GiB ext4 data volume in the guest: guestcrypt versus
 * cryptsetup reencrypt run by hand on an identical disk in the same guest and the same run.
 * Prints throughput (MiB/s of the volume, end to end from unmount to fully encrypted), downtime
 * (time the mount point was not mounted, sampled every 50 ms), and the daemon's RSS idle and while
 * encrypting. Run by scripts/bench/online-encrypt.sh.
 */
public final class OnlineEncryptBench {
    private static final int FILL_MIB = 200;

    public static void main(String[] args) throws Exception {
        Path work = Build.workDir("bench-online");
        Path payload = work.resolve("payload");
        Build.installFolder(payload);
        try (GuestVault vault = new GuestVault(work.resolve("kv-state.json"));
             QemuGuest guest = new QemuGuest(GuestImage.findCached(), work).payload(payload)) {
            guest.disk(DataDisks.blank(work, "ref", 1024), "ref").disk(DataDisks.blank(work, "gc", 1024), "gc");
            vault.forwardInto(guest).boot();
            vault.trustIn(guest, work);
            guest.shOk("/mnt/payload/install/scripts/install.sh --from /mnt/payload/install --no-start");
            for (String v : new String[] {"ref", "gc"}) {
                guest.shOk(DataDisks.prepare("ext4", v, "/bench/" + v, FILL_MIB));
            }
            guest.shOk("cat > /root/downtime.sh <<'EOF'\n"
                    + "# prints the longest unmounted window of $1 in ms until /root/stop-$2 exists\n"
                    + "down=0; longest=0; start=0\n"
                    + "while [ ! -e /root/stop-$2 ]; do now=$(date +%s%3N)\n"
                    + "  if mountpoint -q $1; then if [ $down = 1 ]; then w=$((now-start)); [ $w -gt $longest ] && longest=$w; down=0; fi\n"
                    + "  elif [ $down = 0 ]; then down=1; start=$now; fi; sleep 0.05; done; echo $longest > /root/downtime-$2\n"
                    + "EOF");

            // Reference: the same steps by hand, key on stdin, cheap PBKDF so both sides pay the same
            guest.shOk("(sh /root/downtime.sh /bench/ref ref >/dev/null 2>&1 &) ; sleep 1");
            String ref = guest.shOk("set -e; DEV=/dev/disk/by-id/virtio-ref; t0=$(date +%s%3N); umount /bench/ref; e2fsck -f -p $DEV >/dev/null;"
                    + " SIZE=$(($(blockdev --getsize64 $DEV)/1024 - 32768)); resize2fs $DEV ${SIZE}K >/dev/null 2>&1;"
                    + " K=$(head -c 48 /dev/urandom | base64); printf %s \"$K\" | cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size 32M"
                    + " --init-only --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file - -q $DEV gc-ref;"
                    + " mount /dev/mapper/gc-ref /bench/ref; t1=$(date +%s%3N);"
                    + " printf %s \"$K\" | cryptsetup reencrypt --resume-only --key-file - -q $DEV; t2=$(date +%s%3N);"
                    + " touch /root/stop-ref; sleep 1; echo $((t1-t0)) $((t2-t0)) $(cat /root/downtime-ref)");
            String[] lines = ref.trim().split("\n");
            String[] r = lines[lines.length - 1].trim().split(" ");
            double refTotal = Long.parseLong(r[1]) / 1000.0;
            double refMibS = 1024 / refTotal;
            guest.shOk(DataDisks.verify("ref", "/bench/ref"));
            System.out.printf("cryptsetup by hand : %.1f MiB/s (1024 MiB in %.1f s), downtime %d ms (offline steps %s ms)%n",
                    refMibS, refTotal, Long.parseLong(r[2]), r[0]);

            ExecResult start = guest.sh("systemctl start guestcrypt-agent.service");
            if (!start.ok()) {
                System.out.println("guestcrypt         : not measured: the daemon does not start ("
                        + guest.sh("journalctl -u guestcrypt-agent.service --no-pager -n 5 -o cat").stdout().replace('\n', ' ').trim() + ")");
                return;
            }
            Thread.sleep(5000);
            String idleRss = guest.shOk("ps -o rss= -p $(systemctl show -p MainPID --value guestcrypt-agent.service)").trim();
            guest.shOk("(sh /root/downtime.sh /bench/gc gc >/dev/null 2>&1 &); (while [ ! -e /root/stop-gc ]; do ps -o rss= -p $(systemctl show -p MainPID --value"
                    + " guestcrypt-agent.service) >> /root/rss-gc; sleep 0.5; done >/dev/null 2>&1 &); sleep 1");
            ExecResult gc = guest.sh("t0=$(date +%s%3N); guestcrypt encrypt --volume-type data --key-vault " + vault.url()
                    + " --volumes /bench/gc --wait >/root/gc.out 2>&1; rc=$?; t1=$(date +%s%3N); touch /root/stop-gc; sleep 1;"
                    + " echo $rc $((t1-t0)) $(cat /root/downtime-gc) $(sort -n /root/rss-gc | tail -1)", null, Duration.ofMinutes(30));
            String[] gl = gc.stdout().trim().split("\n");
            String[] g = gl[gl.length - 1].trim().split(" ");
            if (!g[0].equals("0")) {
                System.out.println("guestcrypt         : not measured: encrypt failed (exit " + g[0] + "): "
                        + guest.sh("tail -5 /root/gc.out").stdout().replace('\n', ' ').trim());
                return;
            }
            guest.shOk(DataDisks.verify("gc", "/bench/gc"));
            double gcTotal = Long.parseLong(g[1]) / 1000.0;
            double gcMibS = 1024 / gcTotal;
            System.out.printf("guestcrypt         : %.1f MiB/s (1024 MiB in %.1f s), downtime %s ms%n", gcMibS, gcTotal, g[2]);
            System.out.printf("ratio guestcrypt/cryptsetup: %.2f (target >= 0.95); downtime target < 10000 ms%n", gcMibS / refMibS);
            System.out.printf("daemon RSS: idle %d MiB (target < 100), peak while encrypting %d MiB%n",
                    Long.parseLong(idleRss) / 1024, Long.parseLong(g[3]) / 1024);
        }
    }
}
