package dev.vblk.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The list of commands in {@code vblk --help} (and {@code vblk fuzz --help}): each command with the
 * first sentence of its description, whole and wrapped, rather than the description's first line,
 * which stops mid-sentence.
 */
final class CommandSummaries implements CommandLine.IHelpSectionRenderer {

    /** Gives {@code commandLine} and every command under it this list of commands. */
    static void install(CommandLine commandLine) {
        commandLine.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, new CommandSummaries());
        commandLine.getSubcommands().values().forEach(CommandSummaries::install);
    }

    @Override
    public String render(Help help) {
        Map<String, Help> commands = help.subcommands();
        if (commands.isEmpty()) {
            return "";
        }
        int nameWidth = commands.keySet().stream().mapToInt(String::length).max().orElse(0) + 4;
        int width = help.commandSpec().usageMessage().width();
        Help.TextTable table = Help.TextTable.forColumns(help.colorScheme(),
                new Column(nameWidth, 2, Column.Overflow.SPAN), new Column(width - nameWidth, 0, Column.Overflow.WRAP));
        commands.forEach((name, command) -> table.addRowValues(name, summary(command.commandSpec().usageMessage())));
        return table.toString();
    }

    /** The command's header if it has one, else the first sentence of its description. */
    static String summary(UsageMessageSpec usage) {
        String[] lines = usage.header().length > 0 ? usage.header() : usage.description();
        String text = String.join(" ", lines).strip();
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }
}
