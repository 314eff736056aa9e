package io.tunelab.server.experiment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Names from callers cannot forge log lines, hide text or flood the log. */
class LogTextTest {
    @Test
    void controlAndFormatCharactersBecomeVisibleEscapes() {
        assertThat(LogText.of("fake\n12:00 INFO admin token revoked")).isEqualTo("fake\\u000a12:00 INFO admin token revoked");
        assertThat(LogText.of("red\u001b[31m")).isEqualTo("red\\u001b[31m");
        assertThat(LogText.of("abc\u202Efdp.exe")).isEqualTo("abc\\u202efdp.exe");
        assertThat(LogText.of("line\u2028sep\r")).isEqualTo("line\\u2028sep\\u000d");
    }

    @Test
    void ordinaryNamesStayAsTheyAre() {
        assertThat(LogText.of("gpu-box-1")).isEqualTo("gpu-box-1");
        assertThat(LogText.of("résumé · 实验 ✓")).isEqualTo("résumé · 实验 ✓");
        assertThat(LogText.of(null)).isEqualTo("null");
    }

    @Test
    void longTextIsCut() {
        assertThat(LogText.of("x".repeat(10_000))).hasSize(LogText.MAX_CHARS + 1).endsWith("…");
        assertThat(LogText.of("x".repeat(LogText.MAX_CHARS))).hasSize(LogText.MAX_CHARS);
    }
}
