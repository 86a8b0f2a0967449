package dev.guestcrypt.agent.status;

import java.time.Instant;
import java.util.List;

/**
 * What the agent reports: every data volume, and ADE's two-value summary.
 *
 * @param os   ADE's {@code os} value ({@code NotEncrypted}, {@code Encrypted})
 * @param data ADE's {@code data} value ({@code NotEncrypted}, {@code Encrypted}, {@code NotMounted},
 *             {@code EncryptionInProgress})
 */
public record Status(Instant time, List<VolumeStatus> volumes, String os, String data) {
    public Status {
        volumes = List.copyOf(volumes);
    }
}
