package io.tunelab.api;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The JSON and YAML mappers every part of Tunelab shares, and the reading of a document into
 * a wire type with errors that say where and what was wrong ({@code param "lr": low (0.1)
 * must be below high (0.01)}) instead of parser internals.
 */
public final class Json {
    /**
     * Jackson's default pool of read and write buffers keeps one set per thread, so a virtual
     * thread (the server runs each request on a new one) allocated a fresh set for every document
     * it read or wrote; this pool lends them to whichever thread asks.
     */
    private static final ObjectMapper JSON = configure(JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build());
    private static final ObjectMapper YAML = configure(new YAMLMapper());
    /** The attribute of a {@link #readBeside} read that holds where its field's tree goes. */
    private static final Object TAKEN_BESIDE = new Object();
    /** {@link #readBeside}'s reader for each type and field, made once. */
    private static final Map<BesideKey, ObjectReader> BESIDE_READERS = new ConcurrentHashMap<>();

    private record BesideKey(Class<?> type, String field) {
    }

    private Json() {
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        // Jackson read "" as 0 or as absent ({low: ""} became low 0.0, {trials: ""} no limit) and
        // a number as a boolean (log: 2 became true): refused, with the kind expected.
        mapper.coercionConfigDefaults().setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        if (mapper instanceof JsonMapper) {
            // JSON says which values are text: nor text for a number or a boolean ({"trials": "10"},
            // {"lease": "true"}; the special values "NaN" and "Infinity" are still read as numbers),
            // nor a number or a boolean for text ({"name": true} had made an experiment named
            // "true"). YAML keeps reading a quoted number as the number (trials: "12").
            mapper.configure(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
            for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
                mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
            }
        }
        return mapper.registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // a report's step 1.5 was read as 1
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** The shared JSON mapper; thread-safe. */
    public static ObjectMapper mapper() {
        return JSON;
    }

    /** The shared YAML mapper; thread-safe. */
    public static ObjectMapper yamlMapper() {
        return YAML;
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JacksonException e) {
            throw TunelabException.of(ErrorCode.INTERNAL, "could not write JSON: " + e.getOriginalMessage());
        }
    }

    public static byte[] writeBytes(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw TunelabException.of(ErrorCode.INTERNAL, "could not write JSON: " + e.getOriginalMessage());
        }
    }

    /** Reads JSON into a type, or throws MALFORMED_BODY / INVALID_SPEC with a readable message. */
    public static <T> T read(String json, Class<T> type) {
        return read(JSON, json, type, ErrorCode.MALFORMED_BODY);
    }

    /** A value read with one more top-level field beside its type's own: that field's JSON, or null when the body has none. */
    public record Beside<T>(T value, JsonNode field) {
    }

    /**
     * Reads JSON into a type whose body may carry one more top-level field, {@code field}, beside the
     * type's own (a tell's {@code next}), in one pass and with the errors of {@link #read(String,
     * Class)}: the field is taken as the parser meets it, where a tree of the body and the tree
     * read into the type cost a tenth of a tell's CPU on the server.
     */
    public static <T> Beside<T> readBeside(String json, Class<T> type, String field) {
        if (json == null || json.isBlank()) {
            throw TunelabException.of(ErrorCode.MALFORMED_BODY, "the body is empty; expected " + aDescribed(type));
        }
        var taken = new JsonNode[1];
        try {
            // The reader of each type and field is made once (finding its deserializer each time was a
            // sixth of the read); the field's tree is handed back through an attribute of this read alone.
            T value = BESIDE_READERS.computeIfAbsent(new BesideKey(type, field), Json::besideReader)
                    .withAttribute(TAKEN_BESIDE, taken).readValue(json);
            if (value == null) {
                throw TunelabException.of(ErrorCode.MALFORMED_BODY, "the body is null; expected " + aDescribed(type));
            }
            return new Beside<>(value, taken[0]);
        } catch (JacksonException e) {
            throw translate(e, type, ErrorCode.MALFORMED_BODY, JSON, () -> JSON.readTree(json));
        } catch (IOException e) {
            throw TunelabException.of(ErrorCode.MALFORMED_BODY, "could not read the body: " + e.getMessage());
        }
    }

    /** A reader of {@code key}'s type that takes its field, when it meets it, into the read's {@link #TAKEN_BESIDE}. */
    private static ObjectReader besideReader(BesideKey key) {
        return JSON.readerFor(key.type()).withHandler(new DeserializationProblemHandler() {
            @Override
            public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser, JsonDeserializer<?> deserializer,
                                                 Object beanOrClass, String name) throws IOException {
                if (!name.equals(key.field()) || !(beanOrClass == key.type() || key.type().isInstance(beanOrClass))) {
                    return false; // the usual refusal of an unknown field, named with the known ones
                }
                ((JsonNode[]) context.getAttribute(TAKEN_BESIDE))[0] = context.readTree(parser);
                return true;
            }
        });
    }

    /** Parses a JSON document into a tree, or throws MALFORMED_BODY saying what is wrong. */
    public static JsonNode tree(String json) {
        if (json == null || json.isBlank()) {
            throw TunelabException.of(ErrorCode.MALFORMED_BODY, "the body is empty; expected a JSON document");
        }
        try {
            return JSON.readTree(json);
        } catch (JacksonException e) {
            throw TunelabException.of(ErrorCode.MALFORMED_BODY, "could not parse the body: " + firstLine(e.getOriginalMessage())
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")" : ""));
        }
    }

    /** Reads JSON or YAML (told apart by the first character) into a type. */
    public static <T> T readJsonOrYaml(String text, Class<T> type) {
        String t = text == null ? "" : text.strip();
        return read(t.startsWith("{") || t.startsWith("[") ? JSON : YAML, t, type, ErrorCode.MALFORMED_BODY);
    }

    static <T> T read(ObjectMapper mapper, String text, Class<T> type, ErrorCode malformed) {
        if (text == null || text.isBlank()) {
            throw TunelabException.of(malformed, "the body is empty; expected " + aDescribed(type));
        }
        try {
            T value = mapper == YAML ? readYaml(text, type) : mapper.readValue(text, type);
            if (value == null) {
                throw TunelabException.of(malformed, "the body is null; expected " + aDescribed(type));
            }
            return value;
        } catch (JacksonException e) {
            throw translate(e, type, malformed, mapper, () -> mapper.readTree(mapper == YAML ? YamlAliases.expand(text) : text));
        }
    }

    /** Reads YAML with its aliases written out first ({@link YamlAliases}). */
    private static <T> T readYaml(String text, Class<T> type) throws JacksonException {
        String expanded;
        try {
            YamlAliases.checkSyntax(text);
            expanded = YamlAliases.expand(text);
        } catch (TunelabException e) {
            throw TunelabException.of(e.code(), "could not parse the " + describe(type) + ": " + e.getMessage());
        }
        return YAML.readValue(expanded, type);
    }

    /** The document being read, parsed again as a tree (only when a constructor refused a part of it). */
    private interface Document {
        JsonNode tree() throws IOException;
    }

    private static TunelabException translate(JacksonException e, Class<?> type, ErrorCode malformed, ObjectMapper mapper,
                                              Document document) {
        String where = e instanceof JsonMappingException m ? where(m) : "";
        String message;
        ErrorCode structural = type == ExperimentSpec.class ? ErrorCode.INVALID_SPEC : malformed;
        Throwable cause = e.getCause();
        while (cause != null) {
            if (cause instanceof TunelabException te) {
                String unknown = e instanceof ValueInstantiationException v ? unknownFields(v, mapper, document) : "";
                if (!unknown.isEmpty()) {
                    return TunelabException.of(structural, prefix(where) + unknown);
                }
                boolean named = !where.isEmpty() && te.getMessage().startsWith(where); // "budget.trials must be …"
                return TunelabException.of(te.code(), (named ? "" : prefix(where)) + te.getMessage(), te.details());
            }
            cause = cause.getCause();
        }
        if (e instanceof MismatchedInputException m && m.getOriginalMessage().startsWith("No content to map")) {
            return TunelabException.of(malformed, "the body holds no document, only blank lines or comments; expected "
                    + aDescribed(type));
        }
        if (e instanceof MismatchedInputException m && m.getOriginalMessage().startsWith("Trailing token")) {
            return TunelabException.of(malformed, "expected one " + describe(type) + ", found another after it"
                    + (e.getLocation() != null ? ", starting at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : "")
                    + "; send a single document");
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            message = prefix(parentOf(where)) + "unknown field \"" + u.getPropertyName() + "\"; known fields: " + known;
            return TunelabException.of(structural, message);
        } else if (e instanceof InvalidTypeIdException t) {
            message = prefix(where) + "unknown type \"" + t.getTypeId() + "\"; allowed types: float, int, categorical";
            return TunelabException.of(ErrorCode.INVALID_SPEC, message);
        } else if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            return TunelabException.of(structural, prefix(where) + unknownConstant(f.getTargetType(), String.valueOf(f.getValue())));
        } else if (e instanceof InvalidFormatException f && f.getValue() instanceof Double number && isWhole(f.getTargetType())) {
            return TunelabException.of(structural, prefix(where) + "expected a whole number"
                    + (number == Math.rint(number) ? " written without a decimal point" : "") + ", got " + number);
        } else if (e instanceof MismatchedInputException m && m.getProcessor() instanceof JsonParser parser
                && parser.currentToken() != null && m.getTargetType() != null) {
            String want = m.getTargetType() == ExperimentSpec.class ? "a sweep spec: fields and their values (name: …, objective: …)"
                    : want(m.getTargetType());
            String got = kind(parser.currentToken());
            if (want != null && got != null && !want.contains(got)) {
                String value = parser.currentToken() == JsonToken.VALUE_STRING ? "text " + quoted(parser)
                        : parser.currentToken().isScalarValue() ? quoted(parser).replace("\"", "") : got;
                return TunelabException.of(structural, prefix(where) + "expected " + want + ", got " + value);
            }
        }
        if (e instanceof MismatchedInputException m) {
            message = prefix(where) + "wrong kind of value: " + m.getOriginalMessage().replaceAll(" \\(class [^)]*\\)", "")
                    .replaceAll("`[a-z]+\\.[\\w.$]+\\.(\\w+)`", "$1");
            return TunelabException.of(structural, firstLine(message));
        }
        return TunelabException.of(malformed, "could not parse the " + describe(type) + ": " + firstLine(e.getOriginalMessage())
                + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")" : ""));
    }

    /**
     * The fields of the object a constructor refused that its type does not have, as the message
     * for an unknown field reads, or empty. Jackson reports an unknown field only after the
     * constructor has run, so without this a misspelt field ({@code min} for {@code low}) would be
     * hidden behind what its absence caused ({@code low (0.0) must be below high (0.0)}).
     */
    private static String unknownFields(ValueInstantiationException e, ObjectMapper mapper, Document document) {
        try {
            JsonNode node = document.tree();
            for (var ref : e.getPath()) {
                if (node == null) {
                    return "";
                }
                node = ref.getFieldName() != null ? node.get(ref.getFieldName()) : ref.getIndex() >= 0 ? node.get(ref.getIndex()) : node;
            }
            if (node == null || !node.isObject()) {
                return "";
            }
            var context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                    .createDummyInstance(mapper.getDeserializationConfig());
            Collection<Object> names = context.findRootValueDeserializer(e.getType()).getKnownPropertyNames();
            if (names == null || names.isEmpty()) { // read whole by a delegating creator (the space from a map)
                return "";
            }
            Set<String> known = names.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
            List<String> unknown = new ArrayList<>();
            node.fieldNames().forEachRemaining(name -> {
                if (!known.contains(name) && !isTypeId(name, e.getType().getRawClass())) {
                    unknown.add("\"" + name + "\"");
                }
            });
            return unknown.isEmpty() ? "" : (unknown.size() == 1 ? "unknown field " : "unknown fields ")
                    + String.join(", ", unknown) + "; known fields: " + String.join(", ", known);
        } catch (IOException | RuntimeException notReadable) {
            return "";
        }
    }

    /** Whether a field names the subtype of a polymorphic value ({@code type} of a param). */
    private static boolean isTypeId(String name, Class<?> type) {
        JsonTypeInfo info = null;
        for (Class<?> c : type.getInterfaces()) {
            info = info != null ? info : c.getAnnotation(JsonTypeInfo.class);
        }
        return info != null && info.include() == JsonTypeInfo.As.PROPERTY
                && name.equals(info.property().isEmpty() ? info.use().getDefaultPropertyName() : info.property());
    }

    private static String quoted(JsonParser parser) {
        try {
            String text = parser.getText().replaceAll("\\s+", " ");
            return "\"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
        } catch (IOException e) {
            return "";
        }
    }

    /** What a value of a type is written as, in words, or null where a type has no one form. */
    private static String want(Class<?> type) {
        if (type == String.class) {
            return "text";
        } else if (isWhole(type)) {
            return "a whole number";
        } else if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        } else if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        } else if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        } else if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "fields and their values";
        }
        return null;
    }

    /** What a value was written as, in the words of {@link #want}. */
    private static String kind(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "fields and their values";
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "text";
            case VALUE_NUMBER_INT -> "a whole number";
            case VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "true or false";
            default -> null;
        };
    }

    private static boolean isWhole(Class<?> type) {
        return type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class;
    }

    private static String where(JsonMappingException m) {
        var sb = new StringBuilder();
        for (var ref : m.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String parentOf(String where) {
        int dot = where.lastIndexOf('.');
        return dot < 0 ? "" : where.substring(0, dot);
    }

    private static String prefix(String where) {
        if (where.isEmpty()) {
            return "";
        }
        if (where.startsWith("space.")) {
            String rest = where.substring("space.".length());
            int dot = rest.indexOf('.');
            String param = dot < 0 ? rest : rest.substring(0, dot);
            return "param \"" + param + "\"" + (dot < 0 ? "" : " (" + rest.substring(dot + 1) + ")") + ": ";
        }
        return where + ": ";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        // Jackson names its own settings where it says where an object or array was opened.
        return SOURCE.matcher(line).replaceAll("(opened at line $1, column $2)");
    }

    private static final java.util.regex.Pattern SOURCE = java.util.regex.Pattern.compile(
            "\\(start marker at \\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]\\)");

    /**
     * An enum value that is none of its type's, with the values it could be as they are written
     * on the wire, and the one meant when only its case differs.
     */
    private static String unknownConstant(Class<?> type, String given) {
        List<String> written = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            written.add(JSON.convertValue(constant, String.class));
        }
        String meant = written.stream().filter(w -> w.equalsIgnoreCase(given)).findFirst().map(w -> " (" + w + ", in its case)")
                .orElse("");
        return "unknown value \"" + given + "\"; expected one of " + String.join(", ", written) + meant;
    }

    /** What a type is called in a message: its name in words ("TellRequest" → "tell request"), never a class name. */
    private static String describe(Class<?> type) {
        return switch (type.getSimpleName()) {
            case "ExperimentSpec" -> "sweep spec";
            default -> type.getSimpleName().replaceAll("(?<=[a-z0-9])(?=[A-Z])", " ").toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** {@link #describe} with its article: "a sweep spec", "an ask request". */
    private static String aDescribed(Class<?> type) {
        String words = describe(type);
        return ("aeiou".indexOf(words.charAt(0)) >= 0 ? "an " : "a ") + words;
    }
}
