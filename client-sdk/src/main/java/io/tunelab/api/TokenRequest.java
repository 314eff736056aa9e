package io.tunelab.api;

import java.util.List;

/** The body of {@code POST /api/tokens}: a new token's unique name and its scopes. */
public record TokenRequest(String name, List<String> scopes) {
    public TokenRequest {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }
}
