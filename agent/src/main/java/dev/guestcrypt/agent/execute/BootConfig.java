package dev.guestcrypt.agent.execute;

/** Boot wiring of encrypted volumes: /etc/crypttab and /etc/fstab, changed atomically with backups. */
public interface BootConfig {
    /** Adds the crypttab line and switches the fstab line; a no-op when already done. */
    void switchToEncrypted(BootSwitch change);

    /** Puts the original fstab line back and removes the crypttab line (rollback before encryption). */
    void revert(BootSwitch change, String originalSpec);
}
