package dev.guestcrypt.agent.boot;

/** Entry point of the guestcrypt jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("guestcrypt");
    }
}
