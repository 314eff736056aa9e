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
        // Loops, not streams: every request asks this.
        for (Scope needed : anyOf) {
            for (Scope held : scopes) {
                if (held.grants(needed)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The scopes' wire names, in declaration order. */
    public List<String> scopeNames() {
        return Arrays.stream(Scope.values()).filter(scopes::contains).map(Scope::wireName).toList();
    }
}
