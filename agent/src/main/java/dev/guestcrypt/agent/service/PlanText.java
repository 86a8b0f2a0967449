package dev.guestcrypt.agent.service;

import dev.guestcrypt.agent.plan.VolumePlan;

/** One human line per planned volume. */
public final class PlanText {
    private PlanText() {}

    public static String line(VolumePlan v) {
        String where = v.mountPoint().isEmpty() ? v.devicePath() : v.mountPoint() + (v.devicePath().isEmpty() ? "" : " (" + v.devicePath() + ")");
        return switch (v.action()) {
            case ENCRYPT_IN_PLACE, ENCRYPT_DETACHED_HEADER -> where + ": " + v.action().name().toLowerCase().replace('_', ' ')
                    + " as /dev/mapper/" + v.mapperName() + ", offline for about " + v.expectedDowntime().toSeconds() + " s: " + v.note();
            case RESUME, FORMAT_ENCRYPTED -> where + ": " + v.note();
            case SKIP_ENCRYPTED -> where + ": already encrypted";
            case SKIP -> where + ": skipped, " + v.note();
            case REFUSED -> where + ": refused, " + v.refusal().describe();
        };
    }
}
