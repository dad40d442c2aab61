package dev.vblk.fake.blk;

/**
 * Where a {@link VirtioCore}'s interrupts go besides its interrupt causes: a front end with an
 * interrupt per queue (virtio-pci's MSI-X vectors) learns here which queue's used buffers, or the
 * configuration, an interrupt is for. The virtio-mmio front end needs none: its one line follows the
 * causes.
 */
public interface InterruptSignals {

    /** No front end listens: the causes alone carry interrupts. */
    InterruptSignals NONE = new InterruptSignals() {
        @Override
        public void usedBuffers(int queue) {
        }

        @Override
        public void configChanged() {
        }
    };

    /** A used-buffer interrupt for queue {@code queue}. */
    void usedBuffers(int queue);

    /** A configuration-change interrupt. */
    void configChanged();
}
