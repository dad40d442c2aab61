package dev.vblk.fuzz.oracle;

/** The properties the oracle checks on every run; docs/fuzzing.md states each one precisely. */
public enum Invariant {
    /** (1) Every driver call ends within the platform-call budget. */
    BOUNDED,
    /** (2) Calls, open() included, throw nothing but {@code BlockDeviceException}. */
    ONLY_BLOCK_DEVICE_EXCEPTION,
    /** (3) No success for a request the device failed, answered wrongly or never answered. */
    NO_FALSE_SUCCESS,
    /** A valid call on a quiet device whose requests all completed normally succeeds. */
    NO_SPURIOUS_FAILURE,
    /** Calls the driver must refuse by itself (range, read-only, missing feature) fail with that kind and send nothing. */
    REFUSAL,
    /** (1) A call waits no longer than its time budget per request, and times out no earlier than it. */
    TIME_BUDGET,
    /** (4) A successful call moved exactly the device's data, to and from the sectors it names. */
    DATA_INTEGRITY,
    /**
     * (5) The driver writes only memory it allocated, frees only what it allocated, and never frees memory
     * the device still uses; under ACCESS_PLATFORM the device reaches only memory the driver mapped for it.
     */
    DMA_CONFINED,
    /** Every DMA buffer is given back once its request is over; after a reset only the queue is held. */
    MEMORY_RELEASED,
    /** (6) Register accesses stay inside the device's transport window. */
    REGISTERS_CONFINED,
    /** (7) The driver accepts only features the device offered. */
    FEATURES_OFFERED,
    /** Every call submitted in a batch completes exactly once, and none is left outstanding after a wait for all. */
    COMPLETIONS,
    /** (8) After a fatal error every call fails with the same kind until reset(). */
    FATAL_STICKY,
    /** (8) With the faults cleared, reset() (or open()) brings back a device that round-trips data. */
    RECOVERY,
    /** Initialisation refuses a device that is not a usable modern block device and accepts every other. */
    INIT_DECISION,
    /** {@code info()} and the negotiated features describe the device as negotiated. */
    DEVICE_INFO,
    /** The error kind says what the device did (DEVICE_NEEDS_RESET when it needs a reset, not a timeout). */
    ERROR_KIND,
    /** Register protocol rules the fake device checks (access widths, status sequence, queue setup). */
    PROTOCOL_RULES,
    /**
     * The driver never reads back what it wrote for the device to read (descriptors, indirect tables,
     * available ring, request headers, a write's data) once the device fetched it: the device may
     * rewrite it at any time.
     */
    NO_DOUBLE_FETCH,
    /** The driver never keeps a configuration value read across a ConfigGeneration change (a torn capacity). */
    CONFIG_WHOLE,
    /**
     * A zoned device's zone calls: the zones reported are consistent with the device's zones, an append
     * succeeds only inside its zone, and a zone lie ends the call with PROTOCOL_VIOLATION, never a success.
     */
    ZONES
}
