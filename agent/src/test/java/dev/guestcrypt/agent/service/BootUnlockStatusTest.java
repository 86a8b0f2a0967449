package dev.guestcrypt.agent.service;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.FakeMachine;
import dev.guestcrypt.agent.keys.KeyProtector;
import dev.guestcrypt.agent.keys.KeyToken;
import dev.guestcrypt.agent.keys.ProtectedKey;
import dev.guestcrypt.agent.keys.VolumeIdentity;
import dev.guestcrypt.agent.keys.keyvault.KeyVaultError;
import dev.guestcrypt.agent.os.StatusFile;
import dev.guestcrypt.agent.status.ProgressSnapshot;
import dev.guestcrypt.agent.status.VolumeState;
import dev.guestcrypt.agent.status.VolumeStatus;
import dev.guestcrypt.nativebind.secret.SecretBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The boot unlock writes why a volume stays locked into the status file itself: the daemon's first
 * pass after boot may wait minutes for the vault before it could say so.
 */
class BootUnlockStatusTest {
    @TempDir
    Path dir;

    private static final Listener QUIET = new Listener() {
        @Override
        public void say(String line) { }

        @Override
        public void progress(ProgressSnapshot snapshot) { }
    };

    /** The vault as seen at boot with the network down. */
    private static final KeyProtector VAULT_DOWN = new KeyProtector() {
        @Override
        public String tokenType() {
            return "guestcrypt-keyvault";
        }

        @Override
        public ProtectedKey protect(SecretBytes passphrase, VolumeIdentity volume) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SecretBytes unprotect(KeyToken token) {
            throw new AgentException(KeyVaultError.KEY_VAULT_UNAVAILABLE, "v.vault.azure.net did not answer", "check the network");
        }
    };

    @Test
    void aVolumeLockedAtBootShowsItsReasonInTheStatusFileAtOnce() throws Exception {
        FakeMachine machine = encryptedThenRebootedWithoutUnlock();
        AgentService boot = agent(machine, VAULT_DOWN);

        List<String> failed = boot.unlockAll(false, QUIET);

        assertThat(failed).singleElement().satisfies(name -> assertThat(name).startsWith("gc-"));
        VolumeStatus data = new StatusFile(paths(machine).status()).read().orElseThrow().volumes().stream()
                .filter(v -> v.mountPoint().equals("/data")).findFirst().orElseThrow();
        assertThat(data.error()).contains("GC1107").contains("v.vault.azure.net did not answer");
        assertThat(data.mapperName()).isEqualTo(failed.get(0));
    }

    @Test
    void whileTheDaemonHoldsTheStatusFileTheBootUnlockLeavesItAlone() throws Exception {
        FakeMachine machine = encryptedThenRebootedWithoutUnlock();
        Path status = paths(machine).status();
        byte[] before = Files.readAllBytes(status);
        AgentService boot = agent(machine, VAULT_DOWN);

        // The lock is a file lock, held per process: the daemon's stand-in is a child JVM.
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), EncryptHandOffTest.HoldLock.class.getName(), paths(machine).lock().toString()).start();
        try {
            assertThat(new String(holder.getInputStream().readNBytes(4))).isEqualTo("held");
            assertThat(boot.unlockAll(false, QUIET)).hasSize(1);
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
        assertThat(Files.readAllBytes(status)).isEqualTo(before);
    }

    /** Encrypted by guestcrypt (status file written), then rebooted with the volume left locked. */
    private FakeMachine encryptedThenRebootedWithoutUnlock() throws Exception {
        FakeMachine machine = new FakeMachine(dir.resolve("m"));
        agent(machine, machine.unlocking()).encrypt(FakeAgents.encryptDataRequest(), false, QUIET, () -> false);
        assertThat(machine.fullyEncrypted()).isTrue();
        assertThat(new StatusFile(paths(machine).status()).read().orElseThrow().volumes())
                .anyMatch(v -> v.mountPoint().equals("/data") && v.state() == VolumeState.ENCRYPTED && v.error().isEmpty());
        machine.setBootUnlockFails(true);
        machine.reboot();
        assertThat(machine.mountedFrom("/data")).isEmpty();
        return machine;
    }

    private Paths paths(FakeMachine machine) {
        return FakeAgents.paths(machine, dir);
    }

    private AgentService agent(FakeMachine machine, KeyProtector keys) {
        return FakeAgents.over(machine, dir, keys);
    }
}
