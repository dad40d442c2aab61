package dev.vblk.cli;

import dev.vblk.replay.TraceEventFormatter;
import dev.vblk.trace.TraceFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vblk extract}: the bytes a trace's read operations returned, written to files. */
@Command(name = "extract",
        sortOptions = false,
        description = {
            "Write the bytes every successful read operation of a trace returned, rebuilt from the guest",
            "memory the driver read, to files: one per operation in a folder (op-NNNNNN.bin, by operation",
            "id, so that a shell glob lists them in trace order), or one operation's to a file. Each file is",
            "checked against the SHA-256 digest the trace recorded for the operation. No QEMU is needed."},
        footer = {
            "",
            "Examples:",
            "  vblk extract traces/known-sectors.trace.avro -o reads/",
            "  vblk extract traces/known-sectors.trace.avro --operation 8 -o sector-17.bin",
            "",
            "Exit status 0 when every file matches its digest, 1 when one does not (the trace lacks some of",
            "the data, or it is not what the driver returned), 3 for a bad trace."})
final class ExtractCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TRACE", description = "The trace file.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR|FILE", required = true,
            description = "The folder the files go to (created if missing, in an existing folder), or with "
                    + "--operation the file.")
    Path output;

    @Option(names = "--operation", paramLabel = "ID",
            description = "Only this read operation (its id, as 'vblk inspect' shows it).")
    Long operation;

    @Option(names = "--valid-prefix", description = "Read a trace cut short up to its last intact checkpoint.")
    boolean validPrefix;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (operation != null && operation < 1) {
            throw new BadInputException("--operation is an operation id (1 or more), not " + operation);
        }
        TraceFile trace = Inputs.trace(file, validPrefix);
        Outputs outputs = Outputs.against(List.of(file));
        PrintWriter out = spec.commandLine().getOut();
        List<ReadData.Extracted> extracted;
        if (operation != null) {
            Path target = outputs.file(output, "data file");
            extracted = new ReadData(id -> id == operation ? Optional.of(target) : Optional.empty()).extract(trace);
            if (extracted.isEmpty()) {
                throw new BadInputException("trace " + file + " has no successful read operation " + operation
                        + "; 'vblk inspect --summary " + file + "' lists its operations");
            }
        } else {
            Path folder = outputs.folder(output, "data folder", true);
            extracted = new ReadData(id -> Optional.of(outputs.file(folder.resolve(String.format("op-%06d.bin", id)),
                    "data file"))).extract(trace);
        }
        int mismatched = 0;
        for (ReadData.Extracted read : extracted) {
            out.printf("%s  %s, %s, %s%n", read.file(), TraceEventFormatter.operation(read.begin()), Sizes.bytes(read.bytes()),
                    read.matches() ? "sha256 matches the trace" : "DOES NOT MATCH the recorded sha256");
            mismatched += read.matches() ? 0 : 1;
        }
        out.printf("%d read operation(s) extracted, %d not matching their digest%n", extracted.size(), mismatched);
        return mismatched == 0 ? ExitCodes.OK : ExitCodes.FOUND_PROBLEMS;
    }
}
