package io.tunelab.server.experiment;

import io.tunelab.api.ErrorCode;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.Json;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.RequestId;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TellReply;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.JdbcStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ids a tell with next stores its next trial under, and retries of tells on real H2 files: a
 * retry answers the trial the first attempt got, whichever form of id or of stored answer that
 * attempt used.
 */
class RequestsTest {
    @TempDir
    Path dir;
    JdbcStorage storage;
    Coordinator coordinator;
    ExperimentService service;
    long experimentId;

    @BeforeEach
    void open() {
        storage = JdbcStorage.openDataDirectory(dir);
        coordinator = Coordinator.open(storage, Instant::now, Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null);
        service = coordinator.experiments();
        experimentId = service.create(ExperimentSpec.builder("retries").minimize("loss").param("x", FloatParam.of(0, 1))
                .strategy(new StrategySpec("random", 5L, Map.of())).trials(10).build()).id();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void theNextTrialOfAnSdkTellIsStoredUnderTheTellsOwnIdSoConsecutiveTellsStayInOrder() {
        String first = RequestId.random();
        String later = RequestId.random();

        assertThat(Requests.nextOf(first)).isEqualTo("~n:" + first);
        assertThat(Requests.nextOf(first).length()).isLessThanOrEqualTo(RequestId.MAX_LENGTH);
        assertThat(Requests.nextOf((String) null)).isNull();
        assertThat(Requests.nextOf(first).compareTo(Requests.nextOf(later)))
                .as("ids made one after the other keep their order").isEqualTo(first.compareTo(later));
    }

    @Test
    void aTellIdTooLongToKeepIsHashedToFitTheStoredIds() {
        String longest = "r".repeat(RequestId.MAX_LENGTH);

        assertThat(Requests.nextOf(longest)).isEqualTo(Requests.hashedNextOf(longest)).startsWith("~next:");
        assertThat(Requests.nextOf(longest).length()).isLessThanOrEqualTo(RequestId.MAX_LENGTH);
        assertThat(Requests.nextOf("r".repeat(RequestId.MAX_LENGTH - 3))).startsWith("~n:");
    }

    @Test
    void aRetriedTellWithNextAnswersTheSameNextTrialAndAsksForNoOther() {
        TrialProposal asked = service.ask("retries");
        var result = TrialResult.complete(Map.of("loss", 0.5));

        TellReply reply = service.tellThenAsk(asked.id(), result, null, "tell-1");
        TellReply retried = service.tellThenAsk(asked.id(), result, null, "tell-1");

        assertThat(retried.next()).isEqualTo(reply.next());
        assertThat(storage.trials(experimentId)).hasSize(2);
    }

    @Test
    void aTellWithNextStoresOneAnswerHoldingTheNextTrialAndItsRetryAnswersThatTrialAfterARestart() {
        TrialProposal asked = service.ask("retries");
        var result = TrialResult.complete(Map.of("loss", 0.5));

        TellReply reply = service.tellThenAsk(asked.id(), result, null, "tell-6");

        assertThat(reply.next()).isNotNull();
        assertThat(storage.answer(Requests.nextOf("tell-6"))).as("no answer of its own for the next trial").isEmpty();
        assertThat(storage.answer("tell-6")).as("kept in the told trial's row, not in a row of its own").isEmpty();
        assertThat(storage.toldAnswer(asked.id(), "tell-6")).get().asString()
                .startsWith("{\"kind\":\"tell:" + asked.id() + "\",\"trial\":" + asked.id() + ",\"next\":{\"id\":" + reply.next().id());
        storage.close();
        storage = JdbcStorage.openDataDirectory(dir);
        service = Coordinator.open(storage, Instant::now, Events.NONE,
                new CoordinatorConfig(Duration.ofSeconds(30), 3, Duration.ofHours(1)), null).experiments();

        TellReply retried = service.tellThenAsk(asked.id(), result, null, "tell-6");

        assertThat(Json.write(retried)).isEqualTo(Json.write(reply));
        assertThat(storage.trials(experimentId)).as("no third trial handed out").hasSize(2);
    }

    @Test
    void aTellWithNextStoredAsTwoAnswersByTheReleaseBeforeIsStillAnsweredWithItsNextTrial() {
        // The first attempt, made by the release before: the tell's answer, and the next trial's under the tell's derived id.
        assertARetryAnswersTheNextTrialStoredApart("tell-7", Requests.nextOf("tell-7"));
    }

    @Test
    void aTellWithNextRetriedAfterAnUpgradeFindsTheTrialItsFirstAttemptStoredUnderTheHashedId() {
        // The first attempt, made by an older release: it told, asked, and stored the next trial under the hashed id.
        assertARetryAnswersTheNextTrialStoredApart("tell-2", Requests.hashedNextOf("tell-2"));
    }

    /** A tell with next under {@code requestId} whose first attempt stored the next trial as an answer of its own, under {@code storedUnder}. */
    private void assertARetryAnswersTheNextTrialStoredApart(String requestId, String storedUnder) {
        TrialProposal asked = service.ask("retries");
        var result = TrialResult.complete(Map.of("loss", 0.5));
        service.tell(asked.id(), result, null, requestId);
        TrialProposal handedOut = service.ask("retries");
        String kind = "ask:" + experimentId;
        storage.write(c -> c.putAnswer(storedUnder, kind, Json.write(new Requests.StoredAnswer(kind, handedOut)), Instant.now()));

        TellReply retried = service.tellThenAsk(asked.id(), result, null, requestId);

        assertThat(retried.next()).isEqualTo(handedOut);
        assertThat(storage.trials(experimentId)).as("no third trial handed out").hasSize(2);
    }

    @Test
    void aRetriedTellOfAFinishedTrialAnswersItsRowAsTheFirstTellDidAndStoresOnlyItsId() {
        TrialProposal asked = service.ask("retries");
        service.report(asked.id(), ReportRequest.of(1, Map.of("loss", 0.9)));
        service.report(asked.id(), ReportRequest.of(2, Map.of("loss", 0.7)));
        var result = TrialResult.complete(Map.of("loss", 0.5));

        Trial first = service.tell(asked.id(), result, null, "tell-3");
        Trial retried = service.tell(asked.id(), result, null, "tell-3");

        assertThat(Json.write(retried)).isEqualTo(Json.write(first));
        assertThat(retried.reports()).hasSize(2);
        assertThat(storage.toldAnswer(asked.id(), "tell-3")).get().asString()
                .isEqualTo("{\"kind\":\"tell:" + asked.id() + "\",\"trial\":" + asked.id() + "}");
        assertThat(storage.toldAnswer(asked.id(), "tell-other")).as("found by the trial and the id together").isEmpty();
    }

    @Test
    void aTellStoredAsItsTrialsIdByTheReleaseBeforeIsStillAnsweredFromTheRow() {
        TrialProposal asked = service.ask("retries");
        var result = TrialResult.complete(Map.of("loss", 0.5));
        Trial first = service.tell(asked.id(), result);
        String kind = "tell:" + asked.id();
        // Before schema version 20 a tell's answer was a row of the request table, under its id.
        storage.write(c -> c.putAnswer("tell-8", kind, Json.write(new Requests.StoredAnswer(kind, null, asked.id(), null)),
                Instant.now()));

        assertThat(Json.write(service.tell(asked.id(), result, null, "tell-8"))).isEqualTo(Json.write(first));
        assertThatThrownBy(() -> service.tell(asked.id(), result, null, "tell-9"))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TRIAL_FINISHED))
                .hasMessageContaining("request id \"tell-9\" has no stored answer");
    }

    @Test
    void aRequestIdThatToldOneTrialIsNotAnAnswerForAnother() {
        TrialProposal one = service.ask("retries");
        TrialProposal other = service.ask("retries");
        var result = TrialResult.complete(Map.of("loss", 0.5));
        service.tell(one.id(), result, null, "tell-10");
        service.tell(other.id(), result);

        assertThatThrownBy(() -> service.tell(other.id(), result, null, "tell-10"))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TRIAL_FINISHED))
                .hasMessageContaining("request id \"tell-10\" has no stored answer");
        assertThat(service.tell(one.id(), result, null, "tell-10").id()).as("still its own trial's answer").isEqualTo(one.id());
    }

    @Test
    void aTellStoredWholeByTheReleaseBeforeIsStillAnsweredWhole() {
        TrialProposal asked = service.ask("retries");
        Trial first = service.tell(asked.id(), TrialResult.complete(Map.of("loss", 0.5)));
        String kind = "tell:" + asked.id();
        storage.write(c -> c.putAnswer("tell-4", kind, Json.write(new Requests.StoredAnswer(kind, first)), Instant.now()));

        Trial retried = service.tell(asked.id(), TrialResult.complete(Map.of("loss", 0.5)), null, "tell-4");

        assertThat(Json.write(retried)).isEqualTo(Json.write(first));
    }

    @Test
    void anAnswerIsKeptWithItsTokenAndBodyAndAnAnswerStoredBeforeThemAnswersAnyRetry() {
        TrialProposal asked = service.ask("retries");
        var result = TrialResult.complete(Map.of("loss", 0.5));
        var key = RequestKey.of("tell-k", "alice", Json.writeBytes(result));
        service.tellThenAsk(asked.id(), result, "alice", key);
        assertThat(storage.toldAnswer(asked.id(), "tell-k")).get().asString().contains("\"by\":\"alice\"").contains("\"body\":\"" + key.body() + "\"");
        assertThat(service.tellThenAsk(asked.id(), result, "alice", key).trial()).isEqualTo(asked.id());
        assertThatThrownBy(() -> service.tellThenAsk(asked.id(), result, "bob", new RequestKey("tell-k", "bob", key.body())))
                .hasMessageContaining("by another token");
        assertThatThrownBy(() -> service.tellThenAsk(asked.id(), result, "alice", RequestKey.of("tell-k", "alice", new byte[] {'{', '}'})))
                .hasMessageContaining("with another body");
        // An in-process caller has neither to compare.
        assertThat(service.tellThenAsk(asked.id(), result, null, "tell-k").trial()).isEqualTo(asked.id());

        TrialProposal other = service.ask("retries");
        Trial first = service.tell(other.id(), result);
        String kind = "tell:" + other.id();
        storage.write(c -> c.putAnswer("tell-old", kind, Json.write(new Requests.StoredAnswer(kind, first)), Instant.now()));
        assertThat(service.tellLater(other.id(), result, "carol", RequestKey.of("tell-old", "carol", new byte[0]), Runnable::run).join().id())
                .isEqualTo(other.id());
    }

    @Test
    void aRetriedTellOfATrialWhoseExperimentWasDeletedIsRefusedAsNoTrialNotAnsweredFromNothing() {
        TrialProposal asked = service.ask("retries");
        service.tell(asked.id(), TrialResult.complete(Map.of("loss", 0.5)), null, "tell-5");
        service.stop("retries");
        coordinator.catalog().delete("retries", null);

        assertThatThrownBy(() -> service.tell(asked.id(), TrialResult.complete(Map.of("loss", 0.5)), null, "tell-5"))
                .isInstanceOfSatisfying(TunelabException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
