package io.tunelab.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.Trial;
import io.tunelab.api.TunelabException;
import io.tunelab.client.TrialQueue;
import io.tunelab.client.TunelabClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tunelab enqueue NAME --param k=v ... | --file params.json}: a configuration the next ask
 * of the experiment hands out before its strategy proposes. A {@code --param} value is read as
 * JSON when it is a JSON number, boolean or quoted string, else as the text it is.
 */
@Command(name = "enqueue", mixinStandardHelpOptions = true,
        description = "Enqueues a configuration: the experiment's next ask (or worker lease) evaluates it before the strategy "
                + "proposes. Params left out are filled from the strategy's proposal.")
final class EnqueueCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the experiment's name or id")
    String name;
    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "a param's value, as lr=0.01 or optimizer=adam; repeat for each")
    List<String> params = new ArrayList<>();
    @Option(names = "--file", paramLabel = "FILE", description = "a JSON object of params, as {\"lr\": 0.01, \"optimizer\": \"adam\"}")
    Path file;
    @CommandLine.Mixin
    ServerOption server;

    @Override
    public Integer call() {
        Reference.experiment(name);
        Map<String, Object> values = values();
        try (TunelabClient client = server.connect()) {
            Trial t = TrialQueue.of(client).enqueue(name, values);
            System.out.println("enqueued trial " + t.number() + " (id " + t.id() + ") of " + name + ": " + Json.write(t.params()));
            return 0;
        }
    }

    private Map<String, Object> values() {
        if (file != null && !params.isEmpty()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "give --param NAME=VALUE or --file FILE, not both");
        }
        if (file != null) {
            String text = InputFile.read(file, "params file", InputFile.MAX_REQUEST_BYTES,
                    "the server takes at most " + InputFile.MAX_REQUEST_BYTES + " bytes of params");
            Map<String, Object> read;
            try {
                read = Json.mapper().readValue(text, LinkedHashMap.class);
            } catch (JsonProcessingException | RuntimeException e) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "params file " + file + " is not a JSON object of params, "
                        + "as {\"lr\": 0.01, \"optimizer\": \"adam\"}");
            }
            read.forEach((key, value) -> {
                if (value instanceof Double d && d.isInfinite()) {
                    throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "params file " + file + ": \"" + key
                            + "\" is beyond the largest number a param holds (about 1.8e308)");
                }
            });
            return read;
        }
        if (params.isEmpty()) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "give the configuration as --param NAME=VALUE (repeated) or --file FILE");
        }
        var values = new LinkedHashMap<String, Object>();
        for (String p : params) {
            int eq = p.indexOf('=');
            String key = eq < 0 ? "" : p.substring(0, eq).strip();
            String text = eq < 0 ? "" : p.substring(eq + 1).strip();
            if (key.isEmpty() || text.isEmpty()) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--param " + p + " must be NAME=VALUE, as lr=0.01"
                        + (eq >= 0 && !key.isEmpty() ? " (the value is empty; give \"\" for an empty string)" : ""));
            }
            Object value = value(text);
            if (value instanceof Double d && d.isInfinite()) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--param " + key + "=" + text + ": " + text
                        + " is beyond the largest number a param holds (about 1.8e308)");
            }
            if (values.put(key, value) != null) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "--param " + key + " is given twice; give each param once");
            }
        }
        return values;
    }

    /** A JSON number, boolean or quoted string as that value; any other text as itself. */
    static Object value(String text) {
        try {
            Object v = Json.mapper().readValue(text, Object.class);
            if (v instanceof Number || v instanceof Boolean || v instanceof String) {
                return v;
            }
        } catch (JsonProcessingException e) {
            // plain text, as optimizer=adam
        }
        return text;
    }
}
