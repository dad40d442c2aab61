package dev.vblk.fuzz.campaign;

/**
 * One of {@code count} parts of a campaign: shard {@code number} runs the cases whose index leaves
 * {@code number - 1} when divided by {@code count}, so the shards 1 to {@code count} together run
 * exactly the cases of the whole campaign, each once.
 *
 * @param number which part, from 1
 * @param count how many parts
 */
public record Shard(int number, int count) {

    /** The whole campaign in one part. */
    public static final Shard WHOLE = new Shard(1, 1);

    public Shard {
        if (count < 1 || number < 1 || number > count) {
            throw new IllegalArgumentException("a shard is I/N with 1 <= I <= N, not " + number + "/" + count);
        }
    }

    /**
     * Reads {@code I/N}.
     *
     * @throws IllegalArgumentException with a one-line reason when it is not such a pair
     */
    public static Shard parse(String text) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d{1,9})/(\\d{1,9})").matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("a shard is written I/N, such as 2/4, not '" + text + "'");
        }
        return new Shard(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)));
    }

    /** The index of this shard's first case. */
    public long firstCase() {
        return number - 1;
    }

    @Override
    public String toString() {
        return number + "/" + count;
    }
}
