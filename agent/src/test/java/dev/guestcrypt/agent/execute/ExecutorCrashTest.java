package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.daemon.Reconciler;
import dev.guestcrypt.agent.journal.Journal;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.journal.OperationHistory;
import dev.guestcrypt.agent.plan.Planner;
import dev.guestcrypt.agent.settings.EncryptionSettings;
import dev.guestcrypt.agent.settings.SettingsParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutorCrashTest {
    @TempDir
    Path tmp;

    private static EncryptionSettings settings() {
        return SettingsParser.parse(Map.of("EncryptionOperation", "EnableEncryption", "VolumeType", "Data",
                "KeyVaultURL", "https://v.vault.azure.net", "SequenceVersion", "1"), Map.of()).orThrow();
    }

    private static Reconciler reconciler(FakeMachine m, Journal journal) {
        Executor executor = new Executor(journal, m.ports(), Clock.systemUTC(), ProgressSink.NONE, () -> false,
                Steps.encryptInPlace(device -> FakeMachine.DEVICE_BYTES));
        return new Reconciler(m::inventory, journal, new Planner(), executor, Clock.systemUTC());
    }

    @Test
    void encryptsOnlineAndSwitchesBootConfiguration() throws Exception {
        FakeMachine m = new FakeMachine(tmp);
        Journal journal = new Journal(tmp.resolve("journal"));
        var result = reconciler(m, journal).pass(settings(), () -> false);
        assertThat(result.outcomes()).singleElement().satisfies(o -> assertThat(o.result()).isEqualTo(Outcome.Result.DONE));
        assertEncryptedAndWired(m, journal);
        assertThat(m.fsBytes()).isEqualTo(FakeMachine.DEVICE_BYTES - Planner.HEADER_ROOM_BYTES);
        assertThat(m.storedKeys()).isEqualTo(1);
        assertThat(m.log()).containsSubsequence("key stored", "unmounted /data", "checked", "shrunk to " + m.fsBytes(),
                "boot config switched", "luks initialised", "activated gc-data", "mounted /dev/mapper/gc-data",
                "encryption finished");
        // Nothing left to do on the next pass.
        assertThat(reconciler(m, journal).pass(settings(), () -> false).outcomes()).isEmpty();
    }

    /** The power cut lands right after a step's journal record is on disk, before the next step starts. */
    @ParameterizedTest
    @ValueSource(strings = {"ext4", "xfs"})
    void aCrashRightAfterAnyJournalRecordResumesToTheSameEndAfterReboot(String fsType) throws Exception {
        Path probeRoot = Files.createDirectories(tmp.resolve("records-probe"));
        FakeMachine probe = new FakeMachine(probeRoot, fsType);
        Journal probeJournal = new Journal(probeRoot.resolve("journal"));
        reconciler(probe, probeJournal).pass(settings(), () -> false);
        int records = probeJournal.read().records().size();
        assertThat(records).isGreaterThan(8);
        for (int n = 1; n < records; n++) {
            Path root = Files.createDirectories(tmp.resolve("record-" + n));
            FakeMachine m = new FakeMachine(root, fsType);
            int cutAt = n;
            int[] seen = {0};
            Journal cutting = new Journal(root.resolve("journal"), r -> {
                if (++seen[0] == cutAt) {
                    throw new FakeMachine.Crash("after journal record " + r.step());
                }
            });
            try {
                reconciler(m, cutting).pass(settings(), () -> false);
                throw new AssertionError("no crash after record " + n);
            } catch (FakeMachine.Crash expected) {
                // power lost
            }
            m.reboot();
            Journal journal = new Journal(root.resolve("journal"));
            ResumePasses.untilDone(journal, () -> reconciler(m, journal).pass(settings(), () -> false));
            assertThat(journal.read().operations()).as("operations after a cut after record %d", n)
                    .anyMatch(o -> o.lastStep().equals(JournalSteps.DONE));
            assertEncryptedAndWired(m, journal);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext4", "xfs"})
    void aCrashAfterAnyChangeResumesToTheSameEndAfterReboot(String fsType) throws Exception {
        FakeMachine probe = new FakeMachine(Files.createDirectories(tmp.resolve("probe")), fsType);
        reconciler(probe, new Journal(tmp.resolve("probe/journal"))).pass(settings(), () -> false);
        int total = probe.changes();
        assertThat(total).isGreaterThan(10);
        for (int n = 1; n <= total; n++) {
            Path root = Files.createDirectories(tmp.resolve("crash-" + n));
            FakeMachine m = new FakeMachine(root, fsType);
            Journal journal = new Journal(root.resolve("journal"));
            m.crashAfter(n);
            try {
                reconciler(m, journal).pass(settings(), () -> false);
                throw new AssertionError("no crash after change " + n);
            } catch (FakeMachine.Crash expected) {
                // power lost
            }
            m.reboot();
            ResumePasses.untilDone(journal, () -> reconciler(m, journal).pass(settings(), () -> false));
            assertEncryptedAndWired(m, journal);
            assertThat(m.storedKeys()).as("keys stored after crash %d", n).isBetween(1L, 2L);
        }
    }

    @Test
    void xfsGetsADetachedHeaderOnTheOsDiskAndKeepsItsFullSize() throws Exception {
        FakeMachine m = new FakeMachine(tmp, "xfs");
        Journal journal = new Journal(tmp.resolve("journal"));
        var result = reconciler(m, journal).pass(settings(), () -> false);
        assertThat(result.plan().work()).singleElement().satisfies(v -> assertThat(v.action())
                .isEqualTo(dev.guestcrypt.agent.plan.VolumeAction.ENCRYPT_DETACHED_HEADER));
        assertEncryptedAndWired(m, journal);
        assertThat(m.fsBytes()).isEqualTo(FakeMachine.DEVICE_BYTES);
        assertThat(m.log()).doesNotContain("checked").noneMatch(l -> l.startsWith("shrunk"));
        assertThat(Path.of(m.header() + ".bak")).exists();
        // The finished volume is recognised from its header file: nothing more to do.
        var again = reconciler(m, journal).pass(settings(), () -> false);
        assertThat(again.outcomes()).isEmpty();
        assertThat(again.plan().volumes()).singleElement().satisfies(v -> assertThat(v.action())
                .isEqualTo(dev.guestcrypt.agent.plan.VolumeAction.SKIP_ENCRYPTED));
    }

    @Test
    void aHeaderWrittenWithoutTheTokenGetsItWhenTheEncryptionFinishes() throws Exception {
        FakeMachine m = new FakeMachine(tmp);
        m.setInitWithoutToken(true);
        Journal journal = new Journal(tmp.resolve("journal"));
        reconciler(m, journal).pass(settings(), () -> false);
        assertThat(m.headerTokens()).singleElement().satisfies(t -> assertThat(t).contains("guestcrypt-local-file"));
        assertThat(m.log()).containsSubsequence("encryption finished", "token added");
        assertEncryptedAndWired(m, journal);
    }

    @Test
    void whenTheBootUnlockFailsMidEncryptionTheDaemonOpensMountsAndFinishes() throws Exception {
        FakeMachine m = new FakeMachine(tmp);
        Journal journal = new Journal(tmp.resolve("journal"));
        m.crashAfter(12);
        try {
            reconciler(m, journal).pass(settings(), () -> false);
        } catch (FakeMachine.Crash expected) {
            // power lost mid-encryption
        }
        m.setBootUnlockFails(true);
        m.reboot();
        assertThat(m.mountedFrom("/data")).isEmpty();
        reconciler(m, journal).pass(settings(), () -> false);
        assertEncryptedAndWired(m, journal);
    }

    @Test
    void anLvmVolumeMountedFromADeviceMapperPathIsUnmountedToo() throws Exception {
        FakeMachine m = new FakeMachine(tmp, "ext4", "/dev/mapper/vgdata-lv");
        Journal journal = new Journal(tmp.resolve("journal"));
        reconciler(m, journal).pass(settings(), () -> false);
        assertThat(m.log()).contains("unmounted /data", "checked");
        assertEncryptedAndWired(m, journal);
    }

    @Test
    void aBusyVolumeIsRefusedAndLeftAsItWas() throws Exception {
        FakeMachine m = new FakeMachine(tmp);
        Journal journal = new Journal(tmp.resolve("journal"));
        String fstabBefore = m.fstab();
        m.setBusy(true);
        var outcome = reconciler(m, journal).pass(settings(), () -> false).outcomes().get(0);
        assertThat(outcome.result()).isEqualTo(Outcome.Result.ABANDONED);
        assertThat(outcome.error().code()).isEqualTo(ExecuteError.VOLUME_BUSY);
        assertThat(m.fstab()).isEqualTo(fstabBefore);
        assertThat(m.mountedFrom("/data")).contains(FakeMachine.DEVICE);
        // The same request is not retried in a loop; the status names the reason.
        var again = reconciler(m, journal).pass(settings(), () -> false);
        assertThat(again.outcomes()).isEmpty();
        assertThat(again.plan().refusals()).singleElement().satisfies(p -> assertThat(p.refusal().problem()).contains("in use"));
    }

    @Test
    void aFailedHeaderRehearsalLeavesTheVolumeMountedAndTheBootConfigurationAsTheyWere() throws Exception {
        FakeMachine m = new FakeMachine(tmp);
        Journal journal = new Journal(tmp.resolve("journal"));
        String fstabBefore = m.fstab();
        String crypttabBefore = m.crypttab();
        m.setRehearsalFails(true);
        var outcome = reconciler(m, journal).pass(settings(), () -> false).outcomes().get(0);
        assertThat(outcome.result()).isEqualTo(Outcome.Result.ABANDONED);
        assertThat(outcome.error().code()).isEqualTo(ExecuteError.HEADER_REHEARSAL_FAILED);
        assertThat(m.log()).contains("rehearsed IN_PLACE").noneMatch(l -> l.startsWith("unmounted"));
        assertThat(m.mountedFrom("/data")).contains(FakeMachine.DEVICE);
        assertThat(m.fstab()).isEqualTo(fstabBefore);
        assertThat(m.crypttab()).isEqualTo(crypttabBefore);
        assertThat(m.header()).isNull();
        assertThat(m.fullyEncrypted()).isFalse();
    }

    @Test
    void aFailedCheckRollsBackMountAndBootConfiguration() throws Exception {
        FakeMachine m = new FakeMachine(tmp);
        Journal journal = new Journal(tmp.resolve("journal"));
        String fstabBefore = m.fstab();
        m.setFsckFails(true);
        var outcome = reconciler(m, journal).pass(settings(), () -> false).outcomes().get(0);
        assertThat(outcome.result()).isEqualTo(Outcome.Result.ABANDONED);
        assertThat(outcome.error().code()).isEqualTo(ExecuteError.FILESYSTEM_CHECK_FAILED);
        assertThat(m.mountedFrom("/data")).contains(FakeMachine.DEVICE);
        assertThat(m.fstab()).isEqualTo(fstabBefore);
        assertThat(m.fsBytes()).isEqualTo(FakeMachine.DEVICE_BYTES);
    }

    @Test
    void aStopRequestEndsAtAChunkAndTheNextPassFinishes() throws Exception {
        FakeMachine m = new FakeMachine(tmp);
        Journal journal = new Journal(tmp.resolve("journal"));
        Ports ports = m.ports();
        int[] reports = {0};
        Executor stopping = new Executor(journal, ports, Clock.systemUTC(), (k, mp, d, t, s) -> reports[0]++,
                () -> reports[0] >= 2, Steps.encryptInPlace(device -> FakeMachine.DEVICE_BYTES));
        var first = new Reconciler(m::inventory, journal, new Planner(), stopping, Clock.systemUTC()).pass(settings(), () -> false);
        assertThat(first.outcomes().get(0).result()).isEqualTo(Outcome.Result.STOPPED);
        assertThat(m.fullyEncrypted()).isFalse();
        assertThat(m.mountedFrom("/data")).contains("/dev/mapper/gc-data");
        reconciler(m, journal).pass(settings(), () -> false);
        assertEncryptedAndWired(m, journal);
    }

    private static void assertEncryptedAndWired(FakeMachine m, Journal journal) throws Exception {
        String fs = m.inventory().devices().stream().filter(d -> d.type().equals("crypt")).findFirst().orElseThrow().fsType();
        assertThat(m.fullyEncrypted()).isTrue();
        assertThat(m.mountedFrom("/data")).contains("/dev/mapper/gc-data");
        assertThat(m.fstab()).contains("/dev/mapper/gc-data\t/data\t" + fs + "\tdefaults,noatime,nofail,_netdev,"
                + "x-systemd.requires=guestcrypt-unlock@gc-data.service,x-systemd.device-timeout=4min\t0\t2")
                .contains("# guestcrypt: original line: UUID=" + FakeMachine.FS_UUID + " /data " + fs + " defaults,noatime 0 2")
                .contains("LABEL=root / ext4 defaults 0 1").contains("# static file systems");
        if (m.header() == null) {
            assertThat(m.crypttab()).contains("gc-data UUID=").contains(" none luks,noauto,nofail\n").contains("# <name>");
        } else {
            assertThat(m.crypttab()).contains("gc-data " + FakeMachine.STABLE + " none luks,noauto,nofail,header=" + m.header() + "\n");
            assertThat(m.header()).endsWith(".luks").contains("/headers/");
        }
        List<OperationHistory> ops = journal.read().operations();
        assertThat(ops.get(ops.size() - 1).lastStep()).isEqualTo(JournalSteps.DONE);
        assertThat(Files.readString(journal.file())).doesNotContainPattern("[A-Za-z0-9+/]{80,}");
    }
}
