package dev.vblk.trace;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Maps {@link TraceMetadata} to and from flat Avro file metadata entries ({@code vblk.*} keys with
 * UTF-8 values), and computes the header checksum that protects them.
 */
final class MetadataCodec {

    static final String FORMAT_VERSION = "vblk.format.version";
    static final String PROJECT_VERSION = "vblk.project.version";
    static final String CREATED = "vblk.created";
    static final String WORKLOAD = "vblk.workload";
    static final String SEED = "vblk.seed";
    static final String PLATFORM_PREFIX = "vblk.platform.";
    static final String BOARD_PREFIX = "vblk.board.";
    static final String DISK_COUNT = "vblk.disk.count";
    static final String DISK_PREFIX = "vblk.disk.";
    static final String HEADER_CRC = "vblk.header.crc32c";

    /** Every entry of a trace's own starts with this. */
    static final String KEY_PREFIX = "vblk.";

    private static final String AVRO_PREFIX = "avro.";

    private MetadataCodec() {}

    /** The {@code vblk.*} entries describing {@code metadata} (without the header checksum). */
    static SortedMap<String, String> encode(TraceMetadata metadata) {
        SortedMap<String, String> meta = new TreeMap<>();
        meta.put(FORMAT_VERSION, Integer.toString(metadata.formatVersion()));
        meta.put(PROJECT_VERSION, metadata.projectVersion());
        meta.put(CREATED, metadata.created().toString());
        meta.put(WORKLOAD, metadata.workload());
        metadata.seed().ifPresent(seed -> meta.put(SEED, Long.toString(seed)));
        metadata.platform().forEach((key, value) -> meta.put(PLATFORM_PREFIX + key, value));
        metadata.board().forEach((key, value) -> meta.put(BOARD_PREFIX + key, value));
        List<TraceMetadata.DiskImage> disks = metadata.diskImages();
        meta.put(DISK_COUNT, Integer.toString(disks.size()));
        for (int i = 0; i < disks.size(); i++) {
            TraceMetadata.DiskImage disk = disks.get(i);
            meta.put(DISK_PREFIX + i + ".name", disk.name());
            meta.put(DISK_PREFIX + i + ".size", Long.toString(disk.sizeBytes()));
            meta.put(DISK_PREFIX + i + ".sha256", disk.sha256());
        }
        return meta;
    }

    /**
     * The header checksum: CRC32C over every {@code avro.*} and {@code vblk.*} entry except the
     * checksum itself, in key order, each as UTF-8 key, a zero byte, the 4-byte big-endian value
     * length and the value. Rendered as 8 lower-case hex digits.
     */
    static String headerChecksum(Map<String, byte[]> meta) {
        CRC32C crc = new CRC32C();
        new TreeMap<>(meta).forEach((key, value) -> {
            if ((key.startsWith(AVRO_PREFIX) || key.startsWith(KEY_PREFIX)) && !key.equals(HEADER_CRC)) {
                crc.update(key.getBytes(StandardCharsets.UTF_8));
                crc.update(0);
                crc.update(ByteBuffer.allocate(4).putInt(value.length).array());
                crc.update(value);
            }
        });
        // Read with every header: formatted without a Formatter.
        String hex = Long.toHexString(crc.getValue());
        return "0".repeat(8 - hex.length()) + hex;
    }

    /** Parses the metadata of a header whose checksum and format version were already checked. */
    static TraceMetadata decode(Map<String, String> meta) {
        int version = Integer.parseInt(required(meta, FORMAT_VERSION));
        SortedMap<String, String> platform = withPrefix(meta, PLATFORM_PREFIX);
        SortedMap<String, String> board = withPrefix(meta, BOARD_PREFIX);
        int diskCount = Integer.parseInt(required(meta, DISK_COUNT));
        if (diskCount < 0 || diskCount > meta.size()) {
            throw new IllegalArgumentException("impossible disk count " + diskCount);
        }
        List<TraceMetadata.DiskImage> disks = new ArrayList<>(diskCount);
        for (int i = 0; i < diskCount; i++) {
            disks.add(new TraceMetadata.DiskImage(
                    required(meta, DISK_PREFIX + i + ".name"),
                    Long.parseLong(required(meta, DISK_PREFIX + i + ".size")),
                    required(meta, DISK_PREFIX + i + ".sha256")));
        }
        String seed = meta.get(SEED);
        Instant created;
        try {
            created = Instant.parse(required(meta, CREATED));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("creation time is not ISO-8601: " + meta.get(CREATED), e);
        }
        return new TraceMetadata(
                version,
                required(meta, PROJECT_VERSION),
                created,
                platform,
                disks,
                required(meta, WORKLOAD),
                seed == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(seed)),
                board);
    }

    private static String required(Map<String, String> meta, String key) {
        String value = meta.get(key);
        if (value == null) {
            throw new IllegalArgumentException("metadata entry " + key + " is missing");
        }
        return value;
    }

    private static SortedMap<String, String> withPrefix(Map<String, String> meta, String prefix) {
        SortedMap<String, String> result = new TreeMap<>();
        meta.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                result.put(key.substring(prefix.length()), value);
            }
        });
        return result;
    }
}
