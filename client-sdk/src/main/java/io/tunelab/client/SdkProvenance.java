package io.tunelab.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an SDK process runs, recorded with every trial {@code optimize} tells: JVM, OS, host,
 * main class, the jars on the class path with their versions, the git commit (and whether the
 * work tree had uncommitted changes) of the directory it runs in, and the SDK's version. Read once
 * per process; a part that cannot be read is left out rather than guessed.
 */
final class SdkProvenance {
    /** The most class-path jars listed; a larger class path says how many were left out. */
    static final int MAX_JARS = 300;
    private static final Pattern VERSIONED_JAR = Pattern.compile("(.+?)-(\\d[\\w.+-]*)\\.jar");

    private static volatile Map<String, Object> captured;

    private SdkProvenance() {
    }

    /** This process's provenance, read on first use. */
    static Map<String, Object> current() {
        Map<String, Object> p = captured;
        if (p == null) {
            p = Collections.unmodifiableMap(capture(System.getProperty("java.class.path", ""), Path.of(System.getProperty("user.dir"))));
            captured = p;
        }
        return p;
    }

    static Map<String, Object> capture(String classPath, Path workDir) {
        var m = new LinkedHashMap<String, Object>();
        m.put("runner", "sdk");
        m.put("tunelab_sdk_version", MavenVersions.of("io.tunelab", "tunelab-client-sdk"));
        m.put("host", host());
        m.put("java_version", System.getProperty("java.version"));
        m.put("java_vendor", System.getProperty("java.vendor"));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        String main = mainClass();
        if (main != null) {
            m.put("main_class", main);
        }
        m.put("class_path", jars(classPath));
        git(workDir).ifPresent(m::putAll);
        return m;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    /** The class whose {@code main} started the JVM: the first word of the launcher's command, when it names a class. */
    private static String mainClass() {
        String command = System.getProperty("sun.java.command");
        if (command == null || command.isBlank()) {
            return null;
        }
        String first = command.strip().split("\\s+")[0];
        return first.endsWith(".jar") ? jarMainClass(first) : first;
    }

    private static String jarMainClass(String jar) {
        try (var file = new JarFile(jar)) {
            var manifest = file.getManifest();
            return manifest == null ? jar : manifest.getMainAttributes().getValue("Main-Class");
        } catch (IOException e) {
            return jar;
        }
    }

    /** Each jar on the class path as {@code {jar, version}}: the manifest's version, else the one in its file name. */
    static List<Map<String, String>> jars(String classPath) {
        var out = new ArrayList<Map<String, String>>();
        int skipped = 0;
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (!entry.endsWith(".jar")) {
                continue;
            }
            if (out.size() == MAX_JARS) {
                skipped++;
                continue;
            }
            String file = Path.of(entry).getFileName().toString();
            var jar = new LinkedHashMap<String, String>();
            Matcher named = VERSIONED_JAR.matcher(file);
            jar.put("jar", named.matches() ? named.group(1) : file.substring(0, file.length() - 4));
            String version = manifestVersion(entry);
            if (version == null && named.matches()) {
                version = named.group(2);
            }
            if (version != null) {
                jar.put("version", version);
            }
            out.add(jar);
        }
        if (skipped > 0) {
            out.add(Map.of("jar", "(" + skipped + " more jars not listed)"));
        }
        return out;
    }

    private static String manifestVersion(String jarPath) {
        try (var file = new JarFile(jarPath)) {
            var manifest = file.getManifest();
            return manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
        } catch (IOException e) {
            return null;
        }
    }

    /** The commit checked out in {@code dir} and whether tracked files differ from it, when {@code dir} is in a git work tree. */
    static java.util.Optional<Map<String, Object>> git(Path dir) {
        String commit = run(dir, "git", "rev-parse", "HEAD");
        if (commit == null || !commit.matches("[0-9a-f]{40,64}")) {
            return java.util.Optional.empty();
        }
        String status = run(dir, "git", "status", "--porcelain", "--untracked-files=no");
        var m = new LinkedHashMap<String, Object>();
        m.put("git_commit", commit);
        if (status != null) {
            m.put("git_dirty", !status.isEmpty());
        }
        return java.util.Optional.of(m);
    }

    /** A command's trimmed output, or null when it cannot run, fails, or takes longer than 5 seconds. */
    private static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(1 << 20);
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
