package dev.guestcrypt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guestcrypt.testkit.kv.KvEmulator;
import dev.guestcrypt.testkit.vm.ExecResult;
import dev.guestcrypt.testkit.vm.GuestTrust;
import dev.guestcrypt.testkit.vm.GuestVm;
import dev.guestcrypt.testkit.vm.VmConfig;
import dev.guestcrypt.testkit.vm.VmException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The harness itself, end to end: one guest boots, runs commands, keeps a file across a clean
 * reboot and a power cut (with a clean file-system check after it), and reaches IMDS and the Key
 * Vault emulator only through the forwarded loopback ports, over HTTPS with the test CA trusted.
 * The steps share one guest and run in order, so the whole scenario costs three boots.
 */
@Tag("vm")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmokeIT {
    private static final String VAULT = "smokevault.vault.azure.net";
    private static final String KEPT_FILE = "/var/lib/smoke/kept.bin";
    private static final String SYNCED_FILE = "/var/lib/smoke/synced.bin";

    private static KvEmulator kv;
    private static GuestVm vm;
    private static String keptSha256;

    @BeforeAll
    static void boot() {
        kv = KvEmulator.builder().start();
        vm = GuestVm.start(VmConfig.builder("smoke").imdsPort(kv.tokenPort()).vaultPort(kv.vaultPort())
                .vaultHost(VAULT).build());
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.close();
        }
        if (kv != null) {
            kv.close();
        }
    }

    @Test
    @Order(1)
    void runsCommandsWithExitCodeStdoutAndStderr() {
        assertThat(vm.shOk("uname -r").strip()).endsWith("-cloud-amd64");
        ExecResult r = vm.sh("echo out; echo err >&2; exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(vm.sh("cat", "from stdin".getBytes(), Duration.ofSeconds(30)).stdout()).isEqualTo("from stdin");
        // The disks carry Azure's names.
        vm.shOk("test -b /dev/disk/azure/root && test -b /dev/disk/azure/root-part1");
    }

    @Test
    @Order(2)
    void aFailingCommandReportsConsoleAndJournal() {
        assertThatThrownBy(() -> vm.shOk("echo no-such-thing >&2; exit 7"))
                .isInstanceOf(VmException.class)
                .hasMessageContaining("exit 7")
                .hasMessageContaining("no-such-thing")
                .hasMessageContaining("console, last 60 lines (full log: " + vm.consoleLog())
                .hasMessageContaining("journal, last 60 lines");
        assertThatThrownBy(() -> vm.awaitConsole("MARKER-THAT-NEVER-COMES", Duration.ofSeconds(2)))
                .isInstanceOf(VmException.class)
                .hasMessageContaining("MARKER-THAT-NEVER-COMES")
                .hasMessageContaining(GuestVm.READY_MARKER); // the console tail is attached
    }

    @Test
    @Order(3)
    void writesAndReadsFilesByteForByte() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new SecureRandom().nextBytes(data);
        keptSha256 = sha256(data);
        vm.shOk("mkdir -p /var/lib/smoke");
        vm.writeFile(KEPT_FILE, data, "0600");
        assertThat(vm.readFile(KEPT_FILE)).isEqualTo(data);
        assertThat(vm.shOk("sha256sum " + KEPT_FILE)).startsWith(keptSha256);
        assertThat(vm.shOk("stat -c %a " + KEPT_FILE).strip()).isEqualTo("600");
    }

    @Test
    @Order(4)
    void reachesImdsThroughTheForwardedPort() {
        String token = vm.shOk("curl -sS --max-time 20 -H Metadata:true "
                + "'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net'");
        assertThat(token).contains("\"access_token\"").contains("\"token_type\":\"Bearer\"");
        // Without the Metadata header IMDS refuses, as Azure's does: it is the emulator answering.
        assertThat(vm.shOk("curl -s --max-time 20 -o /dev/null -w '%{http_code}' http://169.254.169.254/metadata/identity/oauth2/token")).isEqualTo("400");
        // Any other address is unreachable.
        assertThat(vm.sh("curl -sS --max-time 5 http://169.254.10.2/").exitCode()).isNotZero();
    }

    @Test
    @Order(5)
    void reachesTheVaultOverHttpsWithTheTestCaTrusted() {
        // Before the CA is trusted, TLS fails: the guest really verifies the emulator's certificate.
        assertThat(vm.sh("curl -sS --max-time 20 https://" + VAULT + "/secrets?api-version=7.4").exitCode()).isEqualTo(60);
        GuestTrust.install(vm, kv.ca());
        String headers = vm.shOk("curl -sS --max-time 20 -D - -o /dev/null https://" + VAULT + "/secrets?api-version=7.4");
        assertThat(headers).startsWith("HTTP/1.1 401").containsIgnoringCase("WWW-Authenticate: Bearer authorization=");
        // Java in the guest trusts it too: the JDK store, and the agent's own store.
        assertThat(GuestTrust.jdkTrusts(vm, kv.ca().caPem())).isTrue();
        vm.shOk("test -s " + GuestTrust.AGENT_TRUST_STORE);
    }

    @Test
    @Order(6)
    void keepsFilesAcrossACleanReboot() {
        String before = vm.bootId();
        vm.reboot();
        assertThat(vm.bootId()).isNotEqualTo(before);
        assertThat(vm.shOk("sha256sum " + KEPT_FILE)).startsWith(keptSha256);
        assertThat(vm.shOk("journalctl -b -1 -o cat | tail -n 200")).contains("Reached target");
        // The vault stays reachable: the host names are mapped again on every boot.
        assertThat(vm.shOk("getent hosts " + VAULT)).startsWith(VmConfig.VAULT_ADDRESS);
    }

    @Test
    @Order(7)
    void survivesAPowerCutWithACleanFileSystemCheck() throws Exception {
        byte[] data = new byte[512 * 1024];
        new SecureRandom().nextBytes(data);
        vm.writeFile(SYNCED_FILE, data, "0644"); // written with fsync: must survive
        vm.shOk("sync");
        String before = vm.bootId();
        vm.powerCut();
        assertThat(vm.running()).isFalse();
        vm.boot();
        assertThat(vm.bootId()).isNotEqualTo(before);
        assertThat(vm.shOk("sha256sum " + SYNCED_FILE)).startsWith(sha256(data));
        assertThat(vm.shOk("sha256sum " + KEPT_FILE)).startsWith(keptSha256);
        // The unclean root and /boot were checked at boot, found clean after journal replay.
        String fsck = vm.shOk("{ journalctl -b -o cat -t systemd-fsck; cat /run/initramfs/fsck.log 2>/dev/null; } || true");
        assertThat(fsck).contains("clean,").doesNotContain("UNEXPECTED INCONSISTENCY");
        assertThat(vm.shOk("systemctl list-units --failed --plain --no-legend 'systemd-fsck*'").strip()).isEmpty();
        assertThat(vm.shOk("journalctl -b -k -o cat | grep -c 'EXT4-fs error' || true").strip()).isEqualTo("0");
    }

    @Test
    @Order(8)
    void abruptResetAndCleanShutdown() {
        String before = vm.bootId();
        vm.reset();
        assertThat(vm.bootId()).isNotEqualTo(before);
        assertThat(vm.shOk("sha256sum " + KEPT_FILE)).startsWith(keptSha256);
        vm.shutdown();
        assertThat(vm.running()).isFalse();
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
