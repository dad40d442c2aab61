package dev.vblk.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vblk completion}: prints the bash (and zsh) completion script picocli generates. */
@Command(name = "completion",
        description = "Print a bash/zsh completion script for vblk.",
        footer = {
            "",
            "Examples:",
            "  source <(./vblk completion)                 # this shell",
            "  ./vblk completion > /etc/bash_completion.d/vblk"})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("vblk", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
