package dev.vblk.cli;

import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceMetadata;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vblk export --qtest}: a QEMU recording as a qtest script QEMU runs by itself. */
@Command(name = "export",
        sortOptions = false,
        description = {
            "Write a trace recorded on QEMU as a qtest script: QEMU started with the recorded machine's",
            "arguments and '-qtest stdio < SCRIPT' repeats the driver's register and memory writes and",
            "answers each read with what is there now. qtest checks nothing itself: compare its replies",
            "(one per line, 'OK' and the value) with the values 'vblk inspect' shows for the trace."},
        footer = {
            "",
            "Examples:",
            "  vblk export --qtest traces/known-sectors.trace.avro -o known.qtest --image disk.img",
            "  qemu-system-aarch64 <the printed arguments> -qtest stdio < known.qtest > replies.txt",
            "",
            "The recorded images are named in the trace's metadata; --image names the file to use for",
            "each drive, in order. A blkdebug drive gets its rules written next to the script."})
final class ExportCommand implements Callable<Integer> {

    @Option(names = "--qtest", required = true, description = "Export as a QEMU qtest script (the only format).")
    boolean qtest;

    @Parameters(paramLabel = "TRACE", description = "A trace recorded on QEMU.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the script here (default: standard output).")
    Path output;

    @Option(names = "--image", paramLabel = "PATH", description = "The image for each recorded drive, in drive order.")
    List<Path> images = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Trace trace = Inputs.trace(file, false);
        TraceMetadata metadata = trace.metadata();
        if (!"qemu".equals(metadata.platform().get("kind")) || !metadata.platform().containsKey("qemu.command")) {
            throw new UnusableTraceException(file + " was recorded on the " + metadata.platform().getOrDefault("kind", "unknown")
                    + " platform, not QEMU: there is no machine for a qtest script to run on");
        }
        if (images.size() > metadata.diskImages().size()) {
            throw new BadInputException(images.size() + " --image options for the " + metadata.diskImages().size()
                    + " drive(s) of the trace");
        }
        for (Path image : images) {
            Inputs.existingFile(image, "disk image");
        }
        List<QtestScript.Line> lines = QtestScript.of(trace.events());
        QemuCommandLine command = QemuCommandLine.forScript(metadata, images,
                output == null ? null : Inputs.outputFile(output).toAbsolutePath().getParent(),
                output == null ? "" : output.getFileName().toString());
        PrintWriter out = spec.commandLine().getOut();
        if (output == null) {
            lines.forEach(line -> out.println(line.command()));
            out.flush();
            spec.commandLine().getErr().println("run with: " + command.render() + " < SCRIPT");
        } else {
            try (Writer writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                for (QtestScript.Line line : lines) {
                    writer.write(line.command());
                    writer.write('\n');
                }
            } catch (IOException e) {
                throw new BadInputException("cannot write " + output + ": " + e.getMessage(), e);
            }
            out.printf("wrote %s: %d qtest commands from %d events%n", output, lines.size(), trace.events().size());
            command.notes().forEach(note -> out.println("note: " + note));
            out.println("run it with:");
            out.println("  " + command.render() + " < " + output);
        }
        return ExitCodes.OK;
    }
}
