package dev.guestcrypt.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code guestcrypt}: the top command; everything happens in its subcommands. */
@Command(name = "guestcrypt", mixinStandardHelpOptions = true, version = "guestcrypt 0.1.0",
        description = {"Encrypts the data volumes of this Linux VM with LUKS2, online, with the keys in Azure Key Vault.",
                "Run as root. Exit codes are listed in docs/cli.md."},
        subcommands = {PlanCommand.class, EncryptCommand.class, StatusCommand.class, UnlockCommand.class, DaemonCommand.class,
                CommandLine.HelpCommand.class})
public final class GuestcryptCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the CLI and returns the exit code; the entry class calls System.exit with it. */
    public static int execute(CliContext context, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new GuestcryptCommand(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == PlanCommand.class || cls == EncryptCommand.class || cls == StatusCommand.class
                        || cls == UnlockCommand.class || cls == DaemonCommand.class) {
                    return cls.getDeclaredConstructor(CliContext.class).newInstance(context);
                }
                return CommandLine.defaultFactory().create(cls);
            }
        });
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> ExitCodes.report(e, commandLine.getErr()));
        cli.setParameterExceptionHandler((e, args1) -> {
            e.getCommandLine().getErr().println("error: " + e.getMessage());
            e.getCommandLine().getErr().println("fix: see 'guestcrypt " + e.getCommandLine().getCommandName() + " --help'");
            return ExitCodes.USAGE;
        });
        return cli.execute(args);
    }
}
