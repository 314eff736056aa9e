package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * A bearer token as the API shows it: its name, its scopes ({@code read}, {@code write},
 * {@code worker}, {@code admin}), when it was created and revoked. {@code secret} is present only
 * in the reply that created it: the server keeps nothing but its hash.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Token(String name, List<String> scopes, Instant created, Instant revoked, String secret) {
    public Token {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }
}
