package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.journal.JournalSteps;
import dev.guestcrypt.agent.plan.Planner;

/**
 * Shrinks the file system so that it ends {@link Planner#HEADER_ROOM_BYTES} before the end of the
 * device: LUKS2 moves the data by that much to fit its header. The target is computed from the
 * device size, so running it again after a crash is a no-op.
 */
public final class ShrinkFilesystemStep implements Step {
    private static final long ALIGN = 4096;
    private final DeviceSize deviceSize;

    /** Reads a device's size in bytes (from the inventory in production). */
    @FunctionalInterface
    public interface DeviceSize {
        long of(String device);
    }

    public ShrinkFilesystemStep(DeviceSize deviceSize) {
        this.deviceSize = deviceSize;
    }

    @Override
    public String name() {
        return JournalSteps.FILESYSTEM_SHRUNK;
    }

    @Override
    public boolean reversible() {
        return true;
    }

    @Override
    public void run(OperationContext ctx) {
        long target = targetSize(deviceSize.of(ctx.device()));
        long current = ctx.ports().filesystem().sizeBytes(ctx.device());
        ctx.put(OperationContext.FS_SIZE_BEFORE, ctx.getOr(OperationContext.FS_SIZE_BEFORE, String.valueOf(current)));
        if (current > target) {
            ctx.ports().filesystem().shrink(ctx.device(), target);
        }
        ctx.put(OperationContext.FS_SIZE_AFTER, String.valueOf(Math.min(current, target)));
    }

    public static long targetSize(long deviceBytes) {
        return ((deviceBytes - Planner.HEADER_ROOM_BYTES) / ALIGN) * ALIGN;
    }
}
