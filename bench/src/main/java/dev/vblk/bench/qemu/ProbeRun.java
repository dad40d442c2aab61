package dev.vblk.bench.qemu;

import dev.vblk.qemu.QemuException;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.RawVirtioBlk;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;

/**
 * Timed runs of the upper limit: {@link RawVirtioBlk}'s hand-written requests on a machine's first
 * drive, one at a time, each one notify over qtest and a poll of the used index in guest memory,
 * with the data copied in or out as the driver does, and no other driver logic.
 */
final class ProbeRun {

    private static final long REQUEST_TIMEOUT = TimeUnit.SECONDS.toNanos(5);

    private final QemuMachine machine;
    private final long imageSectors;

    ProbeRun(QemuMachine machine, long imageSectors) {
        this.machine = machine;
        this.imageSectors = imageSectors;
    }

    /** Runs {@code pattern} for about {@code budgetNanos}. */
    Measurement run(AccessPattern pattern, long budgetNanos) {
        int bytes = pattern.callBytes();
        LongUnaryOperator positions = pattern.positions(imageSectors);
        byte[] data = pattern.payload();
        try (RawVirtioBlk device = new RawVirtioBlk(machine.platform(), machine.drive(0).transportAddress(), bytes)) {
            return Measurement.timed(budgetNanos, call -> {
                long sector = positions.applyAsLong(call);
                if (pattern.write()) {
                    device.postWrite(sector, data);
                } else {
                    device.postRead(sector, bytes);
                }
                device.awaitUsed(REQUEST_TIMEOUT);
                int status = device.complete(pattern.write() ? 0 : bytes).status();
                if (status != 0) {
                    throw new QemuException("the probe's request at sector " + sector + " ended with status " + status);
                }
            });
        }
    }
}
