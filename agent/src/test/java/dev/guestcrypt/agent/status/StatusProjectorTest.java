package dev.guestcrypt.agent.status;

import dev.guestcrypt.agent.inventory.Fixtures;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.inventory.LuksInfo;
import dev.guestcrypt.agent.journal.JournalRecord;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.journal.JournalView;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StatusProjectorTest {
    private static final Instant NOW = Instant.parse("2026-11-29T03:00:00Z");
    private final StatusProjector projector = new StatusProjector();

    private static VolumeStatus at(Status s, String mountPoint) {
        return s.volumes().stream().filter(v -> v.mountPoint().equals(mountPoint)).findFirst().orElseThrow();
    }

    @Test
    void perVolumeStatesAndTheAdeSummary() {
        Status s = projector.project(Fixtures.azureVm(), JournalView.empty(), Map.of(), NOW);
        assertThat(at(s, "/srv").state()).isEqualTo(VolumeState.ENCRYPTED);
        assertThat(at(s, "/srv").mapperName()).isEqualTo("gc-srv");
        assertThat(at(s, "/data").state()).isEqualTo(VolumeState.NOT_ENCRYPTED);
        assertThat(s.volumes()).extracting(VolumeStatus::mountPoint).doesNotContain("/", "/mnt", "/boot/efi");
        assertThat(s.os()).isEqualTo("NotEncrypted");
        assertThat(s.data()).isEqualTo("NotEncrypted");
    }

    @Test
    void progressOfARunningEncryptionAndTheJsonShape() {
        Inventory inv = Fixtures.azureVm();
        Inventory running = new Inventory(inv.devices(), inv.mounts(), inv.fstab(), inv.crypttab(), inv.resourceDisks(),
                Map.of("sdd", new LuksInfo("44444444-4444-4444-4444-444444444444", true, Optional.of(Fixtures.TOKEN), null)),
                inv.freeBytes());
        ProgressSnapshot p = new ProgressSnapshot("luks:4444", "/srv", 1L << 30, 2L << 30, 64.0 * (1 << 20), NOW);
        Status s = projector.project(running, JournalView.empty(), Map.of("luks:4444", p), NOW);
        VolumeStatus srv = at(s, "/srv");
        assertThat(srv.state()).isEqualTo(VolumeState.ENCRYPTION_IN_PROGRESS);
        assertThat(srv.percent()).isEqualTo(50.0);
        assertThat(srv.mibPerSec()).isEqualTo(64.0);
        assertThat(srv.etaSeconds()).isEqualTo(16);
        assertThat(s.data()).isEqualTo("EncryptionInProgress");
        String json = StatusJson.toJson(s);
        assertThat(json.replaceAll("\\s", "")).contains("\"ade\":{\"os\":\"NotEncrypted\",\"data\":\"EncryptionInProgress\"}")
                .contains("\"mountPoint\":\"/srv\",\"device\":\"/dev/sdd\",\"mapperName\":\"gc-srv\",\"state\":\"EncryptionInProgress\",\"percent\":50.0");
        assertThat(StatusJson.fromJson(json)).isEqualTo(s);
    }

    @Test
    void aRolledBackAttemptShowsItsErrorAndALockedVolumeItsUnlockError() {
        Inventory inv = Fixtures.azureVm();
        JournalView journal = new JournalView(List.of(new JournalRecord(NOW, "op", "fs:33333333-3333-3333-3333-333333333333",
                JournalSteps.ABANDONED, Map.of("error", "GC3001 VOLUME_BUSY: /data is in use"))));
        Status s = projector.project(inv, journal, Map.of(), NOW);
        assertThat(at(s, "/data").errorCode()).isEqualTo("GC3001");
        Inventory locked = new Inventory(inv.devices().stream().filter(d -> !d.name().equals("dm-0")).toList(), inv.mounts(), inv.fstab(),
                inv.crypttab(), inv.resourceDisks(), inv.luks(), inv.freeBytes());
        Status l = projector.project(locked, JournalView.empty(), Map.of(),
                Map.of("gc-srv", "GC1105 KEY_VAULT_UNREACHABLE: cannot get the key of gc-srv from Key Vault (https://v.vault.azure.net)"), NOW);
        VolumeStatus srv = at(l, "/srv");
        assertThat(srv.state()).isEqualTo(VolumeState.LOCKED);
        assertThat(srv.error()).contains("Key Vault");
        assertThat(srv.errorCode()).isEqualTo("GC1105");
    }
}
