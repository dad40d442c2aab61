package dev.vblk.cli;

import dev.vblk.block.BlockDevice;
import dev.vblk.harness.ReadSink;
import dev.vblk.harness.Target;
import dev.vblk.session.BoardParameters;
import dev.vblk.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vblk put}: a file's bytes written to sectors through the driver, then flushed. */
@Command(name = "put",
        sortOptions = false,
        description = {
            "Write a file's bytes to sectors through the driver on QEMU's real virtio-blk device (or the fake",
            "device), then flush. The file must be a whole number of 512-byte sectors, and not the image",
            "written. The writes are a workload's step ('stream write S N file=FILE': calls of 1 MiB, 8 of",
            "them in flight, then 'flush'), recorded into a trace with -o."},
        footer = {
            "",
            "Examples:",
            "  vblk put disk.img --sector 17 --from data.bin",
            "  vblk put disk.img --sector 17 --from data.bin -o put.trace.avro",
            "",
            "Exit status 0 when every write and the flush succeeded, 1 when one failed, 2 when the sectors",
            "pass the end of the device (nothing is written)."})
final class PutCommand implements Callable<Integer> {

    @Mixin
    MachineOptions machine;

    @Mixin
    TransferOptions transfer;

    @Option(names = "--from", paramLabel = "FILE", required = true, description = "The file whose bytes are written.")
    Path from;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        transfer.check();
        Inputs.existingFile(from, "data file");
        long size;
        try {
            size = Files.size(from);
        } catch (IOException e) {
            throw new BadInputException("cannot read the size of " + from + ": " + e.getMessage(), e);
        }
        if (size == 0 || size % BlockDevice.SECTOR_SIZE != 0) {
            throw new BadInputException("data file " + from + " is " + size + " bytes, not a whole number of "
                    + BlockDevice.SECTOR_SIZE + "-byte sectors" + (size == 0 ? "" : "; pad it to "
                    + (size / BlockDevice.SECTOR_SIZE + 1) * BlockDevice.SECTOR_SIZE + " bytes (truncate -s)"));
        }
        Outputs.notWrittenInPlace(from, "data file", machine.diskImages());
        BoardParameters board = machine.board(BoardParameters.QEMU_VIRT_DEFAULTS.options());
        Target target = machine.target(List.of(), true, board.options());
        List<Path> inputs = new ArrayList<>(machine.inputFiles());
        inputs.add(from);
        Outputs outputs = Outputs.against(inputs);
        transfer.checkTrace(outputs);
        Workload workload = transfer.workload("put", "write", size / BlockDevice.SECTOR_SIZE,
                " file=" + TransferOptions.workloadPath(from), "flush\n");
        return transfer.report(spec.commandLine().getOut(), "wrote", transfer.run(board, target, workload, ReadSink.SAVE_FILES));
    }
}
