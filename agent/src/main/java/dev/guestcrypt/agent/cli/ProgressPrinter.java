package dev.guestcrypt.agent.cli;

import dev.guestcrypt.agent.service.Listener;
import dev.guestcrypt.agent.status.ProgressSnapshot;

import java.io.PrintWriter;

/** Progress for people: a redrawn bar on a terminal, a plain line every few seconds otherwise. */
final class ProgressPrinter implements Listener {
    private final PrintWriter out;
    private final boolean tty;
    private long lastLine;
    private boolean barOpen;

    ProgressPrinter(PrintWriter out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    @Override
    public synchronized void say(String line) {
        if (barOpen) {
            out.println();
            barOpen = false;
        }
        out.println(line);
        out.flush();
    }

    @Override
    public synchronized void progress(ProgressSnapshot s) {
        String text = String.format("%s %5.1f%%  %6.1f MiB/s  ETA %s", s.mountPoint(), s.percent(), s.bytesPerSec() / (1 << 20),
                eta(s.etaSeconds()));
        if (tty) {
            int width = 30;
            int filled = (int) Math.round(s.percent() / 100 * width);
            out.print("\r" + "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + text + "   ");
            barOpen = true;
            out.flush();
        } else if (System.nanoTime() - lastLine > 5_000_000_000L || s.percent() >= 100) {
            lastLine = System.nanoTime();
            out.println("progress: " + text);
            out.flush();
        }
    }

    static String eta(long seconds) {
        if (seconds < 0) {
            return "--:--";
        }
        return seconds >= 3600 ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%d:%02d", seconds / 60, seconds % 60);
    }
}
