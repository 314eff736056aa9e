package io.tunelab.server.http.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Remembered secrets: found by the whole secret only, never held as text, bounded. */
class VerifiedSecretsTest {
    private static final String SECRET = "tl_Zk3q9VbX0pL2mN7rT4wY6uI8oA1sD5fG3hJ9kL0zXcV";

    @Test
    void aSecretThatDiffersInOneCharacterAnywhereIsNotFound() {
        var verified = new VerifiedSecrets();
        verified.remember(SECRET, "ci");
        assertThat(verified.nameOf(SECRET)).contains("ci");
        for (int i = 0; i < SECRET.length(); i++) {
            char other = SECRET.charAt(i) == 'A' ? 'B' : 'A';
            String altered = SECRET.substring(0, i) + other + SECRET.substring(i + 1);
            assertThat(verified.nameOf(altered)).as("changed at %d", i).isEmpty();
        }
        assertThat(verified.nameOf(SECRET + "x")).isEmpty();
        assertThat(verified.nameOf(SECRET.substring(1))).isEmpty();
        assertThat(verified.nameOf("")).isEmpty();
    }

    @Test
    void eachSecretKeepsItsOwnTokenName() {
        var verified = new VerifiedSecrets();
        verified.remember(SECRET, "ci");
        verified.remember(SECRET.toLowerCase(), "reader");
        assertThat(verified.nameOf(SECRET)).contains("ci");
        assertThat(verified.nameOf(SECRET.toLowerCase())).contains("reader");
        assertThat(verified.size()).isEqualTo(2);
    }

    @Test
    void noSecretIsHeldAsText() throws IllegalAccessException {
        var verified = new VerifiedSecrets();
        verified.remember(SECRET, "ci");
        for (var field : VerifiedSecrets.class.getDeclaredFields()) {
            field.setAccessible(true);
            Object value = field.get(java.lang.reflect.Modifier.isStatic(field.getModifiers()) ? null : verified);
            assertThat(String.valueOf(value)).as(field.getName()).doesNotContain(SECRET);
        }
    }

    @Test
    void staysBoundedWhenManySecretsArrive() {
        var verified = new VerifiedSecrets();
        for (int i = 0; i < 3 * VerifiedSecrets.CAPACITY; i++) {
            verified.remember("tl_secret-" + i, "t");
            assertThat(verified.size()).isLessThanOrEqualTo(VerifiedSecrets.CAPACITY);
        }
        verified.remember(SECRET, "ci");
        assertThat(verified.nameOf(SECRET)).contains("ci");
    }
}
