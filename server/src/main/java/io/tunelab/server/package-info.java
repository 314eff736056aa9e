/**
 * The Tunelab server: {@link io.tunelab.server.Main} reads the command line into configuration
 * records ({@link io.tunelab.server.ServerConfig}) once and wires storage, the coordinator and
 * the HTTP API together. Below it: {@code http} (the only Vert.x code), {@code experiment} (the
 * coordinator's domain), {@code strategy} and {@code pruner} (search), {@code storage} (the only
 * SQL), {@code analysis} (statistics and rankings) and {@code cli} (the command line). Nothing
 * here reads the environment deep down, and nothing depends on this module.
 */
package io.tunelab.server;
