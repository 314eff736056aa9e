package io.tunelab.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeedsTest {
    @Test
    void theSameSeedTrialAndSaltGiveTheSameDraws() {
        assertThat(Seeds.forTrial(7, 3, "lr").nextLong()).isEqualTo(Seeds.forTrial(7, 3, "lr").nextLong());
        assertThat(Seeds.forTrial(7, 3).nextLong()).isEqualTo(Seeds.forTrial(7, 3, null).nextLong());
    }

    @Test
    void aTrialsDrawsStayTheSameAcrossVersionsSoAResumedExperimentContinuesItsSequence() {
        assertThat(Seeds.forTrial(7, 3, "lr").nextLong()).isEqualTo(4109197415420781034L);
        assertThat(Seeds.forTrial(7, 3).nextLong()).isEqualTo(7250273413821410515L);
    }

    @Test
    void anotherSeedTrialOrSaltGivesOtherDraws() {
        long draw = Seeds.forTrial(7, 3, "lr").nextLong();
        assertThat(Seeds.forTrial(8, 3, "lr").nextLong()).isNotEqualTo(draw);
        assertThat(Seeds.forTrial(7, 4, "lr").nextLong()).isNotEqualTo(draw);
        assertThat(Seeds.forTrial(7, 3, "momentum").nextLong()).isNotEqualTo(draw);
    }

    @Test
    void mixingSpreadsNeighbouringSeedsFarApart() {
        assertThat(Long.bitCount(Seeds.mix(1) ^ Seeds.mix(2))).isGreaterThan(16);
    }
}
