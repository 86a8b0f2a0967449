package dev.guestcrypt.testkit;

/** Entry point of the testkit jar (standalone Key Vault + IMDS emulator). */
public final class TestkitMain {
    private TestkitMain() {}

    public static void main(String[] args) {
        System.out.println("guestcrypt-testkit");
    }
}
