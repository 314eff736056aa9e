package io.tunelab.api;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A lease request names its worker and runners in bounded, printable text. */
class LeaseRequestTest {
    @Test
    void runnersAndTheWorkerNameAreBoundedAndPrintable() {
        assertThatThrownBy(() -> new LeaseRequest("w1", Collections.nCopies(65, "dl4j"), 0)).isInstanceOf(TunelabException.class)
                .hasMessage("runners lists 65 runners; a worker has at most 64");
        assertThatThrownBy(() -> new LeaseRequest("w1", List.of("r".repeat(201)), 0))
                .hasMessageStartingWith("runners holds a name of 201 characters; a runner is named as its tasks name it");
        assertThatThrownBy(() -> new LeaseRequest("w1", List.of(""), 0)).hasMessageStartingWith("runners holds an empty name");
        assertThatThrownBy(() -> new LeaseRequest("w1", List.of("dl\n4j"), 0))
                .hasMessageStartingWith("runners holds a name with a control character");
        assertThatThrownBy(() -> new LeaseRequest("w\n1", null, 0)).hasMessageStartingWith("worker holds a control character");
        assertThatThrownBy(() -> Json.read("{\"worker\": \"w1\", \"runners\": [\"" + "x".repeat(300) + "\"]}", LeaseRequest.class))
                .isInstanceOf(TunelabException.class).hasMessageContaining("runners holds a name of 300 characters");
        assertThat(new LeaseRequest("host-1:4242", List.of("dl4j", "tribuo"), 5).runners()).containsExactly("dl4j", "tribuo");
        assertThat(new LeaseRequest("host-1:4242", null, null).runners()).containsExactly("dl4j");
    }
}
