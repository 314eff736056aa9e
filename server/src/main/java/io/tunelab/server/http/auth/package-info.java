/**
 * Who may call the HTTP API, and from where: tokens (only their SHA-256 stored) and their
 * scopes, browser sessions with their anti-CSRF value and one-time login codes (stored, only
 * hashed, so they outlive a restart and count on every coordinator), and the checks
 * every request passes before a route sees it (Host, Origin, Content-Type, security headers,
 * authentication, scope). Routes and domain calls stay in {@code io.tunelab.server.http}; nothing
 * here knows experiments or trials.
 */
package io.tunelab.server.http.auth;
