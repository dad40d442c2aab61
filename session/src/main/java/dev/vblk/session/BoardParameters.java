package dev.vblk.session;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.pci.MsiFrame;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.virtio.blk.CompletionMode;
import dev.vblk.virtio.blk.DriverOptions;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a run needs besides its platform to be repeated exactly: the MMIO window scanned and the
 * driver's options (its budgets, completion mode and queue depth shape the calls it makes). Stored in
 * a trace's board metadata under the keys below. A trace written before the driver kept several
 * requests in flight has only the five budget keys; it is read with the settings of that driver
 * ({@link DriverOptions#ONE_AT_A_TIME}) for the rest. A trace without {@code driver.packedRing} was
 * recorded before the driver could use the packed ring: it used the split ring; one without
 * {@code driver.maxQueues} (written only when it is above 1) used one request queue; one without
 * {@code driver.topology} (written only when true) did not accept VIRTIO_BLK_F_TOPOLOGY; one without
 * {@code driver.ringReset} (written only when true) did not accept VIRTIO_F_RING_RESET; one without
 * {@code driver.secureErase}, {@code driver.lifetime}, {@code driver.inOrder} or
 * {@code driver.notificationData} (each written only when true) did not accept
 * VIRTIO_BLK_F_SECURE_ERASE, VIRTIO_BLK_F_LIFETIME, VIRTIO_F_IN_ORDER or VIRTIO_F_NOTIFICATION_DATA; one
 * without {@code driver.accessPlatform} (written only when true) did not accept VIRTIO_F_ACCESS_PLATFORM;
 * one without {@code driver.zoned} (written only when true) did not accept VIRTIO_BLK_F_ZONED.
 * A board whose PCI
 * bus 0 is scanned too stores its host bridge under the {@code pci.*} keys; a trace without them
 * scans the MMIO window only. A host bridge whose functions are given MSI-X vectors stores its MSI
 * frame under {@code pci.msiDoorbell}, {@code pci.msiFirstData}, {@code pci.msiFirstLine} and
 * {@code pci.msiLines}; a trace without them kept its functions on INTx.
 *
 * @param window the MMIO window scanned
 * @param options the driver's options
 * @param pci the PCIe host bridge whose bus 0 is scanned after the window, if any
 */
public record BoardParameters(MmioWindow window, DriverOptions options, Optional<PciHostBridge> pci) {

    static final String BASE = "mmio.base";
    static final String SLOT_SIZE = "mmio.slotSize";
    static final String SLOTS = "mmio.slots";
    static final String FIRST_LINE = "mmio.firstInterruptLine";
    static final String TIMEOUT = "driver.requestTimeoutNanos";
    static final String POLLS = "driver.maxPollsPerRequest";
    static final String POLL_INTERVAL = "driver.pollIntervalNanos";
    static final String QUEUE_SIZE = "driver.maxQueueSize";
    static final String REQUEST_BYTES = "driver.maxRequestBytes";
    static final String COMPLETION = "driver.completion";
    static final String IN_FLIGHT = "driver.maxInFlight";
    static final String POOLED = "driver.pooledBuffers";
    static final String INDIRECT = "driver.indirectDescriptors";
    static final String EVENT_INDEX = "driver.eventIndex";
    static final String RECHECK = "driver.recheckCapacity";
    static final String PACKED = "driver.packedRing";
    static final String QUEUES = "driver.maxQueues";
    static final String TOPOLOGY = "driver.topology";
    static final String RING_RESET = "driver.ringReset";
    static final String SECURE_ERASE = "driver.secureErase";
    static final String LIFETIME = "driver.lifetime";
    static final String IN_ORDER = "driver.inOrder";
    static final String NOTIFICATION_DATA = "driver.notificationData";
    static final String ACCESS_PLATFORM = "driver.accessPlatform";
    static final String ZONED = "driver.zoned";
    static final String PCI_ECAM = "pci.ecamBase";
    static final String PCI_BUSES = "pci.buses";
    static final String PCI_MEMORY = "pci.memoryBase";
    static final String PCI_MEMORY_SIZE = "pci.memorySize";
    static final String PCI_FIRST_LINE = "pci.firstIntxLine";
    static final String MSI_DOORBELL = "pci.msiDoorbell";
    static final String MSI_FIRST_DATA = "pci.msiFirstData";
    static final String MSI_FIRST_LINE = "pci.msiFirstLine";
    static final String MSI_LINES = "pci.msiLines";

    /** QEMU's {@code virt} window with the driver's default options. */
    public static final BoardParameters QEMU_VIRT_DEFAULTS = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS);

    /** A board whose MMIO window only is scanned. */
    public BoardParameters(MmioWindow window, DriverOptions options) {
        this(window, options, Optional.empty());
    }

    /** These parameters with PCI bus 0 of {@code host} scanned too. */
    public BoardParameters withPci(PciHostBridge host) {
        return new BoardParameters(window, options, Optional.of(host));
    }

    /** These parameters with other driver options. */
    public BoardParameters withOptions(DriverOptions driverOptions) {
        return new BoardParameters(window, driverOptions, pci);
    }

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
        map.put(COMPLETION, options.completion().name());
        map.put(IN_FLIGHT, Integer.toString(options.maxInFlight()));
        map.put(POOLED, Boolean.toString(options.pooledBuffers()));
        map.put(INDIRECT, Boolean.toString(options.indirectDescriptors()));
        map.put(EVENT_INDEX, Boolean.toString(options.eventIndex()));
        map.put(RECHECK, Boolean.toString(options.recheckCapacity()));
        map.put(PACKED, Boolean.toString(options.packedRing()));
        if (options.maxQueues() > 1) {
            map.put(QUEUES, Integer.toString(options.maxQueues()));
        }
        if (options.topology()) {
            map.put(TOPOLOGY, "true");
        }
        if (options.ringReset()) {
            map.put(RING_RESET, "true");
        }
        if (options.secureErase()) {
            map.put(SECURE_ERASE, "true");
        }
        if (options.lifetime()) {
            map.put(LIFETIME, "true");
        }
        if (options.inOrder()) {
            map.put(IN_ORDER, "true");
        }
        if (options.notificationData()) {
            map.put(NOTIFICATION_DATA, "true");
        }
        if (options.accessPlatform()) {
            map.put(ACCESS_PLATFORM, "true");
        }
        if (options.zoned()) {
            map.put(ZONED, "true");
        }
        pci.ifPresent(host -> {
            map.put(PCI_ECAM, "0x" + Long.toHexString(host.ecamBase()));
            map.put(PCI_BUSES, Integer.toString(host.busCount()));
            map.put(PCI_MEMORY, "0x" + Long.toHexString(host.memoryBase()));
            map.put(PCI_MEMORY_SIZE, "0x" + Long.toHexString(host.memorySize()));
            map.put(PCI_FIRST_LINE, Integer.toString(host.firstIntxLine()));
            host.msi().ifPresent(frame -> {
                map.put(MSI_DOORBELL, "0x" + Long.toHexString(frame.doorbell()));
                map.put(MSI_FIRST_DATA, Integer.toString(frame.firstData()));
                map.put(MSI_FIRST_LINE, Integer.toString(frame.firstLine()));
                map.put(MSI_LINES, Integer.toString(frame.lineCount()));
            });
        });
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
        DriverOptions legacy = DriverOptions.ONE_AT_A_TIME;
        DriverOptions options = legacy.withBudgets(number(map, TIMEOUT), (int) number(map, POLLS), number(map, POLL_INTERVAL),
                (int) number(map, QUEUE_SIZE), (int) number(map, REQUEST_BYTES))
                .withCompletion(completion(map, legacy.completion()))
                .withMaxInFlight((int) number(map, IN_FLIGHT, legacy.maxInFlight()))
                .withPooledBuffers(flag(map, POOLED, legacy.pooledBuffers()))
                .withIndirectDescriptors(flag(map, INDIRECT, legacy.indirectDescriptors()))
                .withEventIndex(flag(map, EVENT_INDEX, legacy.eventIndex()))
                .withRecheckCapacity(flag(map, RECHECK, legacy.recheckCapacity()))
                .withPackedRing(flag(map, PACKED, false))
                .withMaxQueues((int) number(map, QUEUES, 1))
                .withTopology(flag(map, TOPOLOGY, false))
                .withRingReset(flag(map, RING_RESET, false))
                .withSecureErase(flag(map, SECURE_ERASE, false))
                .withLifetime(flag(map, LIFETIME, false))
                .withInOrder(flag(map, IN_ORDER, false))
                .withNotificationData(flag(map, NOTIFICATION_DATA, false))
                .withAccessPlatform(flag(map, ACCESS_PLATFORM, false))
                .withZoned(flag(map, ZONED, false));
        Optional<PciHostBridge> pci = Optional.empty();
        if (map.containsKey(PCI_ECAM)) {
            try {
                PciHostBridge host = new PciHostBridge(number(map, PCI_ECAM), (int) number(map, PCI_BUSES),
                        number(map, PCI_MEMORY), number(map, PCI_MEMORY_SIZE), (int) number(map, PCI_FIRST_LINE));
                if (map.containsKey(MSI_DOORBELL)) {
                    host = host.withMsi(new MsiFrame(number(map, MSI_DOORBELL), (int) number(map, MSI_FIRST_DATA),
                            (int) number(map, MSI_FIRST_LINE), (int) number(map, MSI_LINES)));
                }
                pci = Optional.of(host);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("board metadata pci.*: " + e.getMessage(), e);
            }
        }
        return new BoardParameters(window, options, pci);
    }

    private static long number(Map<String, String> map, String key, long absent) {
        return map.containsKey(key) ? number(map, key) : absent;
    }

    private static boolean flag(Map<String, String> map, String key, boolean absent) {
        String text = map.get(key);
        if (text == null) {
            return absent;
        }
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException("board metadata " + key + " is not true or false: " + text);
        }
        return Boolean.parseBoolean(text);
    }

    private static CompletionMode completion(Map<String, String> map, CompletionMode absent) {
        String text = map.get(COMPLETION);
        if (text == null) {
            return absent;
        }
        try {
            return CompletionMode.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("board metadata " + COMPLETION + " is not a completion mode: " + text, e);
        }
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
