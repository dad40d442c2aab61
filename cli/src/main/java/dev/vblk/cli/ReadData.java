package dev.vblk.cli;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.discovery.MmioWindow;
import dev.vblk.harness.Sha256;
import dev.vblk.replay.ReconstructedRequest;
import dev.vblk.replay.RequestReconstructor;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceFile;
import dev.vblk.trace.TraceReader;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The bytes a trace's read operations returned, written to files: each virtio-blk read request the
 * {@link RequestReconstructor} rebuilds from guest memory puts the data the driver read back at its
 * place in its operation's file, and once the trace is read each file is checked against the
 * SHA-256 digest the operation's outcome recorded.
 *
 * <p>A request belongs to the read operation that made it available, as the reconstructor tells; one
 * made available outside any read (a driver publishing chains from a poll or wait) belongs to the
 * earliest submitted read of the same device whose sectors hold theirs and are not yet filled.
 */
final class ReadData {

    /**
     * One read operation's file.
     *
     * @param begin the operation's begin marker
     * @param file where its bytes are
     * @param outcome how it ended, empty if the trace has no end for it
     * @param bytes how many bytes of its data the trace holds
     * @param matches whether the file's bytes have the recorded digest
     */
    record Extracted(TraceEvent.OperationBegin begin, Path file, Optional<OperationOutcome> outcome, long bytes,
            boolean matches) {}

    private final LongFunction<Optional<Path>> fileOf;
    private final Map<Long, TraceEvent.OperationBegin> reads = new LinkedHashMap<>();
    private final Map<Long, Path> files = new LinkedHashMap<>();
    private final Map<Long, OperationOutcome> outcomes = new LinkedHashMap<>();
    private final Map<Long, BitSet> placed = new LinkedHashMap<>();
    private final Map<Long, TraceEvent.OperationBegin> unfilledSubmissions = new LinkedHashMap<>();
    private MmioWindow window;

    /**
     * @param fileOf the file a read operation's bytes go to, by operation id, asked once for each read
     *     operation; empty to leave it out
     */
    ReadData(LongFunction<Optional<Path>> fileOf) {
        this.fileOf = fileOf;
    }

    /** Reads the trace once and writes the files; returns the read operations that succeeded, in trace order. */
    List<Extracted> extract(TraceFile trace) {
        RequestReconstructor requests;
        try (TraceReader reader = trace.open()) {
            window = InspectCommand.window(reader.metadata());
        }
        requests = new RequestReconstructor(window);
        trace.forEach(event -> {
            if (event instanceof TraceEvent.OperationBegin begin && begin.kind() == OperationKind.READ) {
                fileOf.apply(begin.operationId()).ifPresent(file -> {
                    reads.put(begin.operationId(), begin);
                    files.put(begin.operationId(), file);
                    if (begin.submitted()) {
                        unfilledSubmissions.put(begin.operationId(), begin);
                    }
                });
            } else if (event instanceof TraceEvent.OperationEnd end && reads.containsKey(end.operationId())) {
                outcomes.put(end.operationId(), end.outcome());
            }
            requests.accept(event).forEach(this::place);
        });
        requests.finish().forEach(this::place);
        List<Extracted> extracted = new ArrayList<>();
        for (TraceEvent.OperationBegin begin : reads.values()) {
            Path file = files.get(begin.operationId());
            Optional<OperationOutcome> outcome = Optional.ofNullable(outcomes.get(begin.operationId()));
            if (outcome.isPresent() && outcome.get() instanceof OperationOutcome.Succeeded succeeded) {
                if (!placed.containsKey(begin.operationId())) {
                    write(file, new byte[0], 0, true);
                }
                long bytes = (long) placed.getOrDefault(begin.operationId(), new BitSet()).cardinality() * BlockDevice.SECTOR_SIZE;
                extracted.add(new Extracted(begin, file, outcome, bytes,
                        Sha256.ofFile(file).equals(HexFormat.of().formatHex(succeeded.sha256()))));
            } else if (placed.containsKey(begin.operationId())) {
                delete(file);
            }
        }
        return extracted;
    }

    /** Writes a read request's data at its offset in its operation's file. */
    private void place(ReconstructedRequest request) {
        if (request.type() != ReconstructedRequest.T_IN
                || !(request.completion() instanceof ReconstructedRequest.Answered answered)
                || answered.data().isEmpty()) {
            return;
        }
        Optional<TraceEvent.OperationBegin> owner = owner(request);
        if (owner.isEmpty()) {
            return;
        }
        TraceEvent.OperationBegin begin = owner.get();
        int first = (int) (request.sector() - begin.sector());
        write(files.get(begin.operationId()), answered.data().get(), (long) first * BlockDevice.SECTOR_SIZE,
                !placed.containsKey(begin.operationId()));
        BitSet filled = placed.computeIfAbsent(begin.operationId(), id -> new BitSet());
        filled.set(first, first + (int) request.sectorCount());
        if (filled.cardinality() == begin.sectorCount()) {
            unfilledSubmissions.remove(begin.operationId());
        }
    }

    /** The read operation a request's data belongs to, as the class comment says. */
    private Optional<TraceEvent.OperationBegin> owner(ReconstructedRequest request) {
        TraceEvent.OperationBegin direct = reads.get(request.operationId());
        if (direct != null) {
            return Optional.of(direct);
        }
        String device = new BlockDeviceId(VirtioBlkDevice.DEVICE_TYPE, window.slot(request.slot()).baseAddress()).toString();
        return unfilledSubmissions.values().stream()
                .filter(begin -> begin.device().equals(device) && request.sector() >= begin.sector()
                        && request.sector() + request.sectorCount() <= begin.sector() + begin.sectorCount())
                .filter(begin -> {
                    BitSet sectors = placed.get(begin.operationId());
                    int from = (int) (request.sector() - begin.sector());
                    return sectors == null || sectors.get(from, from + (int) request.sectorCount()).isEmpty();
                })
                .findFirst();
    }

    /** Writes {@code data} at {@code offset}; the first write to a file empties it first. */
    private static void write(Path file, byte[] data, long offset, boolean first) {
        try (FileChannel channel = first
                ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)
                : FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer, offset + buffer.position());
            }
        } catch (IOException e) {
            throw new BadInputException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new BadInputException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }
}
