package io.tunelab.server.http.auth;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What a caller's scopes let through: any held scope granting any needed one. */
class PrincipalTest {
    @Test
    void aHeldScopeGrantsItselfWriteGrantsReadAndAdminGrantsAll() {
        var writer = new Principal("ci", Set.of(Scope.WRITE));
        assertThat(writer.allows(Scope.WRITE)).isTrue();
        assertThat(writer.allows(Scope.READ)).isTrue();
        assertThat(writer.allows(Scope.WORKER)).isFalse();
        assertThat(writer.allows(Scope.ADMIN)).isFalse();
        assertThat(writer.allows(Scope.ADMIN, Scope.WORKER, Scope.WRITE)).isTrue();
        assertThat(new Principal("admin", Set.of(Scope.ADMIN)).allows(Scope.WORKER)).isTrue();
        var worker = new Principal("gpu-1", Set.of(Scope.WORKER, Scope.READ));
        assertThat(worker.allows(Scope.WRITE)).isFalse();
        assertThat(worker.allows(Scope.WRITE, Scope.READ)).isTrue();
        assertThat(worker.allows()).isFalse();
    }
}
