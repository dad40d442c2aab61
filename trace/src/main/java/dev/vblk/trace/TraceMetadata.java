package dev.vblk.trace;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a trace says about itself: the format and project versions, when and on what it was
 * recorded, the disk images, the workload and the board parameters needed to replay discovery.
 *
 * <p>Stored as Avro file metadata under the keys listed in {@code docs/trace-format.md}; available
 * from {@link TraceReader#metadata()} before any event is read.
 *
 * @param formatVersion the trace format version the file was written in
 * @param projectVersion the version of vblk that wrote it
 * @param created when recording started, as the recorder read it from the wall clock (UTC)
 * @param platform the platform recorded on, such as {@code kind=qemu}, {@code qemu.version},
 *     {@code qemu.command}, or {@code kind=fake} with the fake device's configuration
 * @param diskImages the disk images attached, in the order they were attached
 * @param workload a human-readable description of what was run
 * @param seed the seed of a generated workload, if it had one
 * @param board board parameters needed to replay discovery, such as {@code mmio.base},
 *     {@code mmio.stride}, {@code mmio.count}, {@code irq.base}
 */
public record TraceMetadata(
        int formatVersion,
        String projectVersion,
        Instant created,
        SortedMap<String, String> platform,
        List<DiskImage> diskImages,
        String workload,
        OptionalLong seed,
        SortedMap<String, String> board) {

    public TraceMetadata {
        Objects.requireNonNull(projectVersion, "projectVersion");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(seed, "seed");
        platform = Collections.unmodifiableSortedMap(new TreeMap<>(platform));
        board = Collections.unmodifiableSortedMap(new TreeMap<>(board));
        diskImages = List.copyOf(diskImages);
    }

    /** Metadata in the current format version, written by this version of vblk. */
    public static TraceMetadata of(
            Instant created,
            Map<String, String> platform,
            List<DiskImage> diskImages,
            String workload,
            OptionalLong seed,
            Map<String, String> board) {
        return new TraceMetadata(
                TraceFormat.FORMAT_VERSION,
                TraceFormat.projectVersion(),
                created,
                new TreeMap<>(platform),
                diskImages,
                workload,
                seed,
                new TreeMap<>(board));
    }

    /**
     * One disk image attached while recording.
     *
     * @param name the image's file name or drive id
     * @param sizeBytes its size in bytes
     * @param sha256 the SHA-256 of its contents before recording, 64 lower-case hex digits
     */
    public record DiskImage(String name, long sizeBytes, String sha256) {
        private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

        public DiskImage {
            Objects.requireNonNull(name, "name");
            if (sizeBytes < 0) {
                throw new IllegalArgumentException("negative disk image size " + sizeBytes);
            }
            if (!SHA256_HEX.matcher(sha256).matches()) {
                throw new IllegalArgumentException("not a lower-case hex SHA-256: " + sha256);
            }
        }
    }
}
