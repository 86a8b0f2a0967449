package dev.guestcrypt.e2e.volumes.support;

import dev.guestcrypt.testkit.kv.EmulatorState;
import dev.guestcrypt.testkit.kv.KvEmulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The Key Vault + IMDS emulator on host loopback, made reachable and trusted in a guest: the vault
 * name resolves to the forwarded address, and the emulator's CA is in the system trust store and in
 * /etc/guestcrypt/trust.p12.
 */
public final class GuestVault implements AutoCloseable {
    public static final String VAULT = "gcvault";
    private final KvEmulator emulator;

    /** A new, empty vault (any state left by an earlier run in {@code stateFile} is discarded). */
    public GuestVault(Path stateFile) throws IOException {
        // An interrupted earlier run may have left restricted permissions or faults in the state.
        Files.deleteIfExists(stateFile);
        this.emulator = KvEmulator.builder().bindAddress("127.0.0.1").vaultPort(0).tokenPort(0).stateFile(stateFile).start();
    }

    public KvEmulator emulator() {
        return emulator;
    }

    public String host() {
        return VAULT + ".vault.azure.net";
    }

    /** The vault URL as the guest writes it (port 443 is what the guest's forward listens on). */
    public String url() {
        return "https://" + host() + "/";
    }

    public QemuGuest forwardInto(QemuGuest guest) {
        return guest.forward(emulator.tokenPort(), emulator.vaultPort());
    }

    /** After boot: name resolution and trust. */
    public void trustIn(QemuGuest guest, Path scratch) throws IOException, InterruptedException {
        Path p12 = scratch.resolve("trust.p12");
        emulator.ca().writeTrustStore(p12);
        guest.sh("cat > /usr/local/share/ca-certificates/guestcrypt-test-ca.crt", emulator.ca().caPem().getBytes(StandardCharsets.US_ASCII),
                java.time.Duration.ofMinutes(1));
        guest.sh("mkdir -p /etc/guestcrypt && cat > /etc/guestcrypt/trust.p12", Files.readAllBytes(p12), java.time.Duration.ofMinutes(1));
        guest.shOk("update-ca-certificates >/dev/null 2>&1; grep -q '" + host() + "' /etc/hosts || echo '" + QemuGuest.VAULT_ADDRESS + " "
                + host() + "' >> /etc/hosts");
        // the forward works and the certificate is trusted: Key Vault answers with its 401 challenge
        String code = guest.shOk("curl -s -o /dev/null -w '%{http_code}' '" + url() + "secrets?api-version=7.4'");
        if (!code.equals("401")) {
            throw new AssertionError("Key Vault emulator not reachable from the guest: HTTP " + code);
        }
    }

    /** Every secret value ever stored, decoded as the LUKS key files (ADE form: base64 of the passphrase). */
    public List<byte[]> allPassphrases() {
        List<byte[]> out = new ArrayList<>();
        for (String name : emulator.secretNames(host())) {
            for (EmulatorState.SecretVersion v : emulator.secretVersions(host(), name)) {
                out.add(v.value.getBytes(StandardCharsets.US_ASCII));
                try {
                    out.add(Base64.getDecoder().decode(v.value));
                } catch (IllegalArgumentException notBase64) {
                    // a KEK-wrapped value is still searched for in its stored form
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        emulator.close();
    }
}
