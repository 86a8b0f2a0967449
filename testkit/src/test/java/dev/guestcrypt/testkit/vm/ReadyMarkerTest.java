package dev.guestcrypt.testkit.vm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The ready marker line the image prints is parsed into boot id and uptime, old form included. */
class ReadyMarkerTest {
    @Test
    void readsBootIdAndUptime() {
        String line = "GUESTCRYPT-VM-READY boot_id=71ba645a-a40d-426d-bf45-183481d24739 uptime=41.27";
        assertThat(GuestVm.field(line, "boot_id")).isEqualTo("71ba645a-a40d-426d-bf45-183481d24739");
        assertThat(GuestVm.field(line, "uptime")).isEqualTo("41.27");
        assertThat(GuestVm.field("GUESTCRYPT-VM-READY boot_id=abc", "boot_id")).isEqualTo("abc");
        assertThat(GuestVm.field("GUESTCRYPT-VM-READY boot_id=abc", "uptime")).isEmpty();
    }

    @Test
    void quotesShellArguments() {
        assertThat(GuestVm.quote("/a b/it's")).isEqualTo("'/a b/it'\\''s'");
    }
}
