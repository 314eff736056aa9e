/**
 * End-to-end tests of the web UI in a real browser (Debian's headless chromium through its
 * chromedriver) against a real server process with seeded experiments. {@code Browser} wraps
 * WebDriver with what the tests need: waiting, pixel counts of charts, screenshots to
 * {@code target/screenshots/}, and the console's errors. Tagged {@code slow}.
 */
package io.tunelab.experiments.web;
