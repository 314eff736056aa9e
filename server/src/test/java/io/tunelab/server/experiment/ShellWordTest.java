package io.tunelab.server.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The names messages put into suggested commands, checked by a real POSIX shell reading them back as one word. */
class ShellWordTest {
    @Test
    void aPlainNameStaysAsItIsAndAnyOtherIsQuotedSoTheShellReadsItBackWhole() throws Exception {
        assertThat(ShellWord.of("lr-sweep_2.v1")).isEqualTo("lr-sweep_2.v1");
        assertThat(ShellWord.of("café")).isEqualTo("café");
        assertThat(ShellWord.of("sp ace")).isEqualTo("'sp ace'");
        for (String name : List.of("sp ace", "it's", "a$HOME", "*", "a;rm -rf x", "back\\slash", "`id`", "quote\"d", "tab\tbed")) {
            Process sh = new ProcessBuilder("sh", "-c", "printf '%s' " + ShellWord.of(name)).start();
            String word = new String(sh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(sh.waitFor()).isZero();
            assertThat(word).as(ShellWord.of(name)).isEqualTo(name);
        }
    }
}
