package dev.vblk.cli;

import dev.vblk.trace.TraceFile;
import dev.vblk.trace.TraceMetadata;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vblk export --qtest}: a QEMU recording as a qtest script QEMU runs by itself. */
@Command(name = "export",
        sortOptions = false,
        description = {
            "Write a trace recorded on QEMU as a qtest script: QEMU started with the recorded machine's",
            "arguments and '-qtest stdio' repeats the driver's register and memory writes and answers each",
            "read with what is there now. qtest checks nothing itself: compare its replies (one per line,",
            "'OK' and the value) with the values 'vblk inspect' shows for the trace.",
            "",
            "Feed the script one line per reply, as the printed command does: QEMU reads a redirected file",
            "faster than its I/O thread completes requests, and the reads after a request then come too",
            "early. The polls of the used ring's index differ from the trace's in any case: how many found",
            "the request still in flight depended on timing."},
        footer = {
            "",
            "Examples:",
            "  vblk export --qtest traces/known-sectors.trace.avro -o known.qtest --image disk.img",
            "  (then run the printed command; the replies go to known.qtest.replies)",
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

    @Option(names = "--settle", paramLabel = "N", defaultValue = "" + QtestScript.DEFAULT_SETTLE,
            description = "Extra reads of the used ring after each QueueNotify, giving QEMU time to complete the "
                    + "request before the driver's recorded polls (default: ${DEFAULT-VALUE}).")
    int settle;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<Path> inputs = new ArrayList<>(images);
        inputs.add(file);
        Outputs outputs = Outputs.against(inputs);
        if (output != null) {
            outputs.file(output, "qtest script");
        }
        TraceFile trace = Inputs.trace(file, false);
        TraceFile.Summary summary = trace.forEach(event -> { });
        TraceMetadata metadata = summary.metadata();
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
        if (settle < 0) {
            throw new BadInputException("--settle must not be negative, not " + settle);
        }
        QemuCommandLine command = QemuCommandLine.forScript(metadata, images, output, outputs);
        PrintWriter out = spec.commandLine().getOut();
        if (output == null) {
            write(trace, metadata, line -> out.println(line.command()));
            out.flush();
            spec.commandLine().getErr().println("machine: " + command.render());
        } else {
            long[] counts = new long[2];
            try (Writer writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                write(trace, metadata, line -> {
                    try {
                        writer.write(line.command());
                        writer.write('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    counts[0]++;
                    counts[1] += line.settle() ? 1 : 0;
                });
            } catch (IOException | UncheckedIOException e) {
                IOException cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e;
                throw new BadInputException("cannot write " + output + ": " + cause.getMessage(), e);
            }
            out.printf("wrote %s: %d qtest commands (%d of them settle reads) from %d events%n", output, counts[0],
                    counts[1], summary.events());
            command.notes().forEach(note -> out.println("note: " + note));
            out.println("machine: " + command.render());
            out.println("run it, one line per reply, with:");
            out.println("  coproc QEMU { exec " + command.render() + "; }; while IFS= read -r line; do echo \"$line\" >&\"${QEMU[1]}\"; "
                    + "IFS= read -r reply <&\"${QEMU[0]}\"; echo \"$reply\"; done < " + output + " > " + output
                    + ".replies; kill \"$QEMU_PID\"");
        }
        return ExitCodes.OK;
    }

    /** Streams the trace's script to {@code sink}, line by line. */
    private void write(TraceFile trace, TraceMetadata metadata, Consumer<QtestScript.Line> sink) {
        QtestScript script = new QtestScript(InspectCommand.window(metadata), settle, sink);
        trace.forEach(script::accept);
        script.finish();
    }
}
