package dev.vblk.workload;

import dev.vblk.block.BlockDevice;
import dev.vblk.virtio.blk.DriverOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Parses the workload language: one step a line, the block-level calls a recording run makes on the
 * block devices its scan finds.
 *
 * <pre>
 * workload = { line } ;
 * line     = [ step ] [ "#" comment ] ;           (blank lines and comments are ignored)
 * step     = "read" SECTOR COUNT [ "save=" PATH ]  read COUNT sectors from SECTOR [and save them]
 *          | "write" SECTOR COUNT DATA            write COUNT sectors from SECTOR
 *          | "flush"                              make completed writes durable
 *          | "discard" SECTOR COUNT               discard COUNT sectors from SECTOR
 *          | "write-zeroes" SECTOR COUNT          zero COUNT sectors from SECTOR
 *          | "secure-erase" SECTOR COUNT          securely erase COUNT sectors from SECTOR
 *          | "get-id"                             read the device's identification string
 *          | "get-lifetime"                       read the device's wear report
 *          | "zone-report" SECTOR COUNT           report at most COUNT zones from the one holding SECTOR
 *          | "zone-open" SECTOR                   open the zone starting at SECTOR explicitly
 *          | "zone-close" SECTOR                  close it
 *          | "zone-finish" SECTOR                 make it full
 *          | "zone-reset" SECTOR                  reset its write pointer
 *          | "zone-reset-all"                     reset every sequential zone
 *          | "zone-append" SECTOR COUNT DATA      append COUNT sectors to the zone starting at SECTOR
 *          | "reset"                              reset and re-initialise the device
 *          | "queue-reset"                        reset the selected request queue by itself
 *          | "device" N                           later steps go to the N-th block device (from 0)
 *          | "submit" CALL                        submit a read, write, flush, discard, write-zeroes,
 *                                                 secure-erase, get-id or get-lifetime step without
 *                                                 waiting for it
 *          | "wait" [ "any" ]                     wait for every call submitted to the device (or one)
 *          | "poll"                               take the completions that are ready, without waiting
 *          | "stream" "read" SECTOR COUNT [ "save=" PATH ]
 *                                                 read COUNT sectors with many calls in flight [and save them]
 *          | "stream" "write" SECTOR COUNT "file=" PATH [ "from=" OFFSET ] ;
 *                                                 write COUNT * 512 bytes of a file likewise
 * DATA     = "pattern=" NAME                      a {@link NamedPattern}: signature, complement, zeros
 *          | "byte=" BYTE                         every byte BYTE (0x00 to 0xff, or 0 to 255)
 *          | "file=" PATH [ "from=" OFFSET ] ;    COUNT * 512 bytes of a file [from byte OFFSET]
 * </pre>
 *
 * <p>Tokens are separated by spaces or tabs; keywords are lower case. Numbers are decimal or
 * {@code 0x} hexadecimal. SECTOR is 0 or more; COUNT is at least 1, and at most
 * {@value #MAX_TRANSFER_SECTORS} for {@code read} and {@code write} (a step's data is held in
 * memory) and {@code zone-append}, {@value #MAX_REPORT_ZONES} for {@code zone-report}, {@value #MAX_RANGE_SECTORS} for {@code discard}, {@code write-zeroes} and {@code secure-erase}, and for
 * {@code stream} steps as many as end before sector 2^63 / 512 (a stream step holds only the calls it
 * has in flight: {@link Step#STREAM_DEPTH} of at most {@link Step#STREAM_CALL_SECTORS} sectors);
 * N is 0 to 31. A {@code file=} PATH has no spaces, is resolved against the workload's directory and
 * read when the workload is parsed (a {@code stream write} step's file only when the step runs: its
 * size is checked now); OFFSET is a byte offset into it. A {@code save=} PATH is resolved the same way;
 * the first step of a run that names a file replaces it and later ones append to it, so consecutive
 * reads saved to one file hold the sectors in order; submitted reads are not saved. Before any
 * {@code device} step, steps go to device 0: the block device in the lowest MMIO slot (QEMU puts its
 * first drive in the highest slot, so with two drives device 0 is the second drive). Whether sectors
 * lie inside a device is the device's concern: a step outside it fails when run, and the run goes on;
 * a {@code stream} step outside it stops the run before it makes a call.
 *
 * <p>Errors are {@link WorkloadSyntaxException}s naming the line and column.
 */
public final class WorkloadParser {

    /** The largest read or write of one step, in sectors (4 MiB). */
    public static final int MAX_TRANSFER_SECTORS = 8192;

    /** The most zones one {@code zone-report} step asks for. */
    public static final int MAX_REPORT_ZONES = 1024;

    /** The largest discard, write-zeroes or secure erase of one step, in sectors (the virtio-blk field is 32 bits). */
    public static final long MAX_RANGE_SECTORS = 0xffff_ffffL;

    /** The sector no stream step reaches: streams end before it. */
    public static final long STREAM_SECTOR_LIMIT = Long.MAX_VALUE / BlockDevice.SECTOR_SIZE;

    /** The highest device index: the virt board has 32 virtio-mmio slots. */
    public static final int MAX_DEVICE_INDEX = 31;
    /** The highest request queue a {@code queue} step may name: one fewer than the driver's limit. */
    public static final int MAX_QUEUE_INDEX = DriverOptions.QUEUE_LIMIT - 1;

    private static final String KEYWORDS = "read, write, flush, discard, write-zeroes, secure-erase, get-id, get-lifetime, "
            + "zone-report, zone-open, zone-close, zone-finish, zone-reset, zone-reset-all, zone-append, "
            + "reset, queue-reset, device, queue, submit, wait, poll, stream";
    private static final List<String> SUBMITTABLE = List.of("read", "write", "flush", "discard", "write-zeroes",
            "secure-erase", "get-id", "get-lifetime");

    private final String source;
    private final Path directory;
    private final List<Step> steps = new ArrayList<>();

    private WorkloadParser(String source, Path directory) {
        this.source = source;
        this.directory = directory;
    }

    /**
     * Parses a workload text.
     *
     * @param source the name used in error messages and as the workload's name
     * @param directory where {@code file=} paths are resolved
     * @throws WorkloadSyntaxException naming the line and column of the first problem
     */
    public static Workload parse(String source, String text, Path directory) {
        WorkloadParser parser = new WorkloadParser(source, directory);
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            parser.parseLine(i + 1, lines[i]);
        }
        return new Workload(source, text, parser.steps, OptionalLong.empty());
    }

    /**
     * Parses a workload file; {@code file=} paths are resolved against the file's directory.
     *
     * @throws WorkloadSyntaxException naming the line and column of the first problem
     * @throws IOException if the file cannot be read
     */
    public static Workload parseFile(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        return parse(file.getFileName().toString(), Files.readString(file), parent);
    }

    /** A word of a line and the column (from 1) it starts at. */
    private record Token(String text, int column) {}

    private void parseLine(int line, String text) {
        int hash = text.indexOf('#');
        String code = hash < 0 ? text : text.substring(0, hash);
        List<Token> tokens = tokens(code);
        if (tokens.isEmpty()) {
            return;
        }
        Token keyword = tokens.get(0);
        if (keyword.text().equals("submit")) {
            if (tokens.size() < 2) {
                throw error(line, code.length() + 1, "expected a call to submit after 'submit'");
            }
            Token call = tokens.get(1);
            if (!SUBMITTABLE.contains(call.text())) {
                throw error(line, call.column(), "'" + call.text() + "' cannot be submitted; expected one of " + SUBMITTABLE);
            }
            if (call.text().equals("read") && tokens.size() > 4 && tokens.get(4).text().startsWith("save=")) {
                throw error(line, tokens.get(4).column(), "a submitted read cannot be saved; save= is for reads that wait");
            }
            steps.add(new Step.Submit(step(line, tokens.subList(1, tokens.size()), code)));
            return;
        }
        if (keyword.text().equals("stream")) {
            if (tokens.size() < 2) {
                throw error(line, code.length() + 1, "expected read or write after 'stream'");
            }
            steps.add(stream(line, tokens.subList(1, tokens.size()), code));
            return;
        }
        steps.add(step(line, tokens, code));
    }

    private Step step(int line, List<Token> tokens, String code) {
        Token keyword = tokens.get(0);
        Arguments args = new Arguments(line, tokens, code.length() + 1);
        Step step = switch (keyword.text()) {
            case "read" -> new Step.Read(args.sector(1), (int) args.count(2, MAX_TRANSFER_SECTORS), args.save(3));
            case "write" -> {
                long sector = args.sector(1);
                int count = (int) args.count(2, MAX_TRANSFER_SECTORS);
                yield new Step.Write(sector, count, args.data(3, count));
            }
            case "flush" -> new Step.Flush();
            case "discard" -> new Step.Discard(args.sector(1), args.count(2, MAX_RANGE_SECTORS));
            case "write-zeroes" -> new Step.WriteZeroes(args.sector(1), args.count(2, MAX_RANGE_SECTORS));
            case "secure-erase" -> new Step.SecureErase(args.sector(1), args.count(2, MAX_RANGE_SECTORS));
            case "get-id" -> new Step.GetId();
            case "get-lifetime" -> new Step.GetLifetime();
            case "zone-report" -> new Step.ZoneReport(args.sector(1), (int) args.number(2, "a zone count", 1, MAX_REPORT_ZONES));
            case "zone-open" -> new Step.ZoneCommand(Step.ZoneAction.OPEN, args.sector(1));
            case "zone-close" -> new Step.ZoneCommand(Step.ZoneAction.CLOSE, args.sector(1));
            case "zone-finish" -> new Step.ZoneCommand(Step.ZoneAction.FINISH, args.sector(1));
            case "zone-reset" -> new Step.ZoneCommand(Step.ZoneAction.RESET, args.sector(1));
            case "zone-reset-all" -> new Step.ZoneResetAll();
            case "zone-append" -> {
                long zoneStart = args.sector(1);
                int count = (int) args.count(2, MAX_TRANSFER_SECTORS);
                yield new Step.ZoneAppend(zoneStart, count, args.data(3, count));
            }
            case "reset" -> new Step.Reset();
            case "queue-reset" -> new Step.QueueReset();
            case "device" -> new Step.SelectDevice((int) args.number(1, "a device index", 0, MAX_DEVICE_INDEX));
            case "queue" -> new Step.SelectQueue((int) args.number(1, "a queue index", 0, MAX_QUEUE_INDEX));
            case "wait" -> new Step.Wait(args.optionalWord(1, "any"));
            case "poll" -> new Step.Poll();
            default -> throw error(line, keyword.column(), "unknown step '" + keyword.text() + "'; expected one of " + KEYWORDS);
        };
        args.requireNoMore();
        return step;
    }

    /** A {@code stream} step, from the call after the keyword. */
    private Step stream(int line, List<Token> tokens, String code) {
        Token call = tokens.get(0);
        if (!call.text().equals("read") && !call.text().equals("write")) {
            throw error(line, call.column(), "'" + call.text() + "' cannot be streamed; expected read or write");
        }
        Arguments args = new Arguments(line, tokens, code.length() + 1);
        long sector = args.number(1, "a sector number", 0, STREAM_SECTOR_LIMIT - 1);
        long count = args.count(2, STREAM_SECTOR_LIMIT - sector);
        Step step = call.text().equals("read") ? new Step.StreamRead(sector, count, args.save(3))
                : args.streamedFile(3, sector, count);
        args.requireNoMore();
        return step;
    }

    private static List<Token> tokens(String code) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < code.length()) {
            while (i < code.length() && isSpace(code.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < code.length() && !isSpace(code.charAt(i))) {
                i++;
            }
            if (i > start) {
                tokens.add(new Token(code.substring(start, i), start + 1));
            }
        }
        return tokens;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private WorkloadSyntaxException error(int line, int column, String problem) {
        return new WorkloadSyntaxException(source, line, column, problem);
    }

    /** The arguments of one step, checked in order. */
    private final class Arguments {
        private final int line;
        private final List<Token> tokens;
        private final int endColumn;
        private int used = 1;

        Arguments(int line, List<Token> tokens, int endColumn) {
            this.line = line;
            this.tokens = tokens;
            this.endColumn = endColumn;
        }

        private Token token(int index, String what) {
            if (index >= tokens.size()) {
                throw error(line, endColumn, "'" + tokens.get(0).text() + "' needs " + what + " here");
            }
            used = Math.max(used, index + 1);
            return tokens.get(index);
        }

        long sector(int index) {
            return number(index, "a sector number", 0, Long.MAX_VALUE / BlockDevice.SECTOR_SIZE);
        }

        /** Whether the optional word at {@code index} is there; any other word there is an error. */
        boolean optionalWord(int index, String word) {
            if (index >= tokens.size()) {
                return false;
            }
            Token token = token(index, "'" + word + "'");
            if (!token.text().equals(word)) {
                throw error(line, token.column(), "expected '" + word + "' or the end of the line, not '" + token.text() + "'");
            }
            return true;
        }

        long count(int index, long max) {
            return number(index, "a sector count", 1, max);
        }

        long number(int index, String what, long min, long max) {
            return number(token(index, what), what, min, max);
        }

        long number(Token token, String what, long min, long max) {
            long value = parseNumber(token, what);
            if (value < min || value > max) {
                throw error(line, token.column(), what + " must be " + min + " to " + max + ", not " + token.text());
            }
            return value;
        }

        private long parseNumber(Token token, String what) {
            String text = token.text();
            try {
                if (text.startsWith("0x") || text.startsWith("0X")) {
                    return Long.parseLong(text.substring(2), 16);
                }
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw error(line, token.column(), "expected " + what + " (decimal or 0x hexadecimal), not '" + text + "'");
            }
        }

        WriteData data(int index, int count) {
            Token token = token(index, "the data to write (pattern=NAME, byte=0xNN or file=PATH)");
            String text = token.text();
            int equals = text.indexOf('=');
            String key = equals < 0 ? text : text.substring(0, equals);
            String value = equals < 0 ? "" : text.substring(equals + 1);
            int valueColumn = token.column() + equals + 1;
            switch (key) {
                case "pattern":
                    return new WriteData.Pattern(NamedPattern.named(value).orElseThrow(() -> error(line, valueColumn,
                            "unknown pattern '" + value + "'; expected one of " + Arrays.stream(NamedPattern.values())
                                    .map(NamedPattern::workloadName).collect(Collectors.joining(", ")))));
                case "byte":
                    long fill = parseNumber(new Token(value, valueColumn), "a byte value");
                    if (fill < 0 || fill > 0xff) {
                        throw error(line, valueColumn, "a byte value must be 0x00 to 0xff, not " + value);
                    }
                    return new WriteData.Fill((byte) fill);
                case "file":
                    return fileData(value, valueColumn, count);
                default:
                    throw error(line, token.column(),
                            "expected the data to write as pattern=NAME, byte=0xNN or file=PATH, not '" + text + "'");
            }
        }

        /** The optional {@code save=PATH} at {@code index}. */
        Optional<Path> save(int index) {
            if (index >= tokens.size()) {
                return Optional.empty();
            }
            Token token = token(index, "save=PATH");
            if (!token.text().startsWith("save=") || token.text().length() == "save=".length()) {
                throw error(line, token.column(), "expected save=PATH or the end of the line, not '" + token.text() + "'");
            }
            return Optional.of(directory.resolve(token.text().substring("save=".length())));
        }

        /** The {@code stream write} step whose {@code file=PATH [from=OFFSET]} is at {@code index}. */
        Step.StreamWrite streamedFile(int index, long sector, long count) {
            Token token = token(index, "the file to write (file=PATH)");
            if (!token.text().startsWith("file=")) {
                throw error(line, token.column(), "expected the file to write as file=PATH, not '" + token.text() + "'");
            }
            int column = token.column() + "file=".length();
            String value = token.text().substring("file=".length());
            long offset = offset(value, column);
            Path path = directory.resolve(value);
            long size;
            try {
                size = Files.size(path);
            } catch (IOException e) {
                throw error(line, column, "cannot read " + path + ": " + e);
            }
            if (size - offset < count * BlockDevice.SECTOR_SIZE) {
                throw error(line, column, path + " holds " + Math.max(0, size - offset) + " bytes from byte " + offset
                        + ", fewer than the " + count * BlockDevice.SECTOR_SIZE + " bytes of " + count + " sectors");
            }
            return new Step.StreamWrite(sector, count, path, offset);
        }

        /** The byte offset of a {@code file=} argument: its {@code from=OFFSET} after it, or 0. */
        private long offset(String path, int column) {
            if (path.isEmpty()) {
                throw error(line, column, "file= needs a path");
            }
            if (tokens.size() <= 4) {
                return 0;
            }
            Token from = token(4, "from=OFFSET");
            if (!from.text().startsWith("from=")) {
                throw error(line, from.column(), "expected from=OFFSET or the end of the line, not '" + from.text() + "'");
            }
            return number(new Token(from.text().substring("from=".length()), from.column() + "from=".length()),
                    "a byte offset", 0, Long.MAX_VALUE);
        }

        private WriteData fileData(String value, int column, int count) {
            long offset = offset(value, column);
            Path path = directory.resolve(value);
            int length = count * BlockDevice.SECTOR_SIZE;
            byte[] contents;
            try (InputStream in = Files.newInputStream(path)) {
                in.skipNBytes(offset);
                contents = in.readNBytes(length);
            } catch (java.io.EOFException e) {
                throw error(line, column, path + " is shorter than the offset " + offset);
            } catch (IOException e) {
                throw error(line, column, "cannot read " + path + ": " + e);
            }
            if (contents.length < length) {
                throw error(line, column, path + " holds " + contents.length + " bytes from byte " + offset
                        + ", fewer than the " + length + " bytes of " + count + " sectors");
            }
            return new WriteData.FileData(path, offset, contents);
        }

        void requireNoMore() {
            if (tokens.size() > used) {
                Token extra = tokens.get(used);
                throw error(line, extra.column(), "unexpected '" + extra.text() + "' after the end of the '"
                        + tokens.get(0).text() + "' step");
            }
        }
    }
}
