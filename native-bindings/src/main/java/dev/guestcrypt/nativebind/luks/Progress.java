package dev.guestcrypt.nativebind.luks;

/**
 * One progress report of a re-encryption run.
 *
 * @param bytesDone          bytes of the data area already processed (lags one hotzone)
 * @param bytesTotal         size of the data area in bytes
 * @param bytesPerSecond     average throughput of this run so far (0 at the first report)
 */
public record Progress(long bytesDone, long bytesTotal, double bytesPerSecond) {
    public double fraction() {
        return bytesTotal <= 0 ? 0 : (double) bytesDone / bytesTotal;
    }
}
