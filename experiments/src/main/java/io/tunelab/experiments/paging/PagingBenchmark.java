package io.tunelab.experiments.paging;

import io.tunelab.api.Budget;
import io.tunelab.api.CategoricalParam;
import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.FloatParam;
import io.tunelab.api.IntParam;
import io.tunelab.api.StrategySpec;
import io.tunelab.api.TrialProposal;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;
import io.tunelab.experiments.support.Scratch;
import io.tunelab.experiments.support.TunelabProcesses;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pages of 100 trials from a large experiment (100,000 trials by default) through the real
 * server: the time of one {@code GET /api/experiments/{ref}/trials} request on loopback (an
 * upper bound of the server-side time), for the UI's default order and for a sort by value,
 * both right after a change (the sorted view is rebuilt) and while nothing changes (cached).
 *
 * <p>Usage: {@code java -cp … PagingBenchmark [--trials 100000]}
 */
public final class PagingBenchmark {
    private PagingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length == 2 && args[0].equals("--trials") ? Integer.parseInt(args[1]) : 100_000;
        var data = Scratch.directory("tunelab-paging");
        try (var server = TunelabProcesses.startServer(data.resolve("data")); TunelabClient client = server.client()) {
            ExperimentHandle exp = client.launch(ExperimentSpec.builder("paging").minimize("loss")
                    .param("lr", FloatParam.log(1e-5, 1)).param("units", IntParam.of(8, 512))
                    .param("optimizer", CategoricalParam.of("adam", "sgd"))
                    .strategy(new StrategySpec("random", 1L, Map.of())).budget(Budget.unlimited()).build());
            long seedStart = System.nanoTime();
            seed(exp, trials);
            System.out.printf(Locale.ROOT, "seeded %,d trials in %.0f s%n", trials, (System.nanoTime() - seedStart) / 1e9);
            var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = server.url() + "/api/experiments/paging/trials?limit=100";
            System.out.println();
            System.out.println("| page of 100 from " + String.format(Locale.ROOT, "%,d", trials) + " trials | p50 ms | p90 ms |");
            System.out.println("|---|---:|---:|");
            for (String query : new String[]{"&offset=50000", "&sort=value&offset=0", "&sort=value&order=desc&offset=50000",
                    "&sort=param:lr&offset=99900"}) {
                double[] cached = measure(http, base + query, server.adminToken(), 30, null);
                double[] afterChange = measure(http, base + query, server.adminToken(), 15, exp);
                System.out.printf(Locale.ROOT, "| `%s`, unchanged | %.1f | %.1f |%n", query.substring(1), cached[0], cached[1]);
                System.out.printf(Locale.ROOT, "| `%s`, after a new trial | %.1f | %.1f |%n", query.substring(1), afterChange[0], afterChange[1]);
            }
        }
    }

    private static void seed(ExperimentHandle exp, int trials) throws InterruptedException {
        var left = new AtomicInteger(trials);
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < 16; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (left.getAndDecrement() > 0) {
                    TrialProposal t = exp.ask();
                    exp.tell(t.id(), ((Number) t.params().get("lr")).doubleValue());
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /** p50 and p90 of {@code n} requests; with {@code change}, a trial is added before each. */
    private static double[] measure(HttpClient http, String url, String token, int n, ExperimentHandle change) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build();
        http.send(request, HttpResponse.BodyHandlers.ofString());
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            if (change != null) {
                TrialProposal t = change.ask();
                change.tell(t.id(), 0.5);
            }
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
            }
        }
        Arrays.sort(ms);
        return new double[]{ms[n / 2], ms[(int) (n * 0.9)]};
    }
}
