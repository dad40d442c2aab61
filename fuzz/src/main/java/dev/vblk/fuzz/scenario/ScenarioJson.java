package dev.vblk.fuzz.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The JSON form of scenarios, as saved failures and the workload text of scenario traces hold
 * them: indented, readable and diffable, and read back into an equal {@link Scenario}.
 */
public final class ScenarioJson {

    /** The mapper for scenarios and the files that hold them. */
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ScenarioJson() {}

    /** {@code scenario} as indented JSON. */
    public static String toJson(Scenario scenario) {
        try {
            return MAPPER.writeValueAsString(scenario);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a scenario did not convert to JSON: " + e.getMessage(), e);
        }
    }

    /**
     * The scenario in {@code json}.
     *
     * @throws IllegalArgumentException if the text is not a scenario's JSON form
     */
    public static Scenario fromJson(String json) {
        try {
            return MAPPER.readValue(json, Scenario.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a scenario in JSON: " + e.getOriginalMessage(), e);
        }
    }
}
