package dev.guestcrypt.nativebind.luks;

/**
 * A libcryptsetup call failed. Carries the operation (the C function), the device path, the errno
 * number and symbol, and the library's own last error message when it gave one. Never carries
 * key material.
 */
public class CryptsetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String device;
    private final int errno;

    public CryptsetupException(String operation, String device, int errno, String detail) {
        super(describe(operation, device, errno, detail));
        this.operation = operation;
        this.device = device;
        this.errno = errno;
    }

    protected CryptsetupException(String operation, String device, int errno, String message, Throwable cause) {
        super(message, cause);
        this.operation = operation;
        this.device = device;
        this.errno = errno;
    }

    /** The C function that failed, e.g. {@code crypt_load}. */
    public String operation() {
        return operation;
    }

    /** The device or file the call worked on, or null. */
    public String device() {
        return device;
    }

    /** Positive errno number, e.g. 22; 0 when the failure had no errno. */
    public int errno() {
        return errno;
    }

    /** Symbol of {@link #errno()}, e.g. {@code EINVAL}. */
    public String errnoName() {
        return Errno.symbol(errno);
    }

    private static String describe(String operation, String device, int errno, String detail) {
        StringBuilder text = new StringBuilder(operation).append(" failed");
        if (device != null) {
            text.append(" on ").append(device);
        }
        if (errno != 0) {
            text.append(": ").append(Errno.symbol(errno)).append(" (").append(errno).append(", ")
                    .append(Errno.meaning(errno)).append(')');
        }
        if (detail != null && !detail.isBlank()) {
            text.append("; ").append(detail.strip());
        }
        return text.toString();
    }
}
