package dev.guestcrypt.agent.os;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.BootConfig;
import dev.guestcrypt.agent.execute.BootSwitch;
import dev.guestcrypt.agent.execute.ExecuteError;
import dev.guestcrypt.agent.inventory.CrypttabEntry;
import dev.guestcrypt.agent.inventory.FstabEntry;
import dev.guestcrypt.agent.inventory.TabFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Edits /etc/crypttab and /etc/fstab for encrypted data volumes: only the one line concerned
 * changes; comments and unknown lines stay as they were; each file is replaced atomically with a
 * backup ({@code *.guestcrypt.bak}). The original fstab line is kept as a comment above the new one.
 */
public final class TabFileBootConfig implements BootConfig {
    static final String ORIGINAL_MARK = "# guestcrypt: original line: ";
    private final Path fstab;
    private final Path crypttab;

    public TabFileBootConfig(Path fstab, Path crypttab) {
        this.fstab = fstab;
        this.crypttab = crypttab;
    }

    @Override
    public void switchToEncrypted(BootSwitch change) {
        try {
            String crypt = read(crypttab);
            String newCrypt = withCrypttabLine(crypt, change);
            if (!newCrypt.equals(crypt)) {
                AtomicFiles.write(crypttab, newCrypt, true);
            }
            String tab = read(fstab);
            String newTab = withFstabSwitched(tab, change);
            if (!newTab.equals(tab)) {
                AtomicFiles.write(fstab, newTab, true);
            }
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void revert(BootSwitch change, String originalSpec) {
        try {
            String tab = read(fstab);
            String newTab = withFstabReverted(tab, change, originalSpec);
            if (!newTab.equals(tab)) {
                AtomicFiles.write(fstab, newTab, true);
            }
            String crypt = read(crypttab);
            List<String> lines = new ArrayList<>(TabFiles.lines(crypt));
            TabFiles.parseCrypttab(crypt).stream().filter(c -> c.name().equals(change.mapperName()))
                    .map(CrypttabEntry::line).sorted((a, b) -> b - a).forEach(i -> lines.remove((int) i));
            String newCrypt = join(lines);
            if (!newCrypt.equals(crypt)) {
                AtomicFiles.write(crypttab, newCrypt, true);
            }
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** The crypttab line of the contract: opened by guestcrypt's unit, never by systemd-cryptsetup. */
    public static String crypttabLine(BootSwitch change) {
        if (change.header() != null) {
            return change.mapperName() + " " + change.device() + " none luks,noauto,nofail,header=" + change.header();
        }
        return change.mapperName() + " UUID=" + change.luksUuid() + " none luks,noauto,nofail";
    }

    static String withCrypttabLine(String text, BootSwitch change) {
        List<String> lines = new ArrayList<>(TabFiles.lines(text));
        String wanted = crypttabLine(change);
        Optional<CrypttabEntry> existing = TabFiles.parseCrypttab(text).stream()
                .filter(c -> c.name().equals(change.mapperName())).findFirst();
        if (existing.isPresent()) {
            if (lines.get(existing.get().line()).trim().equals(wanted)) {
                return text;
            }
            lines.set(existing.get().line(), wanted);
        } else {
            lines.add(wanted);
        }
        return join(lines);
    }

    /** How long a switched mount waits for its mapping: above the unlock unit's default retry bound of 120 s. */
    static final String DEVICE_TIMEOUT = "4min";

    /** The switched fstab options: the original ones plus what boot needs to wait for the unlock unit. */
    public static String switchedOptions(String original, String mapperName) {
        Set<String> options = new LinkedHashSet<>(List.of(original.split(",")));
        options.remove("");
        options.add("nofail");
        options.add("_netdev");
        options.add("x-systemd.requires=guestcrypt-unlock@" + mapperName + ".service");
        // The mapping appears only once the unlock unit has fetched the key (JVM start plus up to
        // its retry bound); systemd's default 90 s for the device would fail the mount first.
        options.add("x-systemd.device-timeout=" + DEVICE_TIMEOUT);
        return String.join(",", options);
    }

    static String withFstabSwitched(String text, BootSwitch change) {
        List<String> lines = new ArrayList<>(TabFiles.lines(text));
        String mapperPath = "/dev/mapper/" + change.mapperName();
        FstabEntry entry = TabFiles.parseFstab(text).stream().filter(e -> e.file().equals(change.mountPoint()))
                .reduce((a, b) -> b).orElseThrow(() -> new AgentException(ExecuteError.BOOT_CONFIG_FAILED,
                        "/etc/fstab has no line for " + change.mountPoint(), "add the line back and run the encryption again"));
        if (entry.spec().equals(mapperPath)) {
            return text;
        }
        FstabEntry switched = new FstabEntry(entry.line(), mapperPath, entry.file(), change.fsType(),
                switchedOptions(change.options(), change.mapperName()), "0", change.passno());
        String original = lines.get(entry.line()).trim();
        lines.set(entry.line(), switched.render());
        lines.add(entry.line(), ORIGINAL_MARK + original);
        return join(lines);
    }

    static String withFstabReverted(String text, BootSwitch change, String originalSpec) {
        List<String> lines = new ArrayList<>(TabFiles.lines(text));
        String mapperPath = "/dev/mapper/" + change.mapperName();
        Optional<FstabEntry> entry = TabFiles.parseFstab(text).stream()
                .filter(e -> e.file().equals(change.mountPoint()) && e.spec().equals(mapperPath)).findFirst();
        if (entry.isEmpty()) {
            return text;
        }
        int i = entry.get().line();
        lines.set(i, new FstabEntry(i, originalSpec, change.mountPoint(), change.fsType(), change.options(), "0", change.passno()).render());
        if (i > 0 && lines.get(i - 1).startsWith(ORIGINAL_MARK)) {
            lines.set(i, lines.get(i - 1).substring(ORIGINAL_MARK.length()));
            lines.remove(i - 1);
        }
        return join(lines);
    }

    private static String join(List<String> lines) {
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private AgentException failed(IOException e) {
        return new AgentException(ExecuteError.BOOT_CONFIG_FAILED, "cannot update " + fstab + " / " + crypttab + ": " + e.getMessage(),
                "check that /etc is writable; the previous versions are kept as *" + AtomicFiles.BACKUP_SUFFIX);
    }
}
