package dev.guestcrypt.agent.settings;

import java.util.Arrays;
import java.util.Optional;

/** ADE's {@code VolumeType}: which volumes an operation covers. */
public enum VolumeSelection {
    OS("OS"),
    DATA("Data"),
    ALL("All");

    private final String adeName;

    VolumeSelection(String adeName) {
        this.adeName = adeName;
    }

    public String adeName() {
        return adeName;
    }

    public boolean includesOs() {
        return this != DATA;
    }

    public boolean includesData() {
        return this != OS;
    }

    public static Optional<VolumeSelection> fromAde(String text) {
        return Arrays.stream(values()).filter(v -> v.adeName.equalsIgnoreCase(text.trim())).findFirst();
    }
}
