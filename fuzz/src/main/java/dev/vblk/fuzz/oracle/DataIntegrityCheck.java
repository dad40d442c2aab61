package dev.vblk.fuzz.oracle;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockLifetime;
import dev.vblk.fake.blk.DeviceRequest;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.platform.LittleEndian;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.BlkFeatures;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link Invariant#DATA_INTEGRITY}: a successful call moved exactly the device's data, to and from the
 * sectors it names. Its requests tile the call ({@link #tiling}, which the trace oracle uses too), a
 * read returns what the device read for it, a write carries the call's data, a flush sends FLUSH when
 * negotiated, GET_ID returns the device's string, GET_LIFETIME its wear report as it wrote it, a
 * secure erase's ranges tile it, and the call lies inside the capacity. Whatever a secure erase's
 * result, none of its ranges exceeds max_secure_erase_sectors ({@link #checkSecureEraseLimit}).
 */
public final class DataIntegrityCheck {

    /**
     * One request as the tiling sees it.
     *
     * @param request the request, described only for a finding
     * @param type its virtio-blk request type
     * @param sector its first sector
     * @param sectorCount how many sectors it covers
     * @param dataLength its data bytes
     */
    public record Span(Supplier<String> request, int type, long sector, long sectorCount, long dataLength) {}

    private final RunState run;

    DataIntegrityCheck(RunState run) {
        this.run = run;
    }

    /**
     * Notes requests that do not continue each other from {@code sector} in whole sectors of at most
     * {@code maxTransfer} bytes of {@code type}, or do not cover exactly {@code count} sectors; and a
     * call beyond {@code capacity}.
     */
    public static void tiling(Findings findings, Where where, List<Span> spans, int type, long sector, long count,
            long maxTransfer, long capacity) {
        long next = sector;
        for (Span r : spans) {
            if (r.type() != type || r.sector() != next || r.sectorCount() <= 0
                    || r.dataLength() != r.sectorCount() * 512 || r.dataLength() > maxTransfer) {
                findings.add(Invariant.DATA_INTEGRITY, where, "request " + r.request().get() + " does not continue the call at sector "
                        + next + " with whole sectors of at most maxTransferBytes");
                return;
            }
            next += r.sectorCount();
        }
        if (next != sector + count) {
            findings.add(Invariant.DATA_INTEGRITY, where, "the requests covered sectors " + sector + ".." + next
                    + ", the call asked for " + count);
        }
        inCapacity(findings, where, sector, count, capacity);
    }

    private static void inCapacity(Findings findings, Where where, long sector, long count, long capacity) {
        if (count > 0 && (sector < 0 || sector > capacity || count > capacity - sector)) {
            findings.add(Invariant.DATA_INTEGRITY, where, "succeeded for sectors beyond the capacity of " + capacity);
        }
    }

    /** Checks what a successful call moved against the requests the device saw for it. */
    void check(Where where, ScenarioStep.DriverCall step, List<Seen> seen, byte[] buffer, Object value) {
        if (step instanceof ScenarioStep.Read read) {
            tiling(where, seen, VirtioBlk.T_IN, read.sector(), read.count());
            readData(where, seen, read, buffer);
        } else if (step instanceof ScenarioStep.Write write) {
            tiling(where, seen, VirtioBlk.T_OUT, write.sector(), write.count());
            writeData(where, seen, write);
        } else if (step instanceof ScenarioStep.WriteZeroes zeroes) {
            ranges(where, seen, VirtioBlk.T_WRITE_ZEROES, zeroes.sector(), zeroes.count());
        } else if (step instanceof ScenarioStep.Discard discard) {
            ranges(where, seen, VirtioBlk.T_DISCARD, discard.sector(), discard.count());
        } else if (step instanceof ScenarioStep.SecureErase erase) {
            ranges(where, seen, VirtioBlk.T_SECURE_ERASE, erase.sector(), erase.count());
        } else if (step instanceof ScenarioStep.Flush) {
            flush(where, seen);
        } else if (step instanceof ScenarioStep.GetId) {
            id(where, seen, (String) value);
        } else if (step instanceof ScenarioStep.GetLifetime) {
            lifetime(where, seen, (BlockLifetime) value);
        }
    }

    private void tiling(Where where, List<Seen> seen, int type, long sector, long count) {
        List<Span> spans = seen.stream().map(Seen::request).map(r -> new Span(() -> Requests.describe(r), r.type(), r.sector(),
                r.sectorCount(), r.dataLength())).toList();
        tiling(run.findings, where, spans, type, sector, count, run.driver.maxTransferBytes(), run.fake.capacitySectors());
    }

    private void readData(Where where, List<Seen> seen, ScenarioStep.Read read, byte[] buffer) {
        for (Seen s : seen) {
            DeviceRequest r = s.request();
            OutcomeSpec outcome = Requests.undelayed(s.outcome());
            List<byte[]> expected;
            if (outcome instanceof OutcomeSpec.Data data) {
                // Only the bytes the device wrote: the rest of the buffer keeps what it held, and the
                // call may succeed only if another used element named the request (FalseSuccessCheck).
                expected = List.of(Arrays.copyOf(data.bytes(), Math.min(data.length(), r.dataLength())));
            } else if (outcome instanceof OutcomeSpec.Status) {
                continue;
            } else {
                expected = run.disk.dataRead(r.sector() * 512, r.dataLength());
            }
            int from = (int) (r.sector() - read.sector()) * 512;
            if (from < 0 || from + r.dataLength() > buffer.length) {
                continue;
            }
            int to = from + expected.get(0).length;
            if (expected.stream().noneMatch(bytes -> Arrays.equals(bytes, 0, bytes.length, buffer, from, to))) {
                run.findings.add(Invariant.DATA_INTEGRITY, where, "the data returned for request " + Requests.describe(r)
                        + " differs from the device's at byte "
                        + Arrays.mismatch(expected.get(0), 0, expected.get(0).length, buffer, from, to));
            }
        }
    }

    private void writeData(Where where, List<Seen> seen, ScenarioStep.Write write) {
        byte[] data = write.data();
        for (Seen s : seen) {
            DeviceRequest r = s.request();
            int from = (int) (r.sector() - write.sector()) * 512;
            if (from < 0 || from + r.writeData().length > data.length) {
                continue;
            }
            if (!Arrays.equals(r.writeData(), 0, r.writeData().length, data, from, from + r.writeData().length)) {
                run.findings.add(Invariant.DATA_INTEGRITY, where, "request " + Requests.describe(r)
                        + " carried other data than the call");
            }
        }
    }

    private void ranges(Where where, List<Seen> seen, int type, long sector, long count) {
        long next = sector;
        for (Seen s : seen) {
            DeviceRequest r = s.request();
            if (r.type() != type) {
                run.findings.add(Invariant.DATA_INTEGRITY, where, "request " + Requests.describe(r) + " has the wrong type");
                return;
            }
            for (DeviceRequest.Range range : r.ranges()) {
                if (range.sector() != next || range.sectorCount() <= 0) {
                    run.findings.add(Invariant.DATA_INTEGRITY, where, "range " + range + " does not continue the call at sector " + next);
                    return;
                }
                next += range.sectorCount();
            }
        }
        if (next != sector + count) {
            run.findings.add(Invariant.DATA_INTEGRITY, where, "the ranges covered sectors " + sector + ".." + next
                    + ", the call asked for " + count);
        }
        inCapacity(run.findings, where, sector, count, run.fake.capacitySectors());
    }

    /**
     * Notes a secure-erase range longer than the device's max_secure_erase_sectors, which the driver
     * must not send whatever becomes of the call (the device may refuse it and the call fail).
     */
    void checkSecureEraseLimit(Where where, ScenarioStep.DriverCall step, List<Seen> seen) {
        if (!(step instanceof ScenarioStep.SecureErase)) {
            return;
        }
        long limit = run.scenario.eraseLifetime().maxSecureEraseSectors();
        for (Seen s : seen) {
            for (DeviceRequest.Range range : s.request().ranges()) {
                if (range.sectorCount() > limit) {
                    run.findings.add(Invariant.DATA_INTEGRITY, where, "range " + range + " of request "
                            + Requests.describe(s.request()) + " exceeds max_secure_erase_sectors " + limit);
                    return;
                }
            }
        }
    }

    /** The wear report returned is the one the device wrote, reserved values as they were. */
    private void lifetime(Where where, List<Seen> seen, BlockLifetime lifetime) {
        if (seen.isEmpty() || seen.get(seen.size() - 1).request().type() != VirtioBlk.T_GET_LIFETIME) {
            run.findings.add(Invariant.DATA_INTEGRITY, where, "get-lifetime succeeded without a GET_LIFETIME request");
            return;
        }
        OutcomeSpec outcome = Requests.undelayed(seen.get(seen.size() - 1).outcome());
        if (outcome instanceof OutcomeSpec.Status) {
            return; // the device wrote no report: whatever the buffer held is all the driver can return
        }
        FakeBlkConfig.Lifetime expected = run.scenario.eraseLifetime().lifetime();
        if (outcome instanceof OutcomeSpec.Data data && data.length() < AsyncBlockDevice.LIFETIME_BYTES) {
            // Given back whole by a later in-order used element: only the bytes written are the device's.
            byte[] written = data.bytes();
            if (!Arrays.equals(written, Arrays.copyOf(lifetime.toBytes(), written.length))) {
                run.findings.add(Invariant.DATA_INTEGRITY, where, "get-lifetime returned " + lifetime
                        + ", the device wrote " + written.length + " byte(s) of another report");
            }
            return;
        }
        if (outcome instanceof OutcomeSpec.Data data) {
            byte[] written = Arrays.copyOf(data.bytes(), AsyncBlockDevice.LIFETIME_BYTES);
            expected = new FakeBlkConfig.Lifetime((int) LittleEndian.get(written, 0, 2), (int) LittleEndian.get(written, 2, 2),
                    (int) LittleEndian.get(written, 4, 2));
        }
        if (lifetime.preEolInfo() != expected.preEolInfo() || lifetime.lifetimeEstimateA() != expected.lifetimeEstimateA()
                || lifetime.lifetimeEstimateB() != expected.lifetimeEstimateB()) {
            run.findings.add(Invariant.DATA_INTEGRITY, where, "get-lifetime returned " + lifetime + ", the device said "
                    + expected);
        }
    }

    private void flush(Where where, List<Seen> seen) {
        boolean flushAgreed = FeatureBits.has(run.fake.negotiatedFeatures(), BlkFeatures.FLUSH);
        boolean allFlush = seen.stream().allMatch(s -> s.request().type() == VirtioBlk.T_FLUSH);
        if (!allFlush || (flushAgreed && seen.isEmpty()) || (!flushAgreed && !seen.isEmpty())) {
            run.findings.add(Invariant.DATA_INTEGRITY, where, "flush sent " + seen.size() + " request(s) with FLUSH "
                    + (flushAgreed ? "negotiated" : "not negotiated"));
        }
    }

    private void id(Where where, List<Seen> seen, String id) {
        if (seen.isEmpty() || seen.get(seen.size() - 1).request().type() != VirtioBlk.T_GET_ID) {
            run.findings.add(Invariant.DATA_INTEGRITY, where, "get-id succeeded without a GET_ID request");
            return;
        }
        OutcomeSpec outcome = Requests.undelayed(seen.get(seen.size() - 1).outcome());
        if (outcome instanceof OutcomeSpec.Status) {
            return; // the device wrote no id: whatever the buffer held is all the driver can return
        }
        // A device answering with data wrote only its first bytes; with VIRTIO_F_IN_ORDER a later
        // request's used element may still give the request back whole, and the rest of the buffer
        // keeps what it held: the id then only starts with what the device wrote (FalseSuccessCheck
        // judges whether the call could succeed at all).
        byte[] raw = outcome instanceof OutcomeSpec.Data data
                ? Arrays.copyOf(data.bytes(), Math.min(data.length(), VirtioBlk.ID_BYTES))
                : Arrays.copyOf(run.spec.idString().getBytes(StandardCharsets.US_ASCII), VirtioBlk.ID_BYTES);
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        String expected = new String(raw, 0, end, StandardCharsets.US_ASCII);
        boolean whole = end < raw.length || raw.length == VirtioBlk.ID_BYTES;
        if (whole ? !expected.equals(id) : !id.startsWith(expected)) {
            run.findings.add(Invariant.DATA_INTEGRITY, where, "get-id returned \"" + id + "\", the device said \"" + expected + "\""
                    + (whole ? "" : " in its first " + raw.length + " byte(s)"));
        }
    }
}
