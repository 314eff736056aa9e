package io.tunelab.client;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tunelab.api.Decision;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Experiment;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.ExperimentSummary;
import io.tunelab.api.ExportFormat;
import io.tunelab.api.Heartbeat;
import io.tunelab.api.Json;
import io.tunelab.api.Lease;
import io.tunelab.api.LeaseRequest;
import io.tunelab.api.Param;
import io.tunelab.api.ReportReply;
import io.tunelab.api.ReportRequest;
import io.tunelab.api.RequestId;
import io.tunelab.api.Token;
import io.tunelab.api.TokenRequest;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TrialResult;
import io.tunelab.api.TunelabException;
import io.tunelab.client.Transport.Reply;
import io.tunelab.client.Transport.Request;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A connection to a Tunelab server, or to several coordinators of one (their URLs comma-separated,
 * or one load balancer's URL). Thread-safe: one client may serve many threads (the optimize loop
 * and workers share one). Every call is a single HTTP request; server errors are thrown as the
 * {@link TunelabException} subclass of their code, an unreachable server as
 * {@link TunelabException.Unavailable}.
 *
 * <p>Fail-over: a request that never reached a server goes to the next URL; one whose connection
 * dropped after it was sent goes to the next only when repeating it is harmless: reads, heartbeats
 * and reports (a report replaces its step), and asks and tells, which carry a request id
 * ({@link RequestId}) so that a server answers a retry with the first answer instead of applying
 * it twice. A URL that answered is used for the following requests.
 */
public final class TunelabClient implements AutoCloseable {
    private static final byte[] ASK = "{}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ASK_LEASED = "{\"lease\": true}".getBytes(StandardCharsets.UTF_8);

    private final Servers servers;
    private final Transport transport;

    private TunelabClient(Servers servers, String token) {
        this.servers = servers;
        this.transport = new Transport(token);
    }

    /**
     * A client without a token for the server at {@code url}, such as {@code http://127.0.0.1:8080}:
     * it can check {@link #isHealthy()}; every other call answers {@link TunelabException.Unauthenticated}.
     */
    public static TunelabClient connect(String url) {
        return connect(url, null);
    }

    /**
     * A client for the server at {@code url} that sends {@code token} (as {@code tl_…}) with every
     * request. The token's scopes decide what it may do: {@code read}, {@code write} (launch,
     * pause, resume, stop, ask, tell), {@code worker}, {@code admin}. Several coordinators of one
     * server are given as their URLs separated by commas ({@code http://a:8080,http://b:8080}).
     */
    public static TunelabClient connect(String url, String token) {
        if (token != null && (token.isBlank() || token.strip().chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "the token is empty or holds spaces or control characters; "
                    + "give the token as the server printed it, as tl_…");
        }
        return new TunelabClient(Servers.parse(url), token == null ? null : token.strip());
    }

    public static TunelabClient connect(URI url, String token) {
        return connect(url.toString(), token);
    }

    /** The URL of the server that answered last (the first given, before any request). */
    public URI url() {
        return base();
    }

    /** Every server URL this client tries, in order. */
    public List<URI> urls() {
        return servers.all();
    }

    private URI base() {
        return servers.current();
    }

    // ---------------------------------------------------------------- experiments

    /** Creates the experiment of a spec and returns a handle to it. */
    public ExperimentHandle launch(ExperimentSpec spec) {
        Experiment e = send("POST", "/api/experiments", Json.write(spec), Experiment.class);
        return new ExperimentHandle(this, e);
    }

    /** Creates an experiment from YAML or JSON spec text (the server parses and validates it). */
    public ExperimentHandle launch(String specText) {
        Experiment e = send("POST", "/api/experiments", specText, Experiment.class);
        return new ExperimentHandle(this, e);
    }

    /** Opens an existing experiment by name or id. */
    public ExperimentHandle experiment(String ref) {
        return new ExperimentHandle(this, describe(ref));
    }

    /** Every experiment's summary. */
    public List<ExperimentSummary> experiments() {
        return send("GET", "/api/experiments", null, new TypeReference<>() { });
    }

    /** One experiment with its spec and summary. */
    public Experiment describe(String ref) {
        return send("GET", "/api/experiments/" + encode(ref), null, Experiment.class);
    }

    /** Asks the experiment's strategy for a new trial. */
    public TrialProposal ask(String ref) {
        return ask(ref, Duration.ZERO);
    }

    /** {@link #ask(String)}, sent again under the same request id while the server cannot be reached, for up to {@code wait}. */
    TrialProposal ask(String ref, Duration wait) {
        return decode(exchange(new Request("POST", "/api/experiments/" + encode(ref) + "/trials", json(ASK), RequestId.random()), true,
                wait), TrialProposal.class);
    }

    /**
     * Asks for a trial held under a lease: renew it with {@link #heartbeat} and send its lease id
     * with reports and the result. Should this process die, the lease expires and the trial goes
     * to the next ask.
     */
    public TrialProposal askLeased(String ref) {
        return askLeased(ref, Duration.ZERO);
    }

    /** {@link #askLeased(String)}, sent again under the same request id while the server cannot be reached, for up to {@code wait}. */
    TrialProposal askLeased(String ref, Duration wait) {
        return decode(exchange(new Request("POST", "/api/experiments/" + encode(ref) + "/trials", json(ASK_LEASED), RequestId.random()),
                true, wait), TrialProposal.class);
    }

    /**
     * The experiment's trials in number order, every one of them: read a page of
     * {@value #TRIALS_PAGE} (the most the server answers at once) at a time.
     */
    public List<Trial> trials(String ref) {
        return trials(ref, TRIALS_PAGE);
    }

    /** The most trials the server answers in one page ({@code limit} of {@code GET .../trials}). */
    static final int TRIALS_PAGE = 10_000;

    /** {@link #trials(String)}, {@code page} trials per request. */
    List<Trial> trials(String ref, int page) {
        var all = new ArrayList<Trial>();
        while (true) {
            List<Trial> got = send("GET", "/api/experiments/" + encode(ref) + "/trials?sort=number&offset=" + all.size()
                    + "&limit=" + page, null, new TypeReference<List<Trial>>() { });
            all.addAll(got);
            if (got.size() < page) {
                return all;
            }
        }
    }

    /**
     * The best {@code limit} complete trials of the significance-aware leaderboard: the best,
     * those tied with it, then the worse ones; each with its {@link Trial#rank()}.
     */
    public List<Trial> leaderboard(String ref, int limit) {
        return send("GET", "/api/experiments/" + encode(ref) + "/leaderboard?limit=" + limit, null, new TypeReference<>() { });
    }

    /** The non-dominated trials of a multi-objective experiment. */
    public List<Trial> pareto(String ref) {
        return send("GET", "/api/experiments/" + encode(ref) + "/pareto", null, new TypeReference<>() { });
    }

    /**
     * Writes every trial of the experiment to {@code out} as a table in {@code format}, one row
     * per trial with its params, values, statistics, state and times, as
     * {@code GET /api/experiments/{ref}/trials.csv} (or {@code .json}) answers; streamed, so an
     * experiment of any size fits. Nothing is written when the server refuses, as with
     * {@link TunelabException.NotFound} for an unknown experiment.
     */
    public void exportTrials(String ref, ExportFormat format, OutputStream out) {
        download(Request.of("GET", "/api/experiments/" + encode(ref) + "/trials." + format.extension()), out, "the export of \"" + ref + "\"");
    }

    public Experiment pause(String ref) {
        return send("POST", "/api/experiments/" + encode(ref) + "/pause", "{}", Experiment.class);
    }

    /** Resumes; a non-null budget replaces the old budget's fields that it sets. */
    public Experiment resume(String ref, io.tunelab.api.Budget budget) {
        String body = budget == null ? "{}" : Json.write(new io.tunelab.api.ResumeRequest(budget));
        return send("POST", "/api/experiments/" + encode(ref) + "/resume", body, Experiment.class);
    }

    public Experiment stop(String ref) {
        return send("POST", "/api/experiments/" + encode(ref) + "/stop", "{}", Experiment.class);
    }

    /** Asks a worker to refit the winner on the rows outside the task's test split and score it on that split. */
    public io.tunelab.api.Finalization finalizeWinner(String ref) {
        return send("POST", "/api/experiments/" + encode(ref) + "/finalize", "{}", io.tunelab.api.Finalization.class);
    }

    /** The experiment's finalization: the winner, its selection score, and its test score once known. */
    public io.tunelab.api.Finalization finalization(String ref) {
        return send("GET", "/api/experiments/" + encode(ref) + "/finalization", null, io.tunelab.api.Finalization.class);
    }

    /** Each param's share of the variance of objective {@code objective} (0 is the first) over the complete trials. */
    public io.tunelab.api.ParamImportance importance(String ref, int objective) {
        return send("GET", "/api/experiments/" + encode(ref) + "/importance?objective=" + objective, null, io.tunelab.api.ParamImportance.class);
    }

    // ---------------------------------------------------------------- trials

    public Trial trial(long id) {
        return send("GET", "/api/trials/" + id, null, Trial.class);
    }

    /** Reports an intermediate value; the answer says whether the trial should stop. */
    public Decision report(long trialId, ReportRequest request) {
        return send("POST", "/api/trials/" + trialId + "/reports", Json.write(request), ReportReply.class).decision();
    }

    /** Tells the trial's result. Acknowledged results are durable. */
    public void result(long trialId, TrialResult result) {
        result(trialId, result, Duration.ZERO);
    }

    /**
     * {@link #result(long, TrialResult)} under {@code requestId} (1 to 64 letters, digits or
     * {@code . _ : -}): a caller that tells again after a lost reply, under the same id, is
     * answered as the first tell was instead of being refused as telling a finished trial.
     */
    public void result(long trialId, TrialResult result, String requestId) {
        result(trialId, result, requestId, Duration.ZERO);
    }

    /** {@link #result(long, TrialResult)}, sent again under the same request id while the server cannot be reached, for up to {@code wait}. */
    void result(long trialId, TrialResult result, Duration wait) {
        result(trialId, result, RequestId.random(), wait);
    }

    private void result(long trialId, TrialResult result, String requestId, Duration wait) {
        // The reply would be the stored trial; the caller has what it told, so it asks for none (204).
        check(exchange(new Request("POST", "/api/trials/" + trialId + "/result", json(Json.writeBytes(result)), requestId, true),
                false, wait));
    }

    /** Who the server says the caller is, {@code {name, scopes}}: the cheapest authenticated request. */
    public Map<String, Object> session() {
        return send("GET", "/api/session", null, new TypeReference<>() { });
    }

    /** Asks for a value of a param the trial's code defines while running (define-by-run). */
    public Object suggest(long trialId, String name, Param param) {
        Map<String, Object> reply = send("POST", "/api/trials/" + trialId + "/suggest",
                Json.write(new io.tunelab.api.SuggestRequest(name, param)), new TypeReference<>() { });
        return reply.get("value");
    }

    // ---------------------------------------------------------------- workers

    /** Leases one trial (waiting up to the request's wait time), or empty when there is no work. */
    public Optional<Lease> lease(LeaseRequest request) {
        return lease(request, RequestId.random());
    }

    /**
     * {@link #lease(LeaseRequest)} under {@code requestId} (1 to 64 letters, digits or
     * {@code . _ : -}): a worker that sends the request again under the same id after a lost reply
     * (a dropped connection, a restarted server) gets the lease the first attempt got, instead of
     * a second trial while the first waits for its lease to expire.
     */
    public Optional<Lease> lease(LeaseRequest request, String requestId) {
        // The server holds a lease request open until there is work: an interrupt (a worker stopping) ends the wait.
        Request post = new Request("POST", "/api/leases", json(Json.writeBytes(request)), requestId);
        boolean repeatable = Servers.repeatable(post);
        Reply r = servers.send(repeatable, server -> onward(transport.exchangeInterruptibly(server, post), repeatable));
        if (r.status() == 204) {
            return Optional.empty();
        }
        return Optional.of(decode(r, Lease.class));
    }

    /** Renews a lease. */
    public Heartbeat heartbeat(long trialId, String leaseId) {
        return send("POST", "/api/trials/" + trialId + "/heartbeat", Json.write(Map.of("leaseId", leaseId)), Heartbeat.class);
    }

    /** Gives a leased trial back to the server for another worker, without counting an expired lease. */
    public void release(long trialId, String leaseId) {
        check(exchange("POST", "/api/trials/" + trialId + "/release", Json.write(Map.of("leaseId", leaseId))));
    }

    /** Records a trial's score on held-out test rows (a worker's finalization adds its lease id). */
    public io.tunelab.api.Finalization test(long trialId, io.tunelab.api.TestResult result) {
        return send("POST", "/api/trials/" + trialId + "/test", Json.write(result), io.tunelab.api.Finalization.class);
    }

    /** Uploads the trained model of a leased trial. */
    public void uploadModel(long trialId, String leaseId, byte[] model) {
        check(exchange(new Request("PUT", "/api/trials/" + trialId + "/model?leaseId=" + encode(leaseId),
                new ByteArrayEntity(model, Transport.OCTETS), null), false));
    }

    /** Downloads a trial's model file. */
    public byte[] downloadModel(long trialId) {
        return check(exchange(Request.of("GET", "/api/trials/" + trialId + "/model"), true)).body();
    }

    /** Streams trial {@code trialId}'s own model to {@code out}; nothing is written when the server refuses (404 without one). */
    public void downloadModel(long trialId, OutputStream out) {
        download(Request.of("GET", "/api/trials/" + trialId + "/model"), out, "the download of trial " + trialId + "'s model");
    }

    /**
     * Streams the refit model of the experiment's finalization (size and SHA-256 in {@link #finalization}) to
     * {@code out}; nothing is written when the server refuses (404 without a finalization or a refit model yet).
     */
    public void downloadFinalizationModel(String ref, OutputStream out) {
        download(Request.of("GET", "/api/experiments/" + encode(ref) + "/finalization/model"), out,
                "the download of the refit model of \"" + ref + "\"");
    }

    /**
     * Stores the data-quality report of an experiment's dataset, as the worker that prepared the
     * data for one of its trials, under that trial's lease {@code leaseId}; {@code usable: false}
     * stops a running or paused experiment.
     */
    public void putDataReport(String ref, String leaseId, Map<String, Object> report) {
        // Without a lease the server answers what is missing (400), rather than this method failing on null.
        send("PUT", "/api/experiments/" + encode(ref) + "/data-report" + (leaseId == null ? "" : "?leaseId=" + encode(leaseId)),
                Json.write(report),
                new TypeReference<Map<String, Object>>() { });
    }

    /** The stored data-quality report, or empty when there is none yet. */
    public Optional<Map<String, Object>> dataReport(String ref) {
        try {
            return Optional.of(send("GET", "/api/experiments/" + encode(ref) + "/data-report", null, new TypeReference<>() { }));
        } catch (TunelabException.NotFound e) {
            if (e.details().containsKey("experiment")) {
                throw e;
            }
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- tokens (admin)

    /** Creates a token with these scopes; the answer holds its secret, which the server does not keep. */
    public Token createToken(String name, List<String> scopes) {
        return send("POST", "/api/tokens", Json.write(new TokenRequest(name, scopes)), Token.class);
    }

    /** Every token, revoked ones included; never a secret. */
    public List<Token> tokens() {
        return send("GET", "/api/tokens", null, new TypeReference<>() { });
    }

    /** Revokes a token at once: requests with it are refused from now on. */
    public Token revokeToken(String name) {
        return send("DELETE", "/api/tokens/" + encode(name), null, Token.class);
    }

    /** Whether the server answers its health check. */
    public boolean isHealthy() {
        try {
            return exchange(Request.of("GET", "/health"), false).status() == 200;
        } catch (TunelabException e) {
            return false;
        }
    }

    @Override
    public void close() {
        transport.close();
    }

    // ---------------------------------------------------------------- plumbing

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A JSON request body of UTF-8 bytes. */
    static HttpEntity json(byte[] body) {
        return new ByteArrayEntity(body, Transport.JSON);
    }

    /** One request with a JSON body, or none when {@code body} is null; the reply's body is read. */
    private Reply exchange(String method, String path, String body) {
        return exchange(new Request(method, path, body == null ? null : json(body.getBytes(StandardCharsets.UTF_8)), null), true);
    }

    /** Sends one request (to the next servers as {@link Servers} allows); the reply's body is read only for an error unless {@code keepBody}. */
    Reply exchange(Request request, boolean keepBody) {
        return exchange(request, keepBody, Duration.ZERO);
    }

    /**
     * {@link #exchange(Request, boolean)}, a repeatable request sent again while no server can be
     * reached, for up to {@code wait}, and while one answers {@code 503 UNAVAILABLE}: a server that
     * is stopping refuses so what it has not applied, and a repeatable request's next attempt is
     * answered as its first would have been. Such a refusal sends it on to the next server URL at
     * once, as a refused connection does; the stopping server is tried again only after the others.
     */
    Reply exchange(Request request, boolean keepBody, Duration wait) {
        boolean repeatable = Servers.repeatable(request);
        return servers.send(repeatable, wait, server -> onward(transport.exchange(server, request, keepBody), repeatable));
    }

    /**
     * {@code r}, unless it is a stopping server's refusal of a {@code repeatable} request it did not
     * apply ({@code 503 UNAVAILABLE} from Tunelab): then {@link Servers.Refused}, which sends the
     * request on to the next server.
     */
    private Reply onward(Reply r, boolean repeatable) throws Servers.Refused {
        if (r.status() == ErrorCode.UNAVAILABLE.status() && repeatable
                && error(r.status(), new String(r.body(), StandardCharsets.UTF_8)) instanceof TunelabException.Unavailable stopping) {
            throw new Servers.Refused(stopping);
        }
        return r;
    }

    /**
     * Streams the body of a GET's reply to {@code out}; nothing is written when the server refuses.
     * Once the reply has come, a failure is {@code what} stopping, never sent again to another server.
     */
    void download(Request request, OutputStream out, String what) {
        servers.send(true, server -> transport.execute(server, request, r -> {
            try {
                if (r.getCode() >= 400) {
                    throw error(r.getCode(), r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8));
                }
                if (r.getEntity() != null) {
                    r.getEntity().writeTo(out);
                }
                return null;
            } catch (IOException | org.apache.hc.core5.http.ParseException e) {
                throw TunelabException.of(ErrorCode.UNAVAILABLE, what + " from " + server + " stopped: " + e, Map.of(), e);
            }
        }));
    }

    <T> T send(String method, String path, String body, Class<T> type) {
        return decode(exchange(method, path, body), type);
    }

    <T> T send(String method, String path, String body, TypeReference<T> type) {
        return Replies.read(base(), check(exchange(method, path, body)).body(), type);
    }

    <T> T decode(Reply r, Class<T> type) {
        return Replies.read(base(), check(r).body(), Json.mapper().constructType(type));
    }

    <T> T decode(Reply r, TypeReference<T> type) {
        return Replies.read(base(), check(r).body(), type);
    }

    Reply check(Reply r) {
        if (r.status() >= 400) {
            throw error(r.status(), new String(r.body(), StandardCharsets.UTF_8));
        }
        return r;
    }

    TunelabException error(int status, String body) {
        return Replies.error(base(), status, body);
    }
}
