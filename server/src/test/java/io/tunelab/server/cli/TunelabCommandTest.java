package io.tunelab.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's commands against a real server: what they print, and the errors for bad input. */
class TunelabCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CliServer server = new CliServer();

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = TunelabCommand.commandLine();
        var err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        var out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = cl.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    Path spec(String text) throws Exception {
        Path f = Files.createTempFile(dir, "spec", ".yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void sweepRunDetachedThenExperimentsAndLeaderboard() throws Exception {
        Path f = spec("""
                name: cli
                objective: {metric: loss, direction: minimize}
                space: {x: {type: float, low: 0, high: 1}}
                strategy: {name: random, seed: 1}
                budget: {trials: 3}
                """);
        Run launched = server.run("sweep", "run", f.toString(), "--detach");
        assertThat(launched.exit()).as(launched.err()).isZero();
        assertThat(launched.out()).contains("launched experiment cli");
        var exp = io.tunelab.client.TunelabClient.connect(server.url(), server.api().newAdminToken().orElseThrow()).experiment("cli");
        exp.optimize(t -> t.floatParam("x"), 3, 1);
        Run list = server.run("experiments");
        assertThat(list.out()).contains("cli").contains("COMPLETED").contains("3/3");
        Run board = server.run("leaderboard", "cli", "--limit", "2");
        assertThat(board.exit()).isZero();
        assertThat(board.out()).contains("RANK").contains("GROUP").contains("LOSS").contains("#").contains("best").contains("by value")
                .contains("Ranked by value");
        assertThat(board.out().lines().filter(l -> l.matches("^[12] .*"))).hasSize(2);
        Run resumed = server.run("sweep", "resume", "cli", "--trials", "2", "--detach");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(exp.info().spec().budget().trials()).isEqualTo(5);
    }

    @Test
    void importedTrialsAreListedBesideTheBudgetNotInItBeforeAndAfterARestart() throws Exception {
        var client = server.client();
        var source = client.launch(io.tunelab.api.ExperimentSpec.builder("warm-source").minimize("loss")
                .param("x", io.tunelab.api.FloatParam.of(0, 1)).trials(10).build());
        for (double loss : new double[] {0.5, 0.4, 0.6}) {
            source.tell(source.ask().id(), java.util.Map.of("loss", loss));
        }
        var warm = client.launch(io.tunelab.api.ExperimentSpec.builder("warm-started").minimize("loss")
                .param("x", io.tunelab.api.FloatParam.of(0, 1)).trials(5).warmStart(io.tunelab.api.WarmStart.of("warm-source", 2)).build());
        warm.tell(warm.ask().id(), java.util.Map.of("loss", 0.3));
        assertThat(server.run("experiments").out().lines().filter(l -> l.contains("warm-started")))
                .singleElement().asString().contains(" 1/5 +2 imported ");
        server.restart();
        assertThat(server.run("experiments").out().lines().filter(l -> l.contains("warm-started")))
                .as("from the stored or tallied summary").singleElement().asString().contains(" 1/5 +2 imported ");
        assertThat(server.run("experiments").out().lines().filter(l -> l.contains("warm-source")))
                .singleElement().asString().contains(" 3/10 ").doesNotContain("imported");
    }

    @Test
    void textFromTheServerReachesTheTerminalWithItsControlCharactersShownNotObeyed() throws Exception {
        var client = server.client();
        client.launch(io.tunelab.api.ExperimentSpec.builder("screen-1").minimize("loss")
                .param("x", io.tunelab.api.FloatParam.of(0, 1)).trials(3).build());
        var leased = client.askLeased("screen-1");
        client.putDataReport("screen-1", leased.leaseId(), java.util.Map.of("usable", false,
                "problems", List.of("\u001b[2J\u001b[31mall good\u001b[0m\rOVERWRITE\u202e")));

        Run list = server.run("experiments");

        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).doesNotContain("\u001b", "\r", "\u202e")
                .contains("screen-1: unusable data: \\u001b[2J\\u001b[31mall good\\u001b[0m\\u000dOVERWRITE\\u202e");
        Run missing = server.run("experiment", "pause", "gone\u001b[2J");
        assertThat(missing.err()).doesNotContain("\u001b").contains("gone\\u001b[2J");
    }

    @Test
    void leaderboardShowsTheTrialsTiedWithTheBestAndTheWorseOnesWithTheirPValue() throws Exception {
        var exp = server.client().launch(io.tunelab.api.ExperimentSpec.builder("seeds").minimize("loss")
                .param("x", io.tunelab.api.FloatParam.of(0, 1)).trials(3).build());
        double[][] losses = {{1.05, 0.96, 1.02, 0.97, 1.01}, {0.97, 1.07, 0.99, 1.03, 1.02}, {2.05, 1.97, 2.02, 1.98, 2.01}};
        for (double[] trial : losses) {
            var reps = new java.util.ArrayList<io.tunelab.api.Repetition>();
            for (int i = 0; i < trial.length; i++) {
                reps.add(new io.tunelab.api.Repetition(null, 100L + i, java.util.Map.of("loss", trial[i])));
            }
            exp.tell(exp.ask().id(), io.tunelab.api.TrialResult.ofRepetitions(reps));
        }
        Run board = server.run("leaderboard", "seeds");
        assertThat(board.exit()).as(board.err()).isZero();
        assertThat(board.out().lines().filter(l -> l.matches("^1 +#0 +best +5 .*"))).hasSize(1);
        assertThat(board.out().lines().filter(l -> l.matches("^2 +#1 +tied +5 .*"))).hasSize(1);
        assertThat(board.out().lines().filter(l -> l.matches("^3 +#2 +worse p<0\\.001 +5 .*"))).hasSize(1);
        assertThat(board.out()).contains("Tied with the best #0").contains(": #1.");
    }

    @Test
    void finalizeRefitsTheWinnerAndTheLeaderboardShowsItsTestScore() throws Exception {
        var exp = server.client().launch("""
                name: held-out
                objective: {metric: accuracy, direction: maximize}
                space: {x: {type: float, low: 0, high: 1}}
                budget: {trials: 5}
                task: {dataset: {name: iris, test: 0.2, validation: {folds: 3}}}
                """);
        double[][] accuracy = {{0.90, 0.92, 0.91}, {0.95, 0.97, 0.96}};
        for (double[] trial : accuracy) {
            var reps = new java.util.ArrayList<io.tunelab.api.Repetition>();
            for (int i = 0; i < trial.length; i++) {
                reps.add(new io.tunelab.api.Repetition(i, null, java.util.Map.of("accuracy", trial[i], "best_epoch", 10.0 + i)));
            }
            exp.tell(exp.ask().id(), io.tunelab.api.TrialResult.ofRepetitions(reps));
        }
        Run asked = server.run("finalize", "held-out");
        assertThat(asked.exit()).as(asked.err()).isZero();
        assertThat(asked.out()).contains("finalization of held-out #1: WAITING (11 epochs");

        var lease = server.client().lease(new io.tunelab.api.LeaseRequest("w:1", null, 0)).orElseThrow();
        assertThat(lease.finalization().epochs()).isEqualTo(11);
        server.client().test(lease.trial().id(), new io.tunelab.api.TestResult(java.util.Map.of("accuracy", 0.9333), null, lease.leaseId()));

        Run done = server.run("finalize", "held-out", "--wait");
        assertThat(done.out()).contains("Refit winner #1 (11 epochs): test accuracy 0.93330; selection accuracy 0.96000 ± ")
                .contains("over 3 repetitions");
        Run board = server.run("leaderboard", "held-out");
        assertThat(board.out()).contains("TEST ACCURACY").containsPattern("(?m)^1 +#1 +best +3 .*0\\.93330");

        Run noTask = server.run("finalize", "ghost");
        assertThat(noTask.exit()).isEqualTo(2);
        assertThat(noTask.err()).contains("no experiment with id or name \"ghost\"");
    }

    @Test
    void badInputExitsWithAClearMessageAndChangesNothing() throws Exception {
        Run missing = server.run("sweep", "run", dir.resolve("nope.yaml").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("sweep spec " + dir.resolve("nope.yaml") + " does not exist");

        Run invalid = server.run("sweep", "run", spec("name: bad\nobjective: {metric: l}\nspace: {lr: {type: float, low: 1, high: 0}}\n").toString());
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.err()).contains("param \"lr\": low (1.0) must be below high (0.0)");

        Run misspelt = server.run("sweep", "run", spec("name: bad\nobjective: {metric: l}\nspace: {lr: {type: float, min: 0, max: 1}}\n").toString());
        assertThat(misspelt.exit()).isEqualTo(2);
        assertThat(misspelt.err()).contains("param \"lr\": unknown fields \"min\", \"max\"; known fields: high, log, low, step, when");

        Run unknown = server.run("leaderboard", "ghost");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no experiment with id or name \"ghost\"");

        Run resumeUnknown = server.run("sweep", "resume", "ghost");
        assertThat(resumeUnknown.exit()).isEqualTo(2);

        Run badLimit = server.run("leaderboard", "ghost", "--limit", "0");
        assertThat(badLimit.exit()).isEqualTo(2);
        assertThat(badLimit.err()).contains("--limit must be from 1 to 10000, got 0");
        Run hugeLimit = server.run("leaderboard", "ghost", "--limit", "100000");
        assertThat(hugeLimit.exit()).isEqualTo(2);
        assertThat(hugeLimit.err()).contains("--limit must be from 1 to 10000, got 100000");

        Run badTrials = server.run("sweep", "resume", "ghost", "--trials", "-1");
        assertThat(badTrials.err()).contains("--trials must be 1 or more");

        Run unreachable = run("experiments", "--server", "http://127.0.0.1:1");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).contains("cannot reach the Tunelab server");

        Run badUrl = run("experiments", "--server", "::nonsense");
        assertThat(badUrl.exit()).isEqualTo(2);
        assertThat(badUrl.err()).contains("is not valid");

        Run badPort = run("server", "--port", "70000");
        assertThat(badPort.exit()).isEqualTo(2);
        assertThat(badPort.err()).contains("--port must be from 0 to 65535");

        Run badOrigin = run("server", "--port", "0", "--allowed-origins", "dash.example.com", "--data-dir", dir.resolve("never").toString());
        assertThat(badOrigin.exit()).isEqualTo(2);
        assertThat(badOrigin.err()).contains("--allowed-origins: \"dash.example.com\" is not a browser origin");
        assertThat(dir.resolve("never")).doesNotExist();

        for (String slots : List.of("0", "257")) {
            Run badSlots = run("demo", "--port", "0", "--slots", slots, "--exit", "--data-dir", dir.resolve("never").toString(),
                    "--spec", spec("name: d\nobjective: {metric: l}\ntask: {runner: mlp}\n").toString());
            assertThat(badSlots.exit()).isEqualTo(2);
            assertThat(badSlots.err()).contains("--slots must be from 1 to 256, got " + slots);
        }
        Run noSpec = run("demo", "--port", "0", "--exit", "--data-dir", dir.resolve("never").toString(), "--spec", dir.resolve("nope.yaml").toString());
        assertThat(noSpec.exit()).isEqualTo(2);
        assertThat(noSpec.err()).contains("sweep spec " + dir.resolve("nope.yaml") + " does not exist");
        assertThat(dir.resolve("never")).doesNotExist();

        Path untouched = dir.resolve("untouched-data");
        Run badDurability = run("server", "--port", "0", "--durability", "eventually", "--data-dir", untouched.toString());
        assertThat(badDurability.exit()).isEqualTo(2);
        assertThat(badDurability.err()).contains("--durability must be one of process, fsync, got \"eventually\"");
        assertThat(untouched).doesNotExist();

        Run noCommand = run();
        assertThat(noCommand.exit()).isEqualTo(2);
        assertThat(noCommand.err()).contains("tunelab needs a command: one of server, sweep").contains("run tunelab --help for its usage");
        assertThat(noCommand.out()).isEmpty();
        Run noSubcommand = run("experiment");
        assertThat(noSubcommand.exit()).isEqualTo(2);
        assertThat(noSubcommand.err()).contains("tunelab experiment needs a command: one of ");
        assertThat(run("--help").exit()).as("asking for the usage is no error").isZero();

        Run unknownCommand = run("sweeps");
        assertThat(unknownCommand.exit()).isEqualTo(2);
        assertThat(unknownCommand.err()).contains("Unmatched argument").contains("Did you mean: tunelab sweep");
        Run notANumber = server.run("leaderboard", "x", "--limit", "ten");
        assertThat(notANumber.exit()).isEqualTo(2);
        assertThat(notANumber.err().lines()).containsExactly("error: Invalid value for option '--limit': 'ten' is not an int",
                "run tunelab leaderboard --help for its usage");

        assertThat(server.run("experiments").out()).contains("no experiments yet");
    }

    @Test
    void aSpecFileThatIsNotASpecIsRefusedNamingItAndLaunchesNothing() throws Exception {
        Path binary = dir.resolve("binary.yaml");
        Files.write(binary, new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1});
        Path huge = dir.resolve("huge.yaml");
        Files.writeString(huge, "#".repeat(2 * 1024 * 1024));
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "  \n");
        for (String[] c : List.of(new String[]{binary.toString(), "sweep spec " + binary + " is not UTF-8 text"},
                new String[]{huge.toString(), "sweep spec " + huge + " has 2097152 bytes; a spec is sent in one request, and the server takes at most 1048576"},
                new String[]{empty.toString(), "sweep spec " + empty + " is empty; give a YAML or JSON spec"},
                new String[]{dir.toString(), "sweep spec " + dir + " is a directory; give a file"})) {
            Run refused = server.run("sweep", "run", c[0], "--detach");
            assertThat(refused.exit()).as(c[0]).isEqualTo(2);
            assertThat(refused.err()).as(c[0]).contains(c[1]).doesNotContain("Input length");
        }
        Run demo = run("demo", "--port", "0", "--exit", "--data-dir", dir.resolve("never").toString(), "--spec", binary.toString());
        assertThat(demo.err()).contains("is not UTF-8 text");
        assertThat(dir.resolve("never")).doesNotExist();
        assertThat(server.client().experiments()).isEmpty();
    }

    @Test
    void anEmptyDotOrOverlongNameIsRefusedBeforeAnyRequest() {
        for (String[] c : List.of(new String[]{"", "the experiment's name or id is empty; give one, as tunelab experiments shows them"},
                new String[]{".", "\".\" is not a name; give the experiment's name or id"},
                new String[]{"y".repeat(100_000), "the experiment's name or id is 100000 characters long; names have at most 200"})) {
            for (String command : List.of("leaderboard", "importance", "finalize")) {
                Run refused = server.run(command, c[0]);
                assertThat(refused.exit()).as(command).isEqualTo(2);
                assertThat(refused.err()).as(command).contains(c[1]).doesNotContain("deserialize").doesNotContain("HTTP 414");
            }
        }
        Run renamed = server.run("experiment", "rename", "", "x");
        assertThat(renamed.exit()).isEqualTo(2);
        assertThat(renamed.err()).contains("the experiment's name or id is empty");
        Run revoke = server.run("token", "revoke", "");
        assertThat(revoke.exit()).isEqualTo(2);
        assertThat(revoke.err()).contains("the token's name is empty; give one, as tunelab token list shows them");
        assertThat(server.run("token", "list").out()).contains("admin ");
    }

    @Test
    void resumingPastTheLargestBudgetIsRefusedAndLeavesTheBudget() {
        server.client().launch(io.tunelab.api.ExperimentSpec.builder("small").minimize("loss")
                .param("x", io.tunelab.api.FloatParam.of(0, 1)).trials(3).build());
        Run refused = server.run("sweep", "resume", "small", "--trials", Integer.toString(Integer.MAX_VALUE), "--detach");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("--trials 2147483647 would make the budget of small 2147483650 trials; it has 3, "
                + "so at most 2147483644 more may be added");
        assertThat(server.client().describe("small").spec().budget().trials()).isEqualTo(3);
    }

    @Test
    void aServerUrlOrTokenFileTheClientCannotUseIsRefusedNamingIt() throws Exception {
        Run ftp = run("experiments", "--server", "ftp://127.0.0.1:8080", "--token-file", server.tokenFile());
        assertThat(ftp.exit()).isEqualTo(2);
        assertThat(ftp.err()).contains("--server ftp://127.0.0.1:8080: a Tunelab server speaks http:// or https://, not ftp://");
        Run port = run("experiments", "--server", "http://127.0.0.1:99999", "--token-file", server.tokenFile());
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).contains("port 99999 is beyond 65535").doesNotContain("java.");
        Path binary = Files.write(dir.resolve("binary.token"), new byte[]{(byte) 0xff, 0, 1});
        Path huge = Files.writeString(dir.resolve("huge.token"), "x".repeat(1 << 20));
        for (String[] c : List.of(new String[]{dir.resolve("nope.token").toString(), " does not exist"},
                new String[]{binary.toString(), " is not UTF-8 text"},
                new String[]{huge.toString(), " has 1048576 bytes; a token file holds one token"})) {
            Run refused = run("experiments", "--server", server.url(), "--token-file", c[0]);
            assertThat(refused.exit()).as(c[0]).isEqualTo(2);
            assertThat(refused.err()).as(c[0]).contains("token file " + c[0] + c[1]).doesNotContain("Broken pipe");
        }
        if (Files.exists(Path.of("/dev/zero"))) { // endless: read up to the bound, not until memory runs out
            Run endless = run("experiments", "--server", server.url(), "--token-file", "/dev/zero");
            assertThat(endless.exit()).isEqualTo(2);
            assertThat(endless.err()).contains("token file /dev/zero has more than 4096 bytes");
        }
    }

    @Test
    @Timeout(120) // a server the flags let start serves until stopped
    void aServerThatCannotListenOrStoreWhereItIsToldCreatesNothing() throws Exception {
        Path data = dir.resolve("never");
        Path file = Files.writeString(dir.resolve("a-file"), "kept");
        Path notPem = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        record Case(String says, String... flags) {
        }
        for (Case c : List.of(new Case("--data-dir " + file + " is a file, not a directory", "--data-dir", file.toString()),
                new Case("--data-dir is empty; give a directory", "--data-dir", ""),
                new Case("cannot listen on 127.0.0.1:" + server.port() + " (address already in use); give another --port",
                        "--port", Integer.toString(server.port())),
                new Case("--host is empty", "--host", ""),
                new Case("--tls-cert " + dir.resolve("nope.pem") + " does not exist", "--tls-cert", dir.resolve("nope.pem").toString(),
                        "--tls-key", notPem.toString()),
                new Case("--tls-cert " + notPem + " holds no PEM certificate", "--tls-cert", notPem.toString(), "--tls-key", notPem.toString()))) {
            var args = new java.util.ArrayList<>(List.of("server"));
            args.addAll(List.of(c.flags()));
            if (!args.contains("--port")) {
                args.addAll(List.of("--port", "0"));
            }
            if (!args.contains("--data-dir")) {
                args.addAll(List.of("--data-dir", data.toString()));
            }
            Run refused = run(args.toArray(String[]::new));
            assertThat(refused.exit()).as(c.says()).isEqualTo(2);
            assertThat(refused.err()).as(c.says()).contains(c.says()).doesNotContain("java.");
        }
        Run demo = run("demo", "--port", "-1", "--exit", "--data-dir", data.toString(),
                "--spec", Path.of("..", "experiments", "quickstart.yaml").toString());
        assertThat(demo.exit()).isEqualTo(2);
        assertThat(demo.err()).contains("--port must be from 0 to 65535, got -1");
        assertThat(data).doesNotExist();
        assertThat(file).hasContent("kept");
        assertThat(Path.of("tunelab.mv.db")).doesNotExist();
    }

    @Test
    void aServerOptionOutsideItsRangeIsRefusedInOneLineNamingItAndNothingIsCreated() {
        Path data = dir.resolve("limited");
        var ranges = new java.util.LinkedHashMap<String, long[]>();
        ranges.put("--port", new long[]{0, 65535});
        ranges.put("--lease-seconds", new long[]{1, 86_400});
        ranges.put("--max-reports-per-trial", new long[]{1, 1_000_000});
        ranges.put("--max-params", new long[]{1, 10_000});
        ranges.put("--max-loaded-experiments", new long[]{1, 100_000});
        ranges.put("--evict-idle-seconds", new long[]{1, 604_800});
        ranges.put("--max-event-streams", new long[]{1, 10_000});
        ranges.put("--event-idle-seconds", new long[]{1, 3_600});
        ranges.put("--max-model-mb", new long[]{1, 1023});
        ranges.put("--max-artifact-mb", new long[]{1, 1023});
        ranges.forEach((flag, range) -> {
            for (long value : new long[]{range[0] - 1, range[1] + 1, 4_294_967_296L, 1_000_000_000_000L}) {
                var args = new java.util.ArrayList<>(List.of("server", "--data-dir", data.toString(), flag, Long.toString(value)));
                if (!flag.equals("--port")) {
                    args.addAll(List.of("--port", "0"));
                }
                Run refused = run(args.toArray(String[]::new));
                assertThat(refused.exit()).as(flag + " " + value).isEqualTo(2);
                assertThat(refused.err().strip()).as(flag + " " + value).startsWith("error: " + flag + " must be from " + range[0] + " to "
                        + range[1] + ", got " + value + " (").doesNotContain("\n").doesNotContain("not an int");
            }
        });
        Run demo = run("demo", "--slots", "1000000000000", "--port", "0", "--exit", "--data-dir", data.toString(),
                "--spec", Path.of("..", "experiments", "quickstart.yaml").toString());
        assertThat(demo.exit()).isEqualTo(2);
        assertThat(demo.err()).startsWith("error: --slots must be from 1 to 256, got 1000000000000 (");
        assertThat(data).doesNotExist();
    }

    @Test
    void aRequestRetentionOutsideOneHourToAYearIsRefusedNamingTheFlagAndNothingStarts() {
        Path data = dir.resolve("retained");
        for (String hours : java.util.List.of("0", "-3", "8761")) {
            Run refused = run("server", "--port", "0", "--data-dir", data.toString(), "--request-retention-hours", hours);
            assertThat(refused.exit()).isEqualTo(2);
            assertThat(refused.err()).isEqualTo("error: --request-retention-hours must be from 1 to 8760, got " + hours
                    + " (one hour to a year)" + System.lineSeparator());
        }
        assertThat(data).doesNotExist();
    }

    @Test
    void tokenCreateListRevokeWithTheAdminToken() throws Exception {
        Run created = server.run("token", "create", "--scope", "worker", "--name", "gpu-box-1");
        assertThat(created.exit()).as(created.err()).isZero();
        String secret = created.out().lines().filter(l -> l.startsWith("tl_")).findFirst().orElseThrow();
        Run list = server.run("token", "list");
        assertThat(list.out()).contains("admin").contains("gpu-box-1").contains("worker");
        Path workerFile = dir.resolve("worker.token");
        Files.writeString(workerFile, secret);
        Run workerListing = run("experiments", "--server", server.url(), "--token-file", workerFile.toString());
        assertThat(workerListing.exit()).isEqualTo(2);
        assertThat(workerListing.err()).contains("gpu-box-1").contains("needs read");
        Run revoked = server.run("token", "revoke", "gpu-box-1");
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        Run afterRevoke = run("token", "create", "--scope", "read", "--name", "x", "--server", server.url(), "--token-file", workerFile.toString());
        assertThat(afterRevoke.exit()).isEqualTo(2);
        assertThat(afterRevoke.err()).contains("no valid token");
        Run duplicate = server.run("token", "create", "--scope", "read", "--name", "gpu-box-1");
        assertThat(duplicate.err()).contains("exists already");
        Run badScope = server.run("token", "create", "--scope", "root", "--name", "y");
        assertThat(badScope.err()).contains("unknown scope \"root\"");
        assertThat(server.run("token", "list").out()).doesNotContain(" y ");
    }

    @Test
    void aServerBeyondLoopbackWithoutTlsRefusesToStartAndNamesBothWays() {
        Run refused = run("server", "--port", "0", "--host", "0.0.0.0", "--data-dir", dir.resolve("never").toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("--tls-cert").contains("--behind-proxy");
        assertThat(dir.resolve("never")).doesNotExist();
    }
}
