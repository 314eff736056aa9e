/**
 * The HTTP face of the coordinator: Vert.x routes for the REST API, server-sent events, health,
 * metrics and the static web UI; stored models are sent from temporary files ({@code Downloads}); a HEAD
 * is answered with the Content-Length its GET carries where the GET knows it ({@code KnownLength}). The only package that knows Vert.x. Handlers parse a request
 * into a record, call the {@link io.tunelab.server.experiment.Coordinator}'s services on a virtual
 * thread (never on the event loop), and map the result or the error to a response. The SDK's
 * ask, tell and tell with next answer a future instead, which the thread that commits completes
 * ({@code Blocking.runLater}): the virtual thread ends once the write is queued. Where the domain
 * can plan one of those three without any wait (its experiment in memory, a quick strategy: the
 * services' {@code …Here} forms, which decline otherwise, having changed nothing), it is planned
 * right on the event loop and no virtual thread is started ({@code Blocking.runHereOrLater}).
 */
package io.tunelab.server.http;
