package dev.guestcrypt.agent.os;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.Command;
import dev.guestcrypt.agent.execute.CommandRunner;
import dev.guestcrypt.agent.execute.ExecuteError;
import dev.guestcrypt.agent.inventory.BlockDevice;
import dev.guestcrypt.agent.inventory.Inventory;
import dev.guestcrypt.agent.inventory.LsblkParser;
import dev.guestcrypt.agent.inventory.LuksInfo;
import dev.guestcrypt.agent.inventory.MountEntry;
import dev.guestcrypt.agent.inventory.MountInfoParser;
import dev.guestcrypt.agent.inventory.TabFiles;
import dev.guestcrypt.agent.keys.KeyVaultToken;
import dev.guestcrypt.agent.keys.LocalKeyFileToken;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Takes an {@link Inventory} snapshot of this machine: lsblk, mountinfo, fstab, crypttab, LUKS2 headers. */
public final class SystemInventoryReader {
    public static final Path AZURE_RESOURCE_LINK = Path.of("/dev/disk/azure/resource");
    public static final String RESOURCE_DISK_README = "DATALOSS_WARNING_README.txt";
    private final CommandRunner runner;
    private final LuksMetadataCli cryptsetup;
    private final Path etc;
    private final Path mountInfo;

    public SystemInventoryReader(CommandRunner runner, LuksMetadataCli cryptsetup, Path etc, Path mountInfo) {
        this.runner = runner;
        this.cryptsetup = cryptsetup;
        this.etc = etc;
        this.mountInfo = mountInfo;
    }

    public Inventory read() {
        String lsblk = Commands.require(runner, Command.of(Duration.ofMinutes(1), "lsblk", "-J", "-b", "-o", LsblkParser.COLUMNS),
                ExecuteError.COMMAND_FAILED, "install util-linux 2.37 or later").stdout();
        List<BlockDevice> devices = LsblkParser.parse(lsblk);
        List<MountEntry> mounts;
        try {
            mounts = MountInfoParser.parse(Files.readString(mountInfo));
        } catch (IOException e) {
            throw new AgentException(ExecuteError.COMMAND_FAILED, "cannot read " + mountInfo, "check /proc is mounted");
        }
        Map<String, LuksInfo> luks = new HashMap<>();
        for (BlockDevice d : devices) {
            if (d.isLuks()) {
                cryptsetup.metadata(d.path()).ifPresent(meta -> luks.put(d.name(), luksInfo(d.uuid(), meta)));
            }
        }
        List<dev.guestcrypt.agent.inventory.CrypttabEntry> crypttab = TabFiles.parseCrypttab(readOrEmpty(etc.resolve("crypttab")));
        for (var entry : crypttab) {
            Optional<String> header = entry.option("header");
            if (header.isEmpty() || !Files.exists(Path.of(header.get()))) {
                continue;
            }
            Optional<BlockDevice> device = realDevice(entry.device(), devices);
            String uuid = runner.run(Command.of(Duration.ofMinutes(1), "cryptsetup", "luksUUID", header.get())).stdout().trim();
            device.ifPresent(d -> cryptsetup.metadata(header.get()).ifPresent(meta -> {
                LuksInfo info = luksInfo(uuid, meta);
                luks.put(d.name(), new LuksInfo(info.uuid(), info.reencryptionInProgress(), info.guestcryptToken(), header.get()));
            }));
        }
        Map<String, Long> free = new HashMap<>();
        for (BlockDevice d : devices) {
            for (String mp : d.mountPoints()) {
                if (mp.startsWith("/")) {
                    try {
                        free.put(mp, Files.getFileStore(Path.of(mp)).getUsableSpace());
                    } catch (IOException | RuntimeException e) {
                        // Unreadable mount: the planner treats free space as unknown.
                    }
                }
            }
        }
        return new Inventory(devices, mounts, TabFiles.parseFstab(readOrEmpty(etc.resolve("fstab"))), crypttab, resourceDisks(devices),
                luks, free);
    }

    /** The device a crypttab path ({@code /dev/disk/by-id/...}) points to. */
    private static Optional<BlockDevice> realDevice(String spec, List<BlockDevice> devices) {
        try {
            String real = Path.of(spec).toRealPath().toString();
            return devices.stream().filter(d -> d.path().equals(real) || ("/dev/" + d.name()).equals(real)).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A path for {@code devicePath} that survives reboots: Azure's LUN links, then by-id, else the path itself. */
    public static String stablePath(String devicePath) {
        try {
            Path real = Path.of(devicePath).toRealPath();
            for (String dir : List.of("/dev/disk/azure/scsi1", "/dev/disk/by-id")) {
                Path folder = Path.of(dir);
                if (!Files.isDirectory(folder)) {
                    continue;
                }
                try (var links = Files.list(folder)) {
                    Optional<Path> match = links.sorted().filter(l -> !l.getFileName().toString().startsWith("wwn-"))
                            .filter(l -> {
                                try {
                                    return l.toRealPath().equals(real);
                                } catch (IOException e) {
                                    return false;
                                }
                            }).findFirst();
                    if (match.isPresent()) {
                        return match.get().toString();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return devicePath;
    }

    static LuksInfo luksInfo(String uuid, JsonNode meta) {
        Optional<String> token = Optional.empty();
        for (JsonNode t : meta.path("tokens")) {
            String type = t.path("type").asText();
            if (type.equals(KeyVaultToken.TYPE) || type.equals(LocalKeyFileToken.TYPE)) {
                token = Optional.of(t.toString());
            }
        }
        return new LuksInfo(uuid, LuksMetadataCli.reencrypting(meta), token, null);
    }

    /** The resource disk: udev's /dev/disk/azure/resource link, or the disk mounted with ADE's warning file. */
    private Set<String> resourceDisks(List<BlockDevice> devices) {
        Set<String> names = new HashSet<>();
        try {
            if (Files.exists(AZURE_RESOURCE_LINK)) {
                names.add(AZURE_RESOURCE_LINK.toRealPath().getFileName().toString());
            }
        } catch (IOException e) {
            // No link: not on Azure, or an image without the Azure udev rules.
        }
        Inventory partial = new Inventory(devices, List.of(), List.of(), List.of(), Set.of(), Map.of(), Map.of());
        for (BlockDevice d : devices) {
            for (String mp : d.mountPoints()) {
                if (mp.startsWith("/") && !mp.equals("/") && Files.exists(Path.of(mp, RESOURCE_DISK_README))) {
                    names.addAll(partial.topDisks(d.name()));
                }
            }
        }
        return names;
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new AgentException(ExecuteError.BOOT_CONFIG_FAILED, "cannot read " + file + ": " + e.getMessage(), "check its permissions");
        }
    }
}
