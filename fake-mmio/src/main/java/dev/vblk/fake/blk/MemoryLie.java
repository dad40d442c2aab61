package dev.vblk.fake.blk;

/**
 * A lie the fake device tells through guest memory or its configuration while it answers a request
 * ({@link RequestOutcome.Lying}): plain data, acted on by the request path once the answer is
 * written. {@link UsedIndexLie} moves the used index (or the packed ring's used marks) where no
 * correct device puts it; {@link UsedIdLie} names a descriptor that heads no chain;
 * {@link SuppressionLie} rewrites a notification suppression field; {@link ConfigTear} changes the
 * capacity between the two halves of the driver's next read of it.
 */
public sealed interface MemoryLie permits UsedIndexLie, UsedIdLie, SuppressionLie, ConfigTear {}
