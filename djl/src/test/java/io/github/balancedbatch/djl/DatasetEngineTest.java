package io.github.balancedbatch.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Tests of the dataset on the engine: after each, no pipeline thread may be left running. */
abstract class DatasetEngineTest extends EngineTest {
    @AfterEach
    void noThreadLeftBehind() {
        assertEquals(List.of(), List.copyOf(Fixtures.pipelineThreads()), "pipeline threads after the test");
    }
}
