package dev.vblk.session;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.virtio.blk.DriverOptions;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a run needs besides its platform to be repeated exactly: the MMIO window scanned and the
 * driver's options (its time and poll budgets shape the calls it makes). Stored in a trace's board
 * metadata under the keys below.
 */
public record BoardParameters(MmioWindow window, DriverOptions options) {

    static final String BASE = "mmio.base";
    static final String SLOT_SIZE = "mmio.slotSize";
    static final String SLOTS = "mmio.slots";
    static final String FIRST_LINE = "mmio.firstInterruptLine";
    static final String TIMEOUT = "driver.requestTimeoutNanos";
    static final String POLLS = "driver.maxPollsPerRequest";
    static final String POLL_INTERVAL = "driver.pollIntervalNanos";
    static final String QUEUE_SIZE = "driver.maxQueueSize";
    static final String REQUEST_BYTES = "driver.maxRequestBytes";

    /** QEMU's {@code virt} window with the driver's default options. */
    public static final BoardParameters QEMU_VIRT_DEFAULTS = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS);

    /** The parameters as trace board metadata. */
    public SortedMap<String, String> toMap() {
        SortedMap<String, String> map = new TreeMap<>();
        map.put(BASE, "0x" + Long.toHexString(window.baseAddress()));
        map.put(SLOT_SIZE, "0x" + Integer.toHexString(window.slotSize()));
        map.put(SLOTS, Integer.toString(window.slotCount()));
        map.put(FIRST_LINE, Integer.toString(window.firstInterruptLine()));
        map.put(TIMEOUT, Long.toString(options.requestTimeoutNanos()));
        map.put(POLLS, Integer.toString(options.maxPollsPerRequest()));
        map.put(POLL_INTERVAL, Long.toString(options.pollIntervalNanos()));
        map.put(QUEUE_SIZE, Integer.toString(options.maxQueueSize()));
        map.put(REQUEST_BYTES, Integer.toString(options.maxRequestBytes()));
        return map;
    }

    /**
     * The parameters stored in trace board metadata.
     *
     * @throws IllegalArgumentException naming the key that is missing or malformed
     */
    public static BoardParameters fromMap(Map<String, String> map) {
        MmioWindow window = new MmioWindow(number(map, BASE), (int) number(map, SLOT_SIZE), (int) number(map, SLOTS),
                (int) number(map, FIRST_LINE));
        DriverOptions options = new DriverOptions(number(map, TIMEOUT), (int) number(map, POLLS), number(map, POLL_INTERVAL),
                (int) number(map, QUEUE_SIZE), (int) number(map, REQUEST_BYTES));
        return new BoardParameters(window, options);
    }

    private static long number(Map<String, String> map, String key) {
        String text = map.get(key);
        if (text == null) {
            throw new IllegalArgumentException("board metadata lacks " + key);
        }
        try {
            return text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("board metadata " + key + " is not a number: " + text, e);
        }
    }
}
