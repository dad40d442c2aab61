package dev.vblk.fuzz.oracle;

/**
 * {@link Invariant#NO_DOUBLE_FETCH}: during a call the driver read none of the memory it had written
 * for the device to read and the device had fetched ({@link PublishedMemory}): descriptor entries,
 * indirect tables, available-ring entries, request headers, a write's data. A device may rewrite all
 * of it at any time, so what the driver does must come from its own copies.
 */
final class DoubleFetchCheck {

    private final RunState run;

    DoubleFetchCheck(RunState run) {
        this.run = run;
    }

    /** Notes the reads of published memory the call that just ended made. */
    void check(Where where) {
        PublishedMemory.Reads reads = run.published.takeReads();
        if (reads.count() > 0) {
            run.findings.add(Invariant.NO_DOUBLE_FETCH, where, "the driver read back memory it had published to the "
                    + "device " + reads.count() + " time(s): " + String.join("; ", reads.described()));
        }
    }
}
