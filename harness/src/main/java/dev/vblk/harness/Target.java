package dev.vblk.harness;

import dev.vblk.trace.TraceMetadata;
import java.util.List;

/** What a run drives: QEMU's real virtio-blk device or the software fake, with its disks. */
public sealed interface Target permits QemuTarget, AttachedTarget, FakeTarget {

    /**
     * Each disk's name, size and SHA-256 as it is now; a run calls this before it starts the target.
     *
     * @throws HarnessException if a disk cannot be read
     */
    List<TraceMetadata.DiskImage> diskImages();

    /**
     * Starts the machine.
     *
     * @throws HarnessException if it cannot be started
     */
    StartedTarget start();
}
