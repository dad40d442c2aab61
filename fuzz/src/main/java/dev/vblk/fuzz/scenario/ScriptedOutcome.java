package dev.vblk.fuzz.scenario;

/**
 * The outcome the device gives the request it decodes as number {@code requestIndex} (counting from
 * 0 over the device's whole life, across resets); unlisted requests complete normally.
 */
public record ScriptedOutcome(int requestIndex, OutcomeSpec outcome) {

    public ScriptedOutcome {
        if (requestIndex < 0) {
            throw new IllegalArgumentException("request index must not be negative: " + requestIndex);
        }
    }

    @Override
    public String toString() {
        return "request #" + requestIndex + ": " + outcome;
    }
}
