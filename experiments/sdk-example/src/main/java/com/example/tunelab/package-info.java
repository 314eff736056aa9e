/**
 * A user's own program that tunes a plain-Java model through the Tunelab SDK: the README's
 * quick-start ({@code QuickStart}) and the model it tunes ({@code BreastCancerModel}). It uses
 * nothing of Tunelab but the SDK, as any project that imports {@code io.tunelab:tunelab-bom}.
 */
package com.example.tunelab;
