package io.tunelab.api;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a YAML document's aliases out as copies of the values their anchors mark. Jackson's YAML
 * parser hands an alias ({@code *iris}) over as the string {@code "iris"}, so {@code dataset: *iris}
 * silently became a dataset named "iris" and {@code lr2: *lr} an unreadable param; and it drops
 * the anchor of a scalar ({@code n: &n 5}). The copies are made on the parser's events, so every
 * scalar keeps its style and tag and Jackson reads it exactly as it would have read it in place.
 * A document has at most {@link #MAX_VALUES} values once copied, so a few lines of nested aliases
 * (the "billion laughs") are refused instead of filling the memory.
 */
final class YamlAliases {
    /** At most this many values (scalars, maps and lists) in a document once its aliases are copied. */
    static final int MAX_VALUES = 100_000;

    private final Map<String, List<Event>> anchored = new HashMap<>();
    private final List<Recording> recordings = new ArrayList<>();
    private final List<Event> out = new ArrayList<>();
    private int values;

    /** An anchored value whose events are being collected, up to the end of the value. */
    private static final class Recording {
        final String anchor;
        final List<Event> events = new ArrayList<>();
        int depth;

        Recording(String anchor) {
            this.anchor = anchor;
        }
    }

    private YamlAliases() {
    }

    /**
     * The text with its aliases written out, or the text itself when it has none or does not parse
     * (Jackson then reports the syntax error where it is).
     *
     * @throws TunelabException MALFORMED_BODY for an alias without an anchor before it, or a
     *                          document too large once its aliases are copied
     */
    /**
     * Refuses (MALFORMED_BODY) text that is not YAML, with what the parser expected and where, and
     * where the construct it was in began. Only the parser's events are read: nothing is built,
     * no alias copied. Without it a flow list left open ({@code name: [unclosed}) was reported as
     * the wrong kind of value for the field, since binding failed on it before parsing did.
     */
    static void checkSyntax(String text) {
        try {
            for (Event ignored : new Yaml(new LoaderOptions()).parse(new StringReader(text))) {
                // every event is parsed; none is kept
            }
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            var problem = e.getProblemMark();
            var context = e.getContextMark();
            throw TunelabException.of(ErrorCode.MALFORMED_BODY, (e.getProblem() == null ? "not YAML" : e.getProblem())
                    + (problem == null ? "" : " (line " + (problem.getLine() + 1) + ", column " + (problem.getColumn() + 1) + ")")
                    + (e.getContext() == null ? "" : ", " + e.getContext()
                    + (context == null ? "" : " that began at line " + (context.getLine() + 1) + ", column " + (context.getColumn() + 1))));
        } catch (YAMLException e) {
            throw TunelabException.of(ErrorCode.MALFORMED_BODY, String.valueOf(e.getMessage()).lines().findFirst().orElse("not YAML"));
        }
    }

    static String expand(String text) {
        if (text.indexOf('*') < 0 && !text.contains("<<")) {
            return text; // no alias and no merge key can be in it: Jackson's own parse is the only one
        }
        List<Event> events = new ArrayList<>();
        try {
            new Yaml(new LoaderOptions()).parse(new StringReader(text)).forEach(events::add);
        } catch (YAMLException notYaml) {
            return text;
        }
        refuseMergeKeys(events);
        if (events.stream().noneMatch(e -> e instanceof AliasEvent)) {
            return text;
        }
        var expansion = new YamlAliases();
        events.forEach(expansion::add);
        return expansion.write();
    }

    /**
     * Refuses a merge key ({@code <<: *base}, YAML 1.1): Jackson would read it as a field named
     * "<<", refused in the spec's own objects but kept silently in a task, whose merged fields
     * would then be missing.
     */
    private static void refuseMergeKeys(List<Event> events) {
        var positions = new ArrayDeque<int[]>(); // per open collection: {1 for a map, 0 for a list; values read}
        for (Event event : events) {
            int[] parent = positions.peek();
            boolean key = parent != null && parent[0] == 1 && parent[1] % 2 == 0;
            if (key && event instanceof ScalarEvent s && s.getValue().equals("<<")
                    && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN) {
                throw TunelabException.of(ErrorCode.MALFORMED_BODY, "YAML merge keys (<<: *name, line "
                        + (s.getStartMark().getLine() + 1) + ") are not read; write the merged fields out, or the whole value as *name");
            }
            if (event instanceof MappingStartEvent || event instanceof SequenceStartEvent) {
                positions.push(new int[]{event instanceof MappingStartEvent ? 1 : 0, 0});
            } else if (event instanceof CollectionEndEvent) {
                positions.pop();
                if (positions.peek() != null) {
                    positions.peek()[1]++;
                }
            } else if ((event instanceof ScalarEvent || event instanceof AliasEvent) && parent != null) {
                parent[1]++;
            }
        }
    }

    private void add(Event event) {
        if (event instanceof AliasEvent alias) {
            List<Event> copy = anchored.get(alias.getAnchor());
            if (copy == null) {
                throw TunelabException.of(ErrorCode.MALFORMED_BODY, "the alias *" + alias.getAnchor() + " names no anchor &"
                        + alias.getAnchor() + " before it (line " + (alias.getStartMark().getLine() + 1) + ", column "
                        + (alias.getStartMark().getColumn() + 1) + ")");
            }
            copy.forEach(this::emit);
            return;
        }
        String anchor = event instanceof NodeEvent node ? node.getAnchor() : null;
        if (anchor != null) {
            recordings.add(new Recording(anchor));
        }
        emit(withoutAnchor(event));
    }

    /** Adds an event to the output and to every anchored value open around it, closing those it ends. */
    private void emit(Event event) {
        if (event instanceof ScalarEvent || event instanceof MappingStartEvent || event instanceof SequenceStartEvent) {
            values++;
            if (values > MAX_VALUES) {
                throw TunelabException.of(ErrorCode.MALFORMED_BODY, "the document holds more than " + MAX_VALUES
                        + " values once its aliases (*name) are copied; write it with fewer or less nested aliases");
            }
        }
        out.add(event);
        int change = event instanceof MappingStartEvent || event instanceof SequenceStartEvent ? 1
                : event instanceof CollectionEndEvent ? -1 : 0;
        for (int i = recordings.size() - 1; i >= 0; i--) {
            Recording r = recordings.get(i);
            r.events.add(event);
            r.depth += change;
            if (r.depth == 0) {
                anchored.put(r.anchor, r.events);
                recordings.remove(i);
            }
        }
    }

    private static Event withoutAnchor(Event event) {
        return switch (event) {
            case ScalarEvent s when s.getAnchor() != null -> new ScalarEvent(null, s.getTag(), s.getImplicit(), s.getValue(),
                    s.getStartMark(), s.getEndMark(), s.getScalarStyle());
            case MappingStartEvent m when m.getAnchor() != null -> new MappingStartEvent(null, m.getTag(), m.getImplicit(),
                    m.getStartMark(), m.getEndMark(), m.getFlowStyle());
            case SequenceStartEvent q when q.getAnchor() != null -> new SequenceStartEvent(null, q.getTag(), q.getImplicit(),
                    q.getStartMark(), q.getEndMark(), q.getFlowStyle());
            default -> event;
        };
    }

    private String write() {
        var text = new StringWriter();
        var options = new DumperOptions();
        options.setWidth(Integer.MAX_VALUE);
        options.setSplitLines(false);
        var emitter = new Emitter(text, options);
        try {
            for (Event event : out) {
                emitter.emit(event);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does no I/O
        }
        return text.toString();
    }
}
