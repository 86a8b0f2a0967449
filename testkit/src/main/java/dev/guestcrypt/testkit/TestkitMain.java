package dev.guestcrypt.testkit;

import dev.guestcrypt.testkit.kv.KvEmulatorCommand;

import java.util.Arrays;

/**
 * Entry point of the testkit jar: {@code java -jar guestcrypt-testkit.jar <command> [options]}.
 * Each command lives in its own package; add new ones to {@link #run}.
 */
public final class TestkitMain {
    private TestkitMain() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: guestcrypt-testkit <command> [options]; commands: kv-emulator");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "kv-emulator":
                return KvEmulatorCommand.run(rest);
            default:
                System.err.println("guestcrypt-testkit: unknown command '" + args[0] + "'; commands: kv-emulator");
                return 2;
        }
    }
}
