package io.tunelab.server.http;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.TrialState;
import io.tunelab.api.TunelabException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A tell's body read in one pass: the result's fields and, beside them, {@code "next"}; every
 * other field refused as before, and {@code next} only where a tell takes it.
 */
class TellRequestTest {
    @Test
    void aBodyWithNextTrueAsksForTheNextTrialWhereverTheFieldStands() {
        for (String body : new String[]{
                "{\"next\": true, \"state\": \"COMPLETE\", \"values\": {\"loss\": 0.5}}",
                "{\"state\": \"COMPLETE\", \"next\": true, \"values\": {\"loss\": 0.5}}",
                "{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.5}, \"next\": true}"}) {
            TellRequest tell = TellRequest.parse(body);

            assertThat(tell.next()).as(body).isTrue();
            assertThat(tell.result().state()).isEqualTo(TrialState.COMPLETE);
            assertThat(tell.result().values()).isEqualTo(Map.of("loss", 0.5));
        }
    }

    @Test
    void aBodyWithoutNextOrWithNextFalseIsATellAlone() {
        assertThat(TellRequest.parse("{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.5}}").next()).isFalse();
        assertThat(TellRequest.parse("{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.5}, \"next\": false}").next()).isFalse();
    }

    @Test
    void nextThatIsNotABooleanIsRefusedSayingWhatToSend() {
        for (String next : new String[]{"\"yes\"", "1", "null", "{}", "[true]"}) {
            assertThatThrownBy(() -> TellRequest.parse("{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.5}, \"next\": " + next + "}"))
                    .as(next).isInstanceOfSatisfying(TunelabException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                        assertThat(e.getMessage()).startsWith("next must be true or false").contains("send \"next\": true");
                    });
        }
    }

    @Test
    void anUnknownFieldIsRefusedWithTheKnownOnesAndNextIsNotTakenInsideARepetition() {
        assertThatThrownBy(() -> TellRequest.parse("{\"state\": \"COMPLETE\", \"values\": {\"loss\": 0.5}, \"nxt\": true}"))
                .isInstanceOfSatisfying(TunelabException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_BODY);
                    assertThat(e.getMessage()).contains("unknown field \"nxt\"").contains("known fields:").contains("values");
                });
        assertThatThrownBy(() -> TellRequest.parse("{\"state\": \"COMPLETE\", \"repetitions\": [{\"values\": {\"loss\": 0.5}, \"next\": true}]}"))
                .isInstanceOfSatisfying(TunelabException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_BODY);
                    assertThat(e.getMessage()).contains("unknown field \"next\"");
                });
    }

    @Test
    void aBodyThatIsNotOneResultIsRefused() {
        for (String body : new String[]{"", "null", "[]", "{\"state\": \"COMPLETE\"", "{\"next\": true, \"next\": true}",
                "{\"state\": \"COMPLETE\"} {}"}) {
            assertThatThrownBy(() -> TellRequest.parse(body)).as(body).isInstanceOfSatisfying(TunelabException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_BODY));
        }
    }

    @Test
    void readsOnManyThreadsAtOnceEachTakeTheirOwnNext() throws Exception {
        // The reader is shared; where a read puts its "next" is its own.
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            var reads = java.util.stream.IntStream.range(0, 4_000).mapToObj(i -> pool.submit(() -> {
                boolean asked = i % 3 == 0;
                String body = i % 2 == 0
                        ? "{\"state\": \"COMPLETE\", \"values\": {\"loss\": " + i + "}" + (asked ? ", \"next\": true}" : "}")
                        : "{" + (asked ? "\"next\": true, " : "\"next\": false, ") + "\"state\": \"COMPLETE\", \"values\": {\"loss\": " + i + "}}";
                TellRequest tell = TellRequest.parse(body);
                return tell.next() == asked && tell.result().values().get("loss") == i;
            })).toList();
            for (var read : reads) {
                assertThat(read.get()).isTrue();
            }
        }
    }
}
