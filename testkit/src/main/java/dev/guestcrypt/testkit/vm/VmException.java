package dev.guestcrypt.testkit.vm;

/**
 * A guest command failed, a console marker did not come, or the VM could not start. The message
 * carries the console tail and, when the guest still answers, its journal tail, so a failing
 * test reads as a diagnosis.
 */
public final class VmException extends RuntimeException {
    public VmException(String message) {
        super(message);
    }

    public VmException(String message, Throwable cause) {
        super(message, cause);
    }
}
