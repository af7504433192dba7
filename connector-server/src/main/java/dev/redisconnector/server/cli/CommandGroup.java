package dev.redisconnector.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ParentCommand;

/** A command that only groups subcommands ({@code service}, {@code credentials}, {@code session}): prints its usage. */
abstract class CommandGroup implements Callable<Integer> {

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }

    /** Base of the group's subcommands: they reach the root options through the group. */
    abstract static class Member extends AdminCommand {
        @Override
        Main root() {
            return ((CommandGroup) parent).main;
        }
    }
}
