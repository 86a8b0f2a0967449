package dev.guestcrypt.nativebind.luks;

import java.util.Map;

/** Linux errno numbers the library returns, with their symbols and meanings. */
final class Errno {
    private static final Map<Integer, String[]> KNOWN = Map.ofEntries(
            Map.entry(1, new String[] {"EPERM", "operation not permitted (wrong passphrase or key)"}),
            Map.entry(2, new String[] {"ENOENT", "no such file, keyslot or token"}),
            Map.entry(5, new String[] {"EIO", "input/output error or no valid header"}),
            Map.entry(6, new String[] {"ENXIO", "no such device or address"}),
            Map.entry(11, new String[] {"EAGAIN", "resource temporarily unavailable"}),
            Map.entry(12, new String[] {"ENOMEM", "out of memory"}),
            Map.entry(13, new String[] {"EACCES", "permission denied"}),
            Map.entry(15, new String[] {"ENOTBLK", "not a block device or file (missing path?)"}),
            Map.entry(16, new String[] {"EBUSY", "device or resource busy"}),
            Map.entry(17, new String[] {"EEXIST", "already exists"}),
            Map.entry(19, new String[] {"ENODEV", "no such device"}),
            Map.entry(22, new String[] {"EINVAL", "invalid argument or state"}),
            Map.entry(28, new String[] {"ENOSPC", "no space left (keyslot area or device)"}),
            Map.entry(30, new String[] {"EROFS", "read-only device"}),
            Map.entry(34, new String[] {"ERANGE", "value out of range"}),
            Map.entry(38, new String[] {"ENOSYS", "function not implemented"}),
            Map.entry(95, new String[] {"ENOTSUP", "operation not supported"}),
            Map.entry(110, new String[] {"ETIMEDOUT", "timed out"}),
            Map.entry(126, new String[] {"ENOKEY", "required key not available"}));

    private Errno() {}

    static String symbol(int errno) {
        String[] entry = KNOWN.get(errno);
        return entry == null ? "E" + errno : entry[0];
    }

    static String meaning(int errno) {
        String[] entry = KNOWN.get(errno);
        return entry == null ? "error " + errno : entry[1];
    }
}
