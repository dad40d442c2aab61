package dev.vblk.workload;

import dev.vblk.block.BlockDevice;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** Where the data of a workload's {@code write} step comes from. */
public sealed interface WriteData {

    /** The bytes written to {@code count} sectors from {@code sector}. */
    byte[] bytes(long sector, int count);

    /** The step's data argument as the workload language writes it. */
    String toText();

    /** {@code pattern=NAME}: a {@link NamedPattern}, which depends on the sector numbers. */
    record Pattern(NamedPattern pattern) implements WriteData {
        public Pattern {
            Objects.requireNonNull(pattern, "pattern");
        }

        @Override
        public byte[] bytes(long sector, int count) {
            return pattern.sectors(sector, count);
        }

        @Override
        public String toText() {
            return "pattern=" + pattern.workloadName();
        }
    }

    /** {@code byte=0xNN}: every byte the same. */
    record Fill(byte value) implements WriteData {
        @Override
        public byte[] bytes(long sector, int count) {
            byte[] bytes = new byte[count * BlockDevice.SECTOR_SIZE];
            Arrays.fill(bytes, value);
            return bytes;
        }

        @Override
        public String toText() {
            return "byte=0x" + HexFormat.of().toHexDigits(value);
        }
    }

    /**
     * {@code file=PATH [from=OFFSET]}: bytes of a file from an offset, read when the workload was parsed.
     *
     * @param path the file, as resolved against the workload's directory
     * @param offset where in the file the bytes start
     * @param contents exactly the bytes written (whole sectors)
     */
    record FileData(Path path, long offset, byte[] contents) implements WriteData {
        public FileData {
            Objects.requireNonNull(path, "path");
            if (offset < 0) {
                throw new IllegalArgumentException("a file offset is not negative: " + offset);
            }
            contents = contents.clone();
        }

        @Override
        public byte[] contents() {
            return contents.clone();
        }

        @Override
        public byte[] bytes(long sector, int count) {
            if (count * BlockDevice.SECTOR_SIZE != contents.length) {
                throw new IllegalArgumentException("file data holds " + contents.length / BlockDevice.SECTOR_SIZE
                        + " sectors, not " + count);
            }
            return contents.clone();
        }

        @Override
        public String toText() {
            return "file=" + path + (offset == 0 ? "" : " from=" + offset);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof FileData that && path.equals(that.path) && offset == that.offset
                    && Arrays.equals(contents, that.contents);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * path.hashCode() + Long.hashCode(offset)) + Arrays.hashCode(contents);
        }

        @Override
        public String toString() {
            return "FileData[path=" + path + ", from " + offset + ", " + contents.length + " bytes]";
        }
    }
}
