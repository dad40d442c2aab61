package dev.vblk.fake.blk;

/**
 * A configuration change in the middle of I/O whose capacity tears: the device signals a config
 * change, and at the driver's next read of the capacity's low 32 bits the capacity becomes
 * {@code capacity} (ConfigGeneration changes) until the driver has read the high 32 bits, when it
 * changes back (ConfigGeneration changes again). A driver that reads under the generation counter
 * retries and sees the true capacity; one that does not may take the old low half with the new high
 * half.
 *
 * @param capacity the capacity shown for that moment, in sectors
 */
public record ConfigTear(long capacity) implements MemoryLie {}
