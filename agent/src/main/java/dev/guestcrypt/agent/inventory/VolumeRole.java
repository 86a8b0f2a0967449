package dev.guestcrypt.agent.inventory;

/** What a device is for, which decides whether the agent may ever touch it. */
public enum VolumeRole {
    /** On the disk that holds {@code /}, {@code /boot} or {@code /boot/efi}. */
    OS,
    /** ADE's key volume (label {@code BEK VOLUME}). */
    BEK,
    /** The Azure temporary (resource) disk: its data is lost on redeploy, never encrypt in place. */
    RESOURCE,
    /** Anything else: a data disk. */
    DATA
}
