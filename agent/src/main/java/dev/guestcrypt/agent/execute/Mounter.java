package dev.guestcrypt.agent.execute;

import java.util.Optional;

/** Mounting and unmounting in the system's mount namespace. */
public interface Mounter {
    /** The device mounted at {@code mountPoint}, if any. */
    Optional<String> sourceAt(String mountPoint);

    /** Unmounts; kills nothing. Throws a clear error naming the mount point when it stays busy. */
    void unmount(String mountPoint);

    void mount(String source, String mountPoint, String fsType, String options);
}
