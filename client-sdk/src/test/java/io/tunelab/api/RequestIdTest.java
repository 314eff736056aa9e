package io.tunelab.api;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The SDK's request ids: valid for the server, unique, and in the order they were made. */
class RequestIdTest {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1," + RequestId.MAX_LENGTH + "}");

    @Test
    void idsAreValidUniqueVersion7UuidsThatSortInTheOrderTheyWereMade() throws InterruptedException {
        String earlier = RequestId.random();
        Thread.sleep(2);
        var ids = new HashSet<String>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestId.random();
            assertThat(id).matches(VALID);
            assertThat(UUID.fromString(id).version()).isEqualTo(7);
            assertThat(UUID.fromString(id).variant()).isEqualTo(2);
            assertThat(id.compareTo(earlier)).as("made later, sorts later").isPositive();
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void theFirst48BitsAreTheTimeInMilliseconds() {
        long before = System.currentTimeMillis();
        long stamped = UUID.fromString(RequestId.random()).getMostSignificantBits() >>> 16;
        long after = System.currentTimeMillis();

        assertThat(stamped).isBetween(before, after);
    }
}
