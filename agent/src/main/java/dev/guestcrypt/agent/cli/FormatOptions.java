package dev.guestcrypt.agent.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ADE's two erase-and-encrypt operations on the command line: {@code --format DEV,..}
 * (EnableEncryptionFormat with a DiskFormatQuery) and {@code --format-all} (EnableEncryptionFormatAll).
 */
final class FormatOptions {
    @ArgGroup(exclusive = true)
    Choice choice;

    static final class Choice {
        @Option(names = "--format", split = ",", paramLabel = "DEVICE",
                description = {"Erase these disposable volumes and give them a new, encrypted, empty file system of the same type,",
                        "label, mount point and options (ADE's EnableEncryptionFormat). DEVICE: /dev/sdX[N],",
                        "/dev/disk/azure/scsi1/lunN[-partM], /dev/disk/by-uuid/.. or /dev/disk/by-label/... Other volumes are",
                        "encrypted with their data."})
        List<String> devices;

        @Option(names = "--format-all", description = {"Erase every unencrypted data volume, and the Azure resource disk, instead of",
                "encrypting their data (ADE's EnableEncryptionFormatAll)."})
        boolean all;
    }

    boolean erases() {
        return choice != null && (choice.all || choice.devices != null && !choice.devices.isEmpty());
    }

    /** The operation and DiskFormatQuery of the request; EnableEncryption without a format option. */
    void applyTo(Map<String, Object> request) {
        if (choice != null && choice.all) {
            request.put("EncryptionOperation", "EnableEncryptionFormatAll");
        } else if (erases()) {
            request.put("EncryptionOperation", "EnableEncryptionFormat");
            request.put("DiskFormatQuery", choice.devices.stream().map(d -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("dev", d);
                return entry;
            }).toList());
        } else {
            request.put("EncryptionOperation", "EnableEncryption");
        }
    }
}
