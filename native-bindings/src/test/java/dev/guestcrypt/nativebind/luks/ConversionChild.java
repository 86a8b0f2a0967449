package dev.guestcrypt.nativebind.luks;

import dev.guestcrypt.nativebind.secret.SecretBytes;

import java.nio.file.Path;

/**
 * A separate JVM that runs one conversion and reports each progress step on stdout, so a test can
 * kill it with SIGKILL mid-way. The passphrase arrives on stdin, never in argv.
 * Usage: {@code ConversionChild inplace|rekey IMAGE WORKDIR HOTZONE_BYTES}
 */
public final class ConversionChild {
    private ConversionChild() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path image = Path.of(args[1]);
        Path workDir = Path.of(args[2]);
        RunOptions options = RunOptions.defaults().withMaxHotzoneBytes(Long.parseLong(args[3]));
        ProgressListener report = progress -> {
            System.out.println("progress " + progress.bytesDone() + " " + progress.bytesTotal());
            System.out.flush();
            return ProgressListener.Decision.CONTINUE;
        };
        try (SecretBytes pass = SecretBytes.takeFrom(System.in.readAllBytes())) {
            if (mode.equals("inplace")) {
                InPlaceEncryptParams params = new InPlaceEncryptParams(image,
                        FormatParams.builder().pbkdf(Pbkdf.cheapForTests()).build(), 4L << 20, workDir);
                LuksConversions.initEncryptInPlace(params, pass);
            } else {
                LuksConversions.initReencrypt(image, null, pass, Pbkdf.cheapForTests(), options);
            }
            System.out.println("initialised");
            System.out.flush();
            RunOutcome outcome = LuksConversions.resume(image, null, null, pass, report, options);
            System.out.println("outcome " + outcome);
        }
    }
}
