package io.tunelab.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VisibleTextTest {
    @Test
    void hiddenCharactersAreEscapedAndVisibleOnesKept() {
        assertThat(VisibleText.of("clear\u001b[2J\rline\u202e\u200b\u2028")).isEqualTo("clear\\u001b[2J\\u000dline\\u202e\\u200b\\u2028");
        assertThat(VisibleText.of("caf\u00e9 \u5b9e\u9a8c \ud83d\ude80")).isEqualTo("caf\u00e9 \u5b9e\u9a8c \ud83d\ude80");
        assertThat(VisibleText.of("ab\ud800cd\udc00")).isEqualTo("ab\\ud800cd\\udc00");
        assertThat(VisibleText.of(null)).isEqualTo("null");
        assertThat(VisibleText.firstHidden("lr-sweep")).isEqualTo(-1);
        assertThat(VisibleText.firstHidden("ab\u200bcd")).isEqualTo(2);
    }
}
