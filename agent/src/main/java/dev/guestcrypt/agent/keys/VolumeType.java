package dev.guestcrypt.agent.keys;

/** Whether a volume holds the operating system or data; ADE tags and key file names differ. */
public enum VolumeType {
    OS,
    DATA
}
