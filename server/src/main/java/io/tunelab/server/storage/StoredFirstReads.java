package io.tunelab.server.storage;

/**
 * What a browser reads first of an experiment, as its answers' JSON, stored beside the catalog
 * summary at the same revision (V18): the experiment, and the leaderboard's first page by value,
 * {@code ascending} and {@code descending} (the web UI asks for the first before it knows which
 * order is best first, and for the second when the experiment maximizes), with how many trials the
 * whole list holds ({@code X-Total-Count}); {@code build} names the build of the server that wrote
 * them, the only one that serves them.
 */
public record StoredFirstReads(String build, String experiment, int total, String ascending, String descending) {
}
