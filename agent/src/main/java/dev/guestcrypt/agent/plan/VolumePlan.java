package dev.guestcrypt.agent.plan;

import java.time.Duration;
import java.util.Objects;

/**
 * The plan for one volume.
 *
 * @param device           kernel name ({@code sdc1}, {@code dm-2}), or empty for a volume not found
 * @param devicePath       device node
 * @param volumeKey        stable key of the volume in the journal ({@code fs:<uuid>})
 * @param mountPoint       where it is mounted, or empty
 * @param fsType           file system
 * @param sizeBytes        device size
 * @param action           what happens
 * @param mapperName       {@code gc-<label>} for volumes that will be (or are) encrypted, else empty
 * @param expectedDowntime how long the file system is unmounted (zero when never)
 * @param refusal          why it is refused, for {@link VolumeAction#REFUSED}
 * @param note             one line for people (why skipped, what is resumed)
 * @param operation        the journal operation to resume, for {@link VolumeAction#RESUME}
 */
public record VolumePlan(String device, String devicePath, String volumeKey, String mountPoint, String fsType, long sizeBytes,
                         VolumeAction action, String mapperName, Duration expectedDowntime, Refusal refusal, String note,
                         String operation) {
    public VolumePlan {
        Objects.requireNonNull(action, "action");
        device = device == null ? "" : device;
        devicePath = devicePath == null ? "" : devicePath;
        volumeKey = volumeKey == null ? "" : volumeKey;
        mountPoint = mountPoint == null ? "" : mountPoint;
        fsType = fsType == null ? "" : fsType;
        mapperName = mapperName == null ? "" : mapperName;
        expectedDowntime = expectedDowntime == null ? Duration.ZERO : expectedDowntime;
        note = note == null ? "" : note;
        operation = operation == null ? "" : operation;
        if ((action == VolumeAction.REFUSED) != (refusal != null)) {
            throw new IllegalArgumentException("a refusal goes with REFUSED, and only with it");
        }
    }
}
