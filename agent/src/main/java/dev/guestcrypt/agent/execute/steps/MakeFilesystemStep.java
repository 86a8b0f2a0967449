package dev.guestcrypt.agent.execute.steps;

import dev.guestcrypt.agent.error.AgentException;
import dev.guestcrypt.agent.execute.ExecuteError;
import dev.guestcrypt.agent.execute.OperationContext;
import dev.guestcrypt.agent.execute.Step;
import dev.guestcrypt.agent.journal.JournalSteps;

/**
 * Makes the new, empty file system on the open mapping. Only when the mapping holds none: after a
 * crash between mkfs and its journal record the boot may have mounted the new file system and
 * programs may have written to it, so an existing file system is never made again.
 */
public final class MakeFilesystemStep implements Step {
    @Override
    public String name() {
        return JournalSteps.FILESYSTEM_CREATED;
    }

    @Override
    public boolean reversible() {
        return false;
    }

    @Override
    public void run(OperationContext ctx) {
        String mapping = ctx.mapperPath();
        String wanted = ctx.get(OperationContext.FS_TYPE);
        String found = ctx.ports().filesystem().typeOn(mapping);
        if (found.isEmpty()) {
            ctx.ports().filesystem().make(mapping, wanted, ctx.getOr(OperationContext.LABEL, ""));
        } else if (!found.equals(wanted)) {
            throw new AgentException(ExecuteError.UNEXPECTED_FILESYSTEM, mapping + " already holds a " + found
                    + " file system where the agent makes " + wanted + "; it is not overwritten",
                    "check what is on " + mapping + "; wipe it by hand (wipefs -a " + mapping + ") if it may go, and the agent continues");
        }
    }
}
