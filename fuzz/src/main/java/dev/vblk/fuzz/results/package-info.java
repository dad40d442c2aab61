/**
 * The results files of a fuzz campaign: {@link dev.vblk.fuzz.results.ResultFiles} names the Avro
 * files (one record per case, the failure corpus, the summary) and
 * {@link dev.vblk.fuzz.results.CampaignLog} writes them as the campaign runs, so a campaign stopped
 * midway leaves readable files; {@link dev.vblk.fuzz.results.ShardMerge} merges the files of shards
 * run apart into those of the whole campaign, and {@link dev.vblk.fuzz.results.CaseComparison} compares
 * two campaigns' case files record by record. {@code dev.vblk.fuzz.campaign} writes through it, and
 * the command line's {@code fuzz} and {@code fuzz merge} use it.
 */
package dev.vblk.fuzz.results;
