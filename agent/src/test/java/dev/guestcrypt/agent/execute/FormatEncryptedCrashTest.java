package dev.guestcrypt.agent.execute;

import dev.guestcrypt.agent.daemon.Reconciler;
import dev.guestcrypt.agent.journal.Journal;
import dev.guestcrypt.agent.journal.JournalRecord;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.journal.OperationHistory;
import dev.guestcrypt.agent.plan.Planner;
import dev.guestcrypt.agent.plan.VolumeAction;
import dev.guestcrypt.agent.settings.EncryptionSettings;
import dev.guestcrypt.agent.settings.SettingsParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The format flow for disposable volumes on the simulated machine, with a crash after every change. */
class FormatEncryptedCrashTest {
    @TempDir
    Path tmp;

    private static EncryptionSettings format() {
        return SettingsParser.parse(Map.of("EncryptionOperation", "EnableEncryptionFormat", "VolumeType", "Data",
                "KeyVaultURL", "https://v.vault.azure.net", "SequenceVersion", "1",
                "DiskFormatQuery", "[{\"dev\":\"" + FakeMachine.DEVICE + "\"}]"), Map.of()).orThrow();
    }

    private static EncryptionSettings formatAll() {
        return SettingsParser.parse(Map.of("EncryptionOperation", "EnableEncryptionFormatAll", "VolumeType", "Data",
                "KeyVaultURL", "https://v.vault.azure.net", "SequenceVersion", "1"), Map.of()).orThrow();
    }

    private static Reconciler reconciler(FakeMachine m, Journal journal) {
        Executor executor = new Executor(journal, m.ports(), Clock.systemUTC(), ProgressSink.NONE, () -> false,
                Steps.encryptInPlace(device -> FakeMachine.DEVICE_BYTES));
        return new Reconciler(m::inventory, journal, new Planner(), executor, Clock.systemUTC());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext4", "xfs"})
    void formatsTheListedVolumeWithItsKeyStoredFirstAndKeepsMountPointTypeAndOptions(String fsType) throws Exception {
        FakeMachine m = new FakeMachine(tmp, fsType);
        Journal journal = new Journal(tmp.resolve("journal"));
        var result = reconciler(m, journal).pass(format(), () -> false);
        assertThat(result.plan().work()).singleElement().satisfies(v -> {
            assertThat(v.action()).isEqualTo(VolumeAction.FORMAT_ENCRYPTED);
            assertThat(v.note()).contains("ALL DATA ON /data");
        });
        assertThat(result.outcomes()).singleElement().satisfies(o -> assertThat(o.result()).isEqualTo(Outcome.Result.DONE));
        assertFormattedAndWired(m, journal, fsType);
        assertThat(m.log()).containsExactly("key stored", "rehearsed WHOLE_DEVICE", "unmounted /data", "boot config switched", "luks formatted", "activated gc-data",
                "made " + fsType, "mounted /dev/mapper/gc-data");
        assertThat(m.header()).as("the header is on the device, not in a file").isNull();
        OperationHistory op = journal.read().operations().get(0);
        assertThat(op.records()).extracting(JournalRecord::step).containsExactly(JournalSteps.STARTED, JournalSteps.KEY_PROTECTED,
                JournalSteps.UNMOUNTED, JournalSteps.BOOT_CONFIG_SWITCHED, JournalSteps.LUKS_FORMATTED, JournalSteps.ACTIVATED,
                JournalSteps.FILESYSTEM_CREATED, JournalSteps.MOUNTED, JournalSteps.DONE);
        // The same request again: the volume is recognised as encrypted, nothing is formatted twice.
        var again = reconciler(m, journal).pass(format(), () -> false);
        assertThat(again.outcomes()).isEmpty();
        assertThat(again.plan().volumes()).singleElement().satisfies(v -> assertThat(v.action()).isEqualTo(VolumeAction.SKIP_ENCRYPTED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext4", "xfs"})
    void aCrashAfterAnyChangeResumesToTheSameEndAfterReboot(String fsType) throws Exception {
        FakeMachine probe = new FakeMachine(Files.createDirectories(tmp.resolve("probe")), fsType);
        reconciler(probe, new Journal(tmp.resolve("probe/journal"))).pass(format(), () -> false);
        int total = probe.changes();
        assertThat(total).isEqualTo(7);
        for (int n = 1; n <= total; n++) {
            Path root = Files.createDirectories(tmp.resolve("crash-" + n));
            FakeMachine m = new FakeMachine(root, fsType);
            Journal journal = new Journal(root.resolve("journal"));
            m.crashAfter(n);
            try {
                reconciler(m, journal).pass(format(), () -> false);
                throw new AssertionError("no crash after change " + n);
            } catch (FakeMachine.Crash expected) {
                // power lost
            }
            m.reboot();
            ResumePasses.untilDone(journal, () -> reconciler(m, journal).pass(format(), () -> false));
            assertFormattedAndWired(m, journal, fsType);
            assertThat(m.storedKeys()).as("keys stored after crash %d", n).isBetween(1L, 2L);
            // And the next boot brings it back by itself.
            m.reboot();
            assertThat(m.mountedFrom("/data")).as("mounted after a reboot (crash %d)", n).contains("/dev/mapper/gc-data");
        }
    }

    @Test
    void formatAllFormatsTheDataVolume() throws Exception {
        FakeMachine m = new FakeMachine(tmp);
        Journal journal = new Journal(tmp.resolve("journal"));
        var result = reconciler(m, journal).pass(formatAll(), () -> false);
        assertThat(result.outcomes()).singleElement().satisfies(o -> assertThat(o.result()).isEqualTo(Outcome.Result.DONE));
        assertFormattedAndWired(m, journal, "ext4");
    }

    @Test
    void aBusyVolumeIsNotFormattedAndIsLeftAsItWas() throws Exception {
        FakeMachine m = new FakeMachine(tmp);
        Journal journal = new Journal(tmp.resolve("journal"));
        String fstabBefore = m.fstab();
        m.setBusy(true);
        var outcome = reconciler(m, journal).pass(format(), () -> false).outcomes().get(0);
        assertThat(outcome.result()).isEqualTo(Outcome.Result.ABANDONED);
        assertThat(outcome.error().code()).isEqualTo(ExecuteError.VOLUME_BUSY);
        assertThat(m.formatted()).isFalse();
        assertThat(m.fstab()).isEqualTo(fstabBefore);
        assertThat(m.mountedFrom("/data")).contains(FakeMachine.DEVICE);
    }

    private static void assertFormattedAndWired(FakeMachine m, Journal journal, String fsType) throws Exception {
        assertThat(m.formatted()).isTrue();
        assertThat(m.mappingFileSystem()).contains(fsType);
        assertThat(m.mountedFrom("/data")).contains("/dev/mapper/gc-data");
        assertThat(m.headerTokens()).singleElement().satisfies(t -> assertThat(t).contains("guestcrypt-local-file"));
        assertThat(m.fstab()).contains("/dev/mapper/gc-data\t/data\t" + fsType + "\tdefaults,noatime,nofail,_netdev,"
                + "x-systemd.requires=guestcrypt-unlock@gc-data.service,x-systemd.device-timeout=4min\t0\t2");
        assertThat(m.crypttab()).contains("gc-data UUID=").contains(" none luks,noauto,nofail\n");
        List<OperationHistory> ops = journal.read().operations();
        assertThat(ops.get(ops.size() - 1).lastStep()).isEqualTo(JournalSteps.DONE);
        assertThat(Files.readString(journal.file())).doesNotContainPattern("[A-Za-z0-9+/]{80,}");
    }
}
