package io.tunelab.worker.runner;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * The runners a worker has, by name: those on its own class path, and those in the jars given
 * with {@code --runner-jar} (each read through its own class loader whose parent is the
 * worker's, so a runner jar needs only its own classes and libraries the worker lacks).
 * Built once in main; immutable and thread-safe.
 */
public final class Runners {
    /** The runner of a task that names none. */
    public static final String DEFAULT = "dl4j";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

    private final Map<String, Runner> byName;

    private Runners(Map<String, Runner> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** These runners only (tests, embedding). */
    public static Runners of(Runner... runners) {
        var map = new LinkedHashMap<String, Runner>();
        for (Runner r : runners) {
            add(map, r, "the given runners");
        }
        return new Runners(map);
    }

    /**
     * The runners on the worker's class path and in the given jars. Throws
     * IllegalArgumentException saying which jar is wrong and why: a missing file, a file that is
     * not a jar, a jar without a runner, a runner that cannot be loaded, or a name taken twice.
     */
    public static Runners load(List<Path> jars) {
        var map = new LinkedHashMap<String, Runner>();
        for (Runner r : discover(ServiceLoader.load(Runner.class, Runners.class.getClassLoader()), null, "the worker")) {
            add(map, r, "the worker");
        }
        for (Path jar : jars) {
            String where = "--runner-jar " + jar;
            var loader = new URLClassLoader(new URL[]{urlOf(jar, where)}, Runners.class.getClassLoader());
            List<Runner> found = discover(ServiceLoader.load(Runner.class, loader), loader, where);
            if (found.isEmpty()) {
                throw new IllegalArgumentException(where + " holds no runner: a runner jar lists its Runner classes in "
                        + "META-INF/services/" + Runner.class.getName());
            }
            found.forEach(r -> add(map, r, where));
        }
        return new Runners(map);
    }

    /** The runner of a name, or null. */
    public Runner get(String name) {
        return byName.get(name);
    }

    /** The names, in the order found (the worker's own first). */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    private static URL urlOf(Path jar, String where) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(where + ": no such file (" + jar.toAbsolutePath() + "); give the path of a jar");
        }
        try (var zip = new ZipFile(jar.toFile())) {
            zip.size();
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " is not a jar file (" + e.getMessage() + "); give a jar built with "
                    + "the runner's classes and its META-INF/services entry");
        }
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    /** The providers a loader finds; with {@code only} set, those that loader itself defines (not its parent's). */
    private static List<Runner> discover(ServiceLoader<Runner> services, ClassLoader only, String where) {
        var found = new ArrayList<Runner>();
        try {
            for (ServiceLoader.Provider<Runner> p : services.stream().toList()) {
                if (only == null || p.type().getClassLoader() == only) {
                    found.add(p.get());
                }
            }
        } catch (ServiceConfigurationError e) {
            String cause = e.getCause() != null ? e.getMessage() + " (" + e.getCause() + ")" : e.getMessage();
            throw new IllegalArgumentException(where + ": a runner cannot be loaded: " + cause
                    + "; each class named in META-INF/services/" + Runner.class.getName()
                    + " must be public, implement it and have a public no-argument constructor", e);
        }
        return found;
    }

    private static void add(Map<String, Runner> map, Runner runner, String where) {
        String name = runner.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": runner " + runner.getClass().getName() + " is named \"" + name
                    + "\"; a runner name is 1 to 40 lower-case letters, digits, _ or -, starting with a letter");
        }
        Runner before = map.putIfAbsent(name, runner);
        if (before != null) {
            throw new IllegalArgumentException(where + ": runner \"" + name + "\" (" + runner.getClass().getName()
                    + ") has the name of " + before.getClass().getName() + ", which the worker already has; names must differ");
        }
    }
}
