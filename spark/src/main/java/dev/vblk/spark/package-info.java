/**
 * Fuzz campaigns and corpus replays as an Apache Spark application ({@link dev.vblk.spark.VblkSpark}):
 * a campaign's shards and a corpus's traces become Spark tasks that run the project's own
 * {@code FuzzCampaign} and {@code Replayer}, and the driver merges what they found.
 */
package dev.vblk.spark;
