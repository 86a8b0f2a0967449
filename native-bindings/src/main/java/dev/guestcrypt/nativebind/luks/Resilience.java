package dev.guestcrypt.nativebind.luks;

/** How a hotzone is protected against a crash while it is rewritten (not used for data-shift moves). */
public enum Resilience {
    /** Checksums of the hotzone in the metadata; recovery re-writes what does not match. Default. */
    CHECKSUM("checksum"),
    /** Hotzone copied into the metadata first: slowest, safest. */
    JOURNAL("journal"),
    /** No protection: a crash loses the hotzone. Only for devices whose content does not matter. */
    NONE("none");

    private final String libraryName;

    Resilience(String libraryName) {
        this.libraryName = libraryName;
    }

    String libraryName() {
        return libraryName;
    }
}
