package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.nio.file.Path;

/**
 * Benchmark entry (not a test): offline in-place encryption of one image through the bindings,
 * with the same parameters as {@code cryptsetup reencrypt --encrypt --reduce-device-size 32M}
 * (16 MiB header and shift, 512-byte sectors, aes-xts-plain64 with a 512-bit key).
 * The passphrase arrives on stdin. Prints one line: {@code bindings seconds=S init_seconds=I load_seconds=L data_mib=M mib_per_s=R}:
 * S (init + run) excludes L, the one-time library and JNA loading, which a long-running agent pays once.
 * Usage: {@code NativeReencryptBench IMAGE WORKDIR}
 */
public final class NativeReencryptBench {
    private NativeReencryptBench() {}

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        Path workDir = Path.of(args[1]);
        try (SecretBytes pass = SecretBytes.takeFrom(System.in.readAllBytes())) {
            long[] total = {0};
            // A long-running agent loads the library and JNA once; time that apart from the conversion.
            long loading = System.nanoTime();
            if (LuksDevice.isLuks2(image)) {
                throw new IllegalStateException(image + " is already LUKS2; pass a plain image");
            }
            double loadSeconds = (System.nanoTime() - loading) / 1e9;
            long start = System.nanoTime();
            LuksConversions.initEncryptInPlace(
                    new InPlaceEncryptParams(image, FormatParams.builder().pbkdf(Pbkdf.cheapForTests()).build(), workDir),
                    pass);
            long initialised = System.nanoTime();
            RunOutcome outcome = LuksConversions.resume(image, null, null, pass, progress -> {
                total[0] = progress.bytesTotal();
                return ProgressListener.Decision.CONTINUE;
            }, RunOptions.defaults());
            double seconds = (System.nanoTime() - start) / 1e9;
            double initSeconds = (initialised - start) / 1e9;
            if (outcome != RunOutcome.FINISHED) {
                throw new IllegalStateException("encryption did not finish: " + outcome);
            }
            double mib = total[0] / (double) (1 << 20);
            System.out.printf("bindings seconds=%.3f init_seconds=%.3f load_seconds=%.3f data_mib=%.0f mib_per_s=%.1f%n",
                    seconds, initSeconds, loadSeconds, mib, mib / seconds);
        }
    }
}
