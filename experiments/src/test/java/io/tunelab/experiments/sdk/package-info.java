/**
 * The SDK as a user's project meets it: installed by {@code ./tunelab install-sdk} into the
 * local Maven repository, imported through the BOM by {@code experiments/sdk-example}, built by
 * Maven on its own and run against a real server process; and the README's quick-start kept
 * equal to that example's code.
 */
package io.tunelab.experiments.sdk;
