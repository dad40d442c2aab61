package dev.vblk.fake.blk;

/** An interrupt the fake device raises with no completion behind it. */
public enum SpuriousInterrupt {
    /** InterruptStatus gets the used-buffer bit while the used ring holds nothing new. */
    USED_BUFFER_WITHOUT_COMPLETION,
    /** The line is raised while InterruptStatus reads 0; the next InterruptStatus read lowers it. */
    LINE_WITHOUT_STATUS
}
