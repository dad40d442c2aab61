package dev.vblk.cli;

import dev.vblk.harness.AsyncReadSink;
import dev.vblk.harness.OutputFileException;
import dev.vblk.harness.ReadSink;
import dev.vblk.harness.RunSummary;
import dev.vblk.harness.Target;
import dev.vblk.session.BoardParameters;
import dev.vblk.workload.Workload;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vblk cat}: sectors read through the driver, to standard output or a file. */
@Command(name = "cat",
        sortOptions = false,
        description = {
            "Read sectors through the driver from QEMU's real virtio-blk device (or the fake device) and",
            "write them to standard output or a file, in order. The reads are a workload's step ('stream",
            "read S N save=FILE': calls of 1 MiB, 8 of them in flight), recorded into a trace with -o. What",
            "the command says goes to standard error when the data goes to standard output."},
        footer = {
            "",
            "Examples:",
            "  vblk cat disk.img --sector 0 --count 8 | hexdump -C",
            "  vblk cat disk.img --sector 17 --count 10240 --to data.bin -o cat.trace.avro",
            "  vblk cat --fake --sector 0 --count 1 --to sector0.bin",
            "",
            "Exit status 0 when every sector was read, 1 when a read failed (the output then lacks it), 2 when",
            "the sectors pass the end of the device (nothing is read)."})
final class CatCommand implements Callable<Integer> {

    @Mixin
    MachineOptions machine;

    @Mixin
    TransferOptions transfer;

    @Option(names = "--count", paramLabel = "N", required = true, description = "How many sectors to read.")
    long count;

    @Option(names = "--to", paramLabel = "FILE", description = "The file to write (default: standard output).")
    Path to;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        transfer.check();
        if (count < 1) {
            throw new BadInputException("--count must be at least 1, not " + count);
        }
        BoardParameters board = machine.board(BoardParameters.QEMU_VIRT_DEFAULTS.options());
        Target target = machine.target(List.of(), true, board.options());
        Outputs outputs = Outputs.against(machine.inputFiles());
        String file = to == null ? null : TransferOptions.workloadPath(outputs.file(to, "output"));
        transfer.checkTrace(outputs);
        Workload workload = transfer.workload("cat", "read", count, file == null ? "" : " save=" + file, "");
        PrintStream stdout = System.out;
        RunSummary summary;
        try (AsyncReadSink reads = new AsyncReadSink(to != null ? ReadSink.SAVE_FILES : (step, first, data) -> {
            stdout.write(data, 0, data.length);
            if (stdout.checkError()) {
                throw new OutputFileException("cannot write to standard output", new IOException("write failed"));
            }
        })) {
            summary = transfer.run(board, target, workload, reads);
        }
        stdout.flush();
        PrintWriter report = to == null ? spec.commandLine().getErr() : spec.commandLine().getOut();
        return transfer.report(report, "read", summary);
    }
}
