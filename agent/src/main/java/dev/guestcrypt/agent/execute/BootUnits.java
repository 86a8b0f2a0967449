package dev.guestcrypt.agent.execute;

import java.util.List;

/** The init system's view of volumes opened late (after their boot unit gave up). */
public interface BootUnits {
    /** Marks the volume's unlock unit done and mounts its file systems through their units. */
    void startAfterUnlock(String mapperName, List<String> mountPoints);

    BootUnits NONE = (name, mounts) -> { };
}
