package io.tunelab.server.cli;

import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentState;
import io.tunelab.api.FloatParam;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


import static org.assertj.core.api.Assertions.assertThat;

/** {@code tunelab experiment ...} and {@code tunelab experiments --tag/--archived} against a real server, with bad input. */
class ExperimentCommandTest {
    @RegisterExtension
    final CliServer server = new CliServer();

    @BeforeEach
    void start() throws Exception {
        server.client().launch(ExperimentSpec.builder("cli-exp").minimize("loss").param("x", FloatParam.of(0, 1)).trials(3).build());
    }

    @Test
    void renameTagNotesArchiveAndTheFilteredList() {
        assertThat(server.run("experiment", "rename", "cli-exp", "cli-exp-2").exit()).isZero();
        var tagged = server.run("experiment", "tag", "cli-exp-2", "baseline", "cnn");
        assertThat(tagged.exit()).as(tagged.err()).isZero();
        assertThat(tagged.out()).contains("cli-exp-2").contains("tags: baseline, cnn");
        assertThat(server.run("experiment", "untag", "cli-exp-2", "cnn").out()).contains("tags: baseline").doesNotContain("cnn");
        assertThat(server.run("experiment", "notes", "cli-exp-2", "lr too high").out()).contains("notes: lr too high");
        assertThat(server.run("experiments", "--tag", "baseline").out()).contains("cli-exp-2");
        assertThat(server.run("experiments", "--tag", "other").out()).doesNotContain("cli-exp-2");
        assertThat(server.run("experiment", "archive", "cli-exp-2").out()).contains("archived");
        assertThat(server.run("experiments").out()).doesNotContain("cli-exp-2");
        assertThat(server.run("experiments", "--archived").out()).contains("cli-exp-2");
        assertThat(server.run("experiment", "unarchive", "cli-exp-2").exit()).isZero();
        Experiment e = server.client().describe("cli-exp-2");
        assertThat(e.summary().labels().tags()).containsExactly("baseline");
        assertThat(e.summary().labels().archived()).isFalse();
        assertThat(e.updatedBy()).isEqualTo("admin");
    }

    @Test
    void cloneAndDeleteWhichNeedsYesAndAStoppedExperiment() {
        var cloned = server.run("experiment", "clone", "cli-exp", "cli-exp-copy");
        assertThat(cloned.exit()).as(cloned.err()).isZero();
        assertThat(cloned.out()).contains("cloned cli-exp as cli-exp-copy");
        var unconfirmed = server.run("experiment", "delete", "cli-exp");
        assertThat(unconfirmed.exit()).isEqualTo(2);
        assertThat(unconfirmed.err()).contains("run again with --yes");
        var running = server.run("experiment", "delete", "cli-exp", "--yes");
        assertThat(running.exit()).isEqualTo(2);
        assertThat(running.err()).contains("is RUNNING; stop or pause it first (tunelab experiment stop cli-exp,");
        server.client().stop("cli-exp");
        assertThat(server.run("experiment", "delete", "cli-exp", "--yes").out()).contains("deleted cli-exp");
        assertThat(server.client().experiments()).extracting(s -> s.name()).containsExactly("cli-exp-copy");
    }

    @Test
    void pauseAndStopFromTheCommandLineWithTheirRefusals() {
        var paused = server.run("experiment", "pause", "cli-exp");
        assertThat(paused.exit()).as(paused.err()).isZero();
        assertThat(paused.out()).contains("cli-exp (id ").contains("is PAUSED").contains("tunelab sweep resume cli-exp");
        assertThat(server.client().describe("cli-exp").state()).isEqualTo(ExperimentState.PAUSED);
        var stopped = server.run("experiment", "stop", "cli-exp");
        assertThat(stopped.out()).contains("is STOPPED");
        assertThat(server.client().describe("cli-exp").state()).isEqualTo(ExperimentState.STOPPED);
        assertThat(server.client().describe("cli-exp").updatedBy()).isEqualTo("admin");
        var pauseStopped = server.run("experiment", "pause", "cli-exp");
        assertThat(pauseStopped.exit()).isEqualTo(2);
        assertThat(pauseStopped.err()).contains("STOPPED");
        assertThat(server.client().describe("cli-exp").state()).as("unchanged").isEqualTo(ExperimentState.STOPPED);
        var missing = server.run("experiment", "stop", "nope");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no experiment with id or name \"nope\"; list them with tunelab experiments");
        assertThat(server.run("experiment", "stop", "").err()).contains("the experiment's name or id is empty");
        assertThat(server.run("experiment", "delete", "cli-exp", "--yes").out()).contains("deleted cli-exp");
    }

    @Test
    void anEmptyOrMalformedTagFilterIsRefusedAndAnEmptyFilteredListSaysWhy() {
        var empty = server.run("experiments", "--tag", "");
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("--tag: tag \"\" is not valid; a tag is 1 to 64 letters");
        assertThat(empty.out()).doesNotContain("cli-exp");
        assertThat(server.run("experiments", "--tag", "a b").err()).contains("--tag: tag \"a b\" is not valid");
        assertThat(server.run("experiments", "--tag", "other").out()).contains("no experiments with tag other").doesNotContain("yet");
        server.run("experiment", "archive", "cli-exp");
        assertThat(server.run("experiments").out()).contains("no experiments shown: 1 archived left out; add --archived");
    }

    @Test
    void badInputIsAnErrorThatSaysWhatIsRightAndChangesNothing() {
        var missing = server.run("experiment", "rename", "nope", "x1");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no experiment with id or name \"nope\"");
        var badTag = server.run("experiment", "tag", "cli-exp", "has space");
        assertThat(badTag.exit()).isEqualTo(2);
        assertThat(badTag.err()).contains("tag \"has space\" is not valid");
        var taken = server.run("experiment", "clone", "cli-exp", "cli-exp");
        assertThat(taken.exit()).isEqualTo(2);
        assertThat(taken.err()).contains("exists already");
        var noArgs = server.run("experiment", "tag", "cli-exp");
        assertThat(noArgs.exit()).isNotZero();
        assertThat(noArgs.err()).contains("Missing required parameter");
        Experiment e = server.client().describe("cli-exp");
        assertThat(e.summary().labels().tags()).isEmpty();
        assertThat(server.client().experiments()).hasSize(1);
    }
}
