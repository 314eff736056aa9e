/**
 * The Java client of a Tunelab server: {@link io.tunelab.client.TunelabClient} speaks the REST
 * API over Apache HttpClient's classic client (through the package-private {@code Transport},
 * the only class that knows it) with Jackson; {@link io.tunelab.client.ExperimentHandle} is
 * one experiment (ask, tell, report, optimize, leaderboard, pause, resume, stop);
 * {@link io.tunelab.client.TrialContext} is what a user's objective function sees. Server
 * errors come back as the {@link io.tunelab.api.TunelabException} subclass of their code.
 * Also what the worker and the experiments share with the SDK, since they may depend on
 * nothing else of Tunelab: {@link io.tunelab.client.LeaseHeartbeats}, the loop that keeps
 * leases alive, and {@link io.tunelab.client.JvmCommand}, the command line of Tunelab's own
 * server and worker processes. No Vert.x here.
 */
package io.tunelab.client;
