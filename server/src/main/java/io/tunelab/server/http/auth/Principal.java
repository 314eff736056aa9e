package io.tunelab.server.http.auth;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Who makes a request: the name of the token it carries (or its session's) and that token's scopes. */
public record Principal(String name, Set<Scope> scopes) {
    public Principal {
        scopes = Set.copyOf(scopes);
    }

    /** Whether any held scope grants any of {@code anyOf}. */
    public boolean allows(Scope... anyOf) {
        return Arrays.stream(anyOf).anyMatch(needed -> scopes.stream().anyMatch(held -> held.grants(needed)));
    }

    /** The scopes' wire names, in declaration order. */
    public List<String> scopeNames() {
        return Arrays.stream(Scope.values()).filter(scopes::contains).map(Scope::wireName).toList();
    }
}
