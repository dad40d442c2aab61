package dev.vblk.fuzz.scratch;

import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.scenario.ScenarioJson;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void scratch() {
        String json = """
            {"seed":0,"device":{"capacitySectors":1,"offeredFeatures":1104611928662,"readOnly":false,"idString":"x","sizeMax":0,"segMax":254,"blkSize":512,"writeback":1,"maxDiscardSectors":4194303,"discardAlignment":1,"maxWriteZeroesSectors":4194303},
             "faults":{"overrides":[],"withheldFeatures":0,"refuseFeaturesOk":false,"unstableConfigReads":0,"extraInterruptBits":0},
             "allocator":{"refuseMultiFrame":false,"refuseAfter":-1},"outcomes":[],
             "steps":[{"step":"read","sector":0,"count":0},{"step":"read","sector":0,"count":2}]}""";
        System.out.println(new ScenarioRunner().run(ScenarioJson.fromJson(json)));
        for (String name : new String[] {"status-kind-with-interrupt-faults-seed-49c1698364792ac9", "status-kind-with-interrupt-faults-seed-d2ea80bcaf7ab8b"}) {
            try {
                String text = java.nio.file.Files.readString(java.nio.file.Path.of("../traces/regressions/" + name + ".scenario.json"));
                com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
                System.out.println(new ScenarioRunner().run(ScenarioJson.fromJson(node.get("scenario").toString())));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
