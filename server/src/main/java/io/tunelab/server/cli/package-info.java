/**
 * The {@code tunelab} command line: {@code server}, {@code sweep run}, {@code sweep resume},
 * {@code experiments}, {@code leaderboard}, {@code export}, {@code enqueue}, {@code import}, {@code finalize}, {@code model get}
 * (the model to hand over: the finalization's refit model, else the best trial's) and {@code demo}. Client
 * commands speak to a server through the SDK only; {@code Progress} shows a running sweep and waits
 * for a server that stops answering; {@code server} and {@code demo} start one in
 * this process.
 */
package io.tunelab.server.cli;
