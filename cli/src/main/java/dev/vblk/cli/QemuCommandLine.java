package dev.vblk.cli;

import dev.vblk.trace.TraceMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The QEMU command line of a recording, fit to run a qtest script: the recorded arguments without the
 * QMP socket, with {@code -qtest stdio}, the images a person names instead of the recorded ones, and
 * blkdebug rules written to a file again.
 *
 * @param arguments the program and its arguments
 * @param notes what a person must know before running it (images not replaced, and so on)
 */
record QemuCommandLine(List<String> arguments, List<String> notes) {

    /**
     * The command line for a trace's machine.
     *
     * @param images replacement images, in drive order (fewer than the drives leaves the rest as recorded)
     * @param script the script file, next to which blkdebug rule files are written
     *     ({@code SCRIPT.blkdebug-N.conf}), or null to leave their recorded paths
     * @param outputs the command's outputs, which checks each rule file before it is written
     */
    static QemuCommandLine forScript(TraceMetadata metadata, List<Path> images, Path script, Outputs outputs) {
        Map<String, String> platform = metadata.platform();
        List<String> recorded = List.of(platform.get("qemu.command").split(" "));
        List<String> arguments = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < recorded.size(); i++) {
            String argument = recorded.get(i);
            if (argument.equals("-qmp") || argument.equals("-qtest") || argument.equals("-qtest-log")) {
                i++;
                continue;
            }
            arguments.add(argument);
        }
        arguments.addAll(List.of("-qtest", "stdio", "-qtest-log", "none"));
        for (int drive = 0; drive < metadata.diskImages().size(); drive++) {
            String name = platform.getOrDefault("drive." + drive + ".image", metadata.diskImages().get(drive).name());
            if (drive < images.size()) {
                replacePath(arguments, name, images.get(drive).toAbsolutePath().toString());
            } else {
                notes.add("drive " + drive + " uses the recorded image path; pass --image with a copy of " + name
                        + " (sha256 " + metadata.diskImages().get(drive).sha256() + ")");
            }
            String rules = platform.get("drive." + drive + ".blkdebug");
            if (rules != null && script != null) {
                Path config = outputs.file(script.resolveSibling(script.getFileName() + ".blkdebug-" + drive + ".conf"),
                        "blkdebug rules");
                writeRules(config, rules);
                replacePath(arguments, "blkdebug-" + drive + ".conf", config.toAbsolutePath().toString());
            }
        }
        return new QemuCommandLine(List.copyOf(arguments), List.copyOf(notes));
    }

    /** The command line as one shell line (arguments hold no spaces: QEMU's recorded line is split on them). */
    String render() {
        return String.join(" ", arguments);
    }

    /** Replaces every path ending in {@code /fileName} inside an argument's {@code key=path} items. */
    private static void replacePath(List<String> arguments, String fileName, String replacement) {
        for (int i = 0; i < arguments.size(); i++) {
            String[] items = arguments.get(i).split(",");
            boolean changed = false;
            for (int j = 0; j < items.length; j++) {
                int equals = items[j].indexOf('=');
                if (equals > 0 && (items[j].endsWith("/" + fileName) || items[j].substring(equals + 1).equals(fileName))) {
                    items[j] = items[j].substring(0, equals + 1) + replacement;
                    changed = true;
                }
            }
            if (changed) {
                arguments.set(i, String.join(",", items));
            }
        }
    }

    /** Writes rules described as {@code read_aio errno=5 sector=9 once=false; ...} as a blkdebug file. */
    private static void writeRules(Path config, String description) {
        StringBuilder text = new StringBuilder();
        for (String rule : description.split(";")) {
            String[] words = rule.strip().split(" ");
            text.append("[inject-error]\nevent = \"").append(words[0]).append("\"\n");
            for (int k = 1; k < words.length; k++) {
                String[] pair = words[k].split("=", 2);
                String value = pair[0].equals("once") ? (pair[1].equals("true") ? "on" : "off") : pair[1];
                text.append(pair[0]).append(" = \"").append(value).append("\"\n");
            }
        }
        try {
            Files.writeString(config, text);
        } catch (IOException e) {
            throw new BadInputException("cannot write blkdebug rules " + config + ": " + e.getMessage(), e);
        }
    }
}
