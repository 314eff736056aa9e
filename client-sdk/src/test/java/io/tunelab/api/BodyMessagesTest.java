package io.tunelab.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A request body that is not one document of its kind is named in words, never by a class or a parser setting. */
class BodyMessagesTest {
    @Test
    void aSecondDocumentAfterTheFirstIsNamedWithWhereItStarts() {
        assertThatThrownBy(() -> Json.read("{} {}", AskRequest.class))
                .isInstanceOf(TunelabException.class)
                .hasMessage("expected one ask request, found another after it, starting at line 1, column 4; send a single document");
        assertThatThrownBy(() -> Json.read("{\"step\": 1}\n[]", ReportRequest.class))
                .hasMessage("expected one report request, found another after it, starting at line 2, column 1; send a single document");
    }

    @Test
    void aNullOrEmptyBodyNamesWhatWasExpectedWithItsArticle() {
        assertThatThrownBy(() -> Json.read("null", AskRequest.class)).isInstanceOf(TunelabException.class)
                .hasMessage("the body is null; expected an ask request");
        assertThatThrownBy(() -> Json.read(" ", ReportRequest.class)).hasMessage("the body is empty; expected a report request");
        assertThatThrownBy(() -> Json.read("{\"lease\": ", AskRequest.class))
                .hasMessageStartingWith("could not parse the ask request: ");
    }

    @Test
    void anUnclosedObjectSaysWhereItWasOpenedWithoutTheParsersSettings() {
        assertThatThrownBy(() -> Json.tree("{")).isInstanceOf(TunelabException.class)
                .hasMessageContaining("expected close marker for Object (opened at line 1, column 1)")
                .hasMessageNotContaining("Source").hasMessageNotContaining("StreamReadFeature");
        assertThatThrownBy(() -> Json.read("{\"lease\": [true", AskRequest.class))
                .hasMessageNotContaining("Source").hasMessageNotContaining("StreamReadFeature");
    }

    @Test
    void yamlThatDoesNotParseSaysWhatTheParserExpectedAndWhere() {
        assertThatThrownBy(() -> Specs.parse("name: [unclosed\n")).isInstanceOf(TunelabException.MalformedBody.class)
                .hasMessageStartingWith("could not parse the sweep spec: expected ',' or ']'")
                .hasMessageContaining("while parsing a flow sequence that began at line 1, column 7");
        assertThatThrownBy(() -> Specs.parse("name: x\nobjective: {metric: loss, direction: minimize\nspace: {}\n"))
                .isInstanceOf(TunelabException.MalformedBody.class).hasMessageContaining("expected ',' or '}'");
        assertThatThrownBy(() -> Specs.parse("name: \"unterminated\n")).isInstanceOf(TunelabException.MalformedBody.class)
                .hasMessageContaining("found unexpected end of stream");
    }

    @Test
    void aValueOfTheWrongKindInJsonIsRefusedNotConverted() {
        assertThatThrownBy(() -> Specs.parse("{\"name\": true, \"objective\": {\"metric\": \"l\"}}"))
                .hasMessageContaining("name").hasMessageContaining("expected text");
        assertThatThrownBy(() -> Specs.parse("{\"name\": \"x\", \"objective\": {\"metric\": \"l\"}, \"budget\": {\"trials\": \"10\"}}"))
                .hasMessageContaining("budget.trials");
        assertThatThrownBy(() -> Json.read("{\"lease\": \"true\"}", AskRequest.class)).hasMessageContaining("lease");
        assertThatThrownBy(() -> Json.read("{\"step\": \"3\", \"values\": {\"loss\": 1}}", ReportRequest.class))
                .hasMessageContaining("step");
        assertThatThrownBy(() -> Json.read("{\"step\": 3, \"values\": {\"loss\": \"0.3\"}}", ReportRequest.class))
                .hasMessageContaining("values.loss");
        assertThat(Json.read("{\"step\": 3, \"values\": {\"loss\": \"Infinity\"}}", ReportRequest.class).values())
                .as("the special values stay numbers, refused later as not finite").containsEntry("loss", Double.POSITIVE_INFINITY);
    }

    @Test
    void aBodyOfCommentsOnlyIsNamedAsHoldingNoDocument() {
        assertThatThrownBy(() -> Specs.parse("# a sweep, written later\n\n# more\n")).isInstanceOf(TunelabException.class)
                .hasMessage("the body holds no document, only blank lines or comments; expected a sweep spec");
    }

    @Test
    void aNameNoUrlCanReachIsRefused() {
        for (String name : new String[]{".", ".."}) {
            assertThatThrownBy(() -> Specs.parse("name: \"" + name + "\"\nobjective: {metric: l}"))
                    .isInstanceOf(TunelabException.InvalidSpec.class).hasMessage("name \"" + name + "\" cannot be reached in a URL; "
                            + "add a letter, as lr-sweep-2");
        }
        assertThat(Specs.parse("name: \"...\"\nobjective: {metric: l}").name()).isEqualTo("...");
    }

    @Test
    void aValueThatIsNoneOfItsKindsListsThoseItCouldBe() {
        assertThatThrownBy(() -> Json.read("{\"state\": \"complete\", \"values\": {\"loss\": 1}}", TrialResult.class))
                .isInstanceOf(TunelabException.class)
                .hasMessage("state: unknown value \"complete\"; expected one of WAITING, RUNNING, COMPLETE, PRUNED, FAILED, "
                        + "RACED_OUT (COMPLETE, in its case)");
        assertThatThrownBy(() -> Json.read("{\"state\": \"DONE\"}", TrialResult.class))
                .hasMessageStartingWith("state: unknown value \"DONE\"; expected one of WAITING, RUNNING, COMPLETE")
                .hasMessageNotContaining("in its case");
    }
}
