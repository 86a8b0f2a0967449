package dev.guestcrypt.agent.status;

/**
 * Status of one data volume.
 *
 * @param percent    0-100, or -1 when not running
 * @param mibPerSec  current speed, or 0
 * @param etaSeconds seconds left, or -1
 * @param errorCode  code of the last error (e.g. {@code GC3001}), or empty
 * @param error      the last error's one-line description, or empty
 */
public record VolumeStatus(String mountPoint, String device, String mapperName, VolumeState state, double percent, double mibPerSec,
                           long etaSeconds, String errorCode, String error) {}
