package io.tunelab.client;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The command line of one of Tunelab's own JVM processes, a server or a worker: the Java
 * binary, the JVM options, the environment, the class path (the module's built jar and its
 * {@code lib} folder) and the main class. This is the one definition of how those processes
 * start: the demo's local worker, the end-to-end tests and the benchmarks build their
 * processes with {@link #processBuilder}, and the {@code tunelab} launcher asks {@link #main}
 * for the same command line and runs it ({@code experiments/bench-training.sh} goes through
 * the launcher).
 *
 * <p>It lives in the SDK because modules depend one way: the server, the worker and the
 * experiments each depend on the SDK and on nothing else of Tunelab, so the SDK is the only
 * module all three starters can see (the demo is in the server, which cannot see the worker).
 * The launcher cannot call Java directly, so it runs {@link #main} once, on the SDK jar alone,
 * and executes what it prints instead of keeping its own copy of the flags; once the line names
 * the module's shared archive ({@link #sharedArchive}) it no longer changes, so the launcher keeps
 * it and runs it again while nothing it was made of changed (the launcher's {@code run_jvm}).
 *
 * <p>A worker runs with {@code OMP_NUM_THREADS=1} (unless the starting process's environment
 * sets it: then that value wins, as in the launcher), because a worker runs several trials at
 * once, each single-threaded, and with the parallel collector, which keeps several training
 * slots from stalling on G1's concurrent work; its memory is bounded ({@link #WORKER_MEMORY}), and
 * {@code MALLOC_ARENA_MAX=2} keeps the C allocator from holding an arena per training thread.
 * Immutable.
 *
 * @param java        the {@code java} binary: the one running this process
 * @param jvmOptions  options before the class path
 * @param environment variables set for the process unless the starting process already has them
 * @param jar         the module's built jar; its libraries are in {@code lib} beside it
 * @param mainClass   the class whose {@code main} runs
 */
public record JvmCommand(String java, List<String> jvmOptions, Map<String, String> environment, Path jar, String mainClass) {
    /** JDK 22+ warns on every native call without it; DL4J's and H2's libraries make such calls. */
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    static final String UNSAFE_MEMORY_ACCESS = "--sun-misc-unsafe-memory-access=allow";
    private static final String ARCHIVE_FILE = "-XX:SharedArchiveFile=";
    private static final String ARCHIVE_AT_EXIT = "-XX:ArchiveClassesAtExit=";
    /** How a part of a module's shared archive, written by one process as it exits, ends its name ({@link #sharedArchive}). */
    private static final String PART_SUFFIX = ".part";
    private static final List<String> ARCHIVE_LOGS_OFF = Runtime.version().feature() >= 25
            ? List.of("-Xlog:cds*=off", "-Xlog:aot*=off") : List.of("-Xlog:cds*=off");

    /**
     * A worker's memory bounds, so its resident size stays near 1.5 GB however long it trains.
     * ND4J's arrays live outside the heap and are freed only when the garbage collector finds
     * their Java objects unreachable; with the default heap (a quarter of the machine) that took
     * so long that a worker grew to 7.4 GB. A small heap collects often; JavaCPP counts the
     * off-heap bytes of its own pointers and collects (then refuses) above {@code maxbytes}; the
     * worker collects when the whole process's resident size passes {@code
     * tunelab.worker.max-resident} (its {@code ResidentMemoryBound}, which reads that size every
     * 50 ms). JavaCPP's own {@code maxphysicalbytes} is off: it read the resident size on every
     * native allocation, a third of a small network's training time.
     */
    static final List<String> WORKER_MEMORY = List.of("-Xmx512m", "-Dorg.bytedeco.javacpp.maxbytes=512m",
            "-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "-Dtunelab.worker.max-resident=1400m");

    public JvmCommand {
        jvmOptions = List.copyOf(jvmOptions);
        environment = Map.copyOf(environment);
    }

    /** A worker ({@code io.tunelab.worker.Main}) from {@code home/worker/target}. */
    public static JvmCommand worker(Path home) {
        return worker(home, "target");
    }

    /** A worker from {@code home/worker/<buildDirectory>} (the build's {@code tunelab.target}). */
    public static JvmCommand worker(Path home, String buildDirectory) {
        var options = new ArrayList<>(List.of(NATIVE_ACCESS, "-XX:+UseParallelGC"));
        if (Runtime.version().feature() >= 24) {
            // The protobuf library DL4J and Tribuo read models with calls sun.misc.Unsafe: without this,
            // every worker and every `tunelab predict` printed four lines of warnings (JDK 24+; JDK 23 added the option).
            options.add(UNSAFE_MEMORY_ACCESS);
        }
        options.addAll(WORKER_MEMORY);
        options.addAll(consoleEncoding(System.getProperty("native.encoding")));
        Path jar = jar(home, "worker", buildDirectory);
        options.addAll(sharedArchive(jar, List.copyOf(options)));
        options.add(homeProperty(home));
        return new JvmCommand(currentJava(), options, Map.of("OMP_NUM_THREADS", "1", "MALLOC_ARENA_MAX", "2"),
                jar, "io.tunelab.worker.Main");
    }

    /** A server ({@code io.tunelab.server.Main}) from {@code home/server/target}. */
    public static JvmCommand server(Path home) {
        return server(home, "target");
    }

    /**
     * The server's collector setting: a survivor of one young collection is promoted at the next.
     * What a server keeps (trials, their params, stored answers) outlives every request, and G1's
     * own threshold (5–15) copied it from survivor space to survivor space about five times
     * first. Adopted by a rule written before its runs (experiments/PERFORMANCE.md, 2026-12-04 late
     * evening): in three alternated pairs the longest young pause 46–63 ms against 56–75 and
     * their sum lower in all three, the server's CPU per trial within the rule's 1.10 × (median
     * 1.09 × classic, 0.75 × with the tell that brings the next trial).
     */
    static final String SERVER_TENURING = "-XX:MaxTenuringThreshold=1";

    /**
     * The server's JIT compiler threads on a machine of {@code processors}: four (one C1, three
     * C2) where the JVM's own count would be two or three (up to 4 processors). With one C2
     * thread a server was still compiling its request path after 30,000 trials of each protocol,
     * taking 48–210 µs of CPU per trial of the experiment measured then; with three the compiling
     * is done sooner and the same benchmark ran 11–17% more round trips a second (median of four
     * alternated pairs, experiments/PERFORMANCE.md, 2026-12-06 16:19). The threads stay for the
     * process's life, idle once a server is warm (the JVM would otherwise start and stop the
     * extra ones as its queue grows and shrinks, and the CPU of a stopped one vanishes from the
     * per-thread figures the benchmarks read). Larger machines keep the JVM's count.
     */
    static List<String> serverCompilerThreads(int processors) {
        return processors <= 4 ? List.of("-XX:CICompilerCount=4", "-XX:-UseDynamicNumberOfCompilerThreads") : List.of();
    }

    /** A server from {@code home/server/<buildDirectory>}. */
    public static JvmCommand server(Path home, String buildDirectory) {
        Path jar = jar(home, "server", buildDirectory);
        var options = new ArrayList<>(List.of(NATIVE_ACCESS, SERVER_TENURING));
        options.addAll(serverCompilerThreads(Runtime.getRuntime().availableProcessors()));
        options.addAll(consoleEncoding(System.getProperty("native.encoding")));
        options.addAll(sharedArchive(jar, List.copyOf(options)));
        options.add(homeProperty(home));
        return new JvmCommand(currentJava(), options, Map.of(), jar, "io.tunelab.server.Main");
    }

    /**
     * The options that make a process write its terminal text in UTF-8 when the user's locale is
     * the POSIX one ({@code C}, or no {@code LANG} at all: {@code nativeEncoding} is ASCII), as
     * Python does there (PEP 538): a fresh machine or container often sets no locale while its
     * terminal shows UTF-8, and Java would print every "±", "…" and "≥" of a leaderboard or a
     * message as "?". Any other locale's encoding is the terminal's own, and kept.
     */
    static List<String> consoleEncoding(String nativeEncoding) {
        boolean posix = "ANSI_X3.4-1968".equals(nativeEncoding) || "US-ASCII".equalsIgnoreCase(nativeEncoding);
        return posix ? List.of("-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8") : List.of();
    }

    /**
     * Class data sharing for a module's processes: the classes one process loaded, parsed and
     * verified, are kept in an archive beside the jar, and the next process maps them instead of
     * loading them again (a server's start to a healthy {@code /health} took 35–45 % less CPU,
     * README "Time to first result").
     *
     * <p>The archive's name carries a fingerprint of the JVM and of every jar on the class path
     * (name, size, modification time), because the JVM does not write a new archive over one
     * that a rebuilt jar made stale: it only runs without it. Archives of earlier builds are
     * deleted (a process that maps one keeps it until it exits).
     *
     * <p>No process writes the archive itself: while there is none, each process writes a part of
     * its own as it exits normally ({@code -XX:ArchiveClassesAtExit}, a name no other process
     * uses; a process killed first writes none), and the next start checks a part against its
     * checksums in a short JVM run ({@link #verified}) and renames it into place, once per build.
     * So the archive is whole or absent, never half written by two processes exiting at once or
     * cut by a kill, and the processes that map it need not check its checksums on every start
     * ({@code -XX:+VerifySharedSpaces}, which cost every start about half a second). A part that
     * fails the check is deleted. {@code otherOptions} are the process's other JVM options, for
     * the check. The JVM's messages about the archive are off: a dump's list of classes it
     * skipped would otherwise fill the process's output. No options when the jar is not built, or
     * its folder cannot be read.
     */
    static List<String> sharedArchive(Path jar, List<String> otherOptions) {
        String module = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        Path archive;
        try {
            archive = jar.resolveSibling(module + "-" + fingerprint(jar) + ".jsa");
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
        String partPrefix = archive.getFileName() + ".";
        var parts = new ArrayList<Path>();
        try (var siblings = Files.newDirectoryStream(jar.getParent(), module + "-*.{jsa," + PART_SUFFIX.substring(1) + "}")) {
            for (Path sibling : siblings) {
                String name = sibling.getFileName().toString();
                if (name.startsWith(partPrefix) && name.endsWith(PART_SUFFIX)) {
                    parts.add(sibling);
                } else if (!sibling.equals(archive)) {
                    deleteQuietly(sibling);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // a folder that cannot be read: its parts wait for a start that can read it
        }
        if (!Files.isRegularFile(archive)) {
            promotePart(archive, parts.stream().sorted().toList(), jar, otherOptions);
        }
        var options = new ArrayList<String>();
        if (Files.isRegularFile(archive)) {
            options.add(ARCHIVE_FILE + archive);
        } else {
            String part = partPrefix + ProcessHandle.current().pid() + "-" + Long.toUnsignedString(System.nanoTime(), 36) + PART_SUFFIX;
            options.add(ARCHIVE_AT_EXIT + archive.resolveSibling(part));
        }
        options.addAll(ARCHIVE_LOGS_OFF);
        return options;
    }

    /** Deletes an earlier build's archive or part; one left on disk costs space, not correctness. */
    private static void deleteQuietly(Path stale) {
        try {
            Files.deleteIfExists(stale);
        } catch (IOException e) {
            // left for a later start
        }
    }

    /**
     * Renames the first of {@code parts} (the parts of {@code archive} found beside it) that
     * passes {@link #verified} into its place and deletes the others (a part still being written,
     * whose writer exits now, is lost: the next start without an archive writes another).
     */
    private static void promotePart(Path archive, List<Path> parts, Path jar, List<String> otherOptions) {
        boolean promoted = false;
        for (Path part : parts) {
            try {
                if (!promoted && verified(part, jar, otherOptions)) {
                    Files.move(part, archive, StandardCopyOption.ATOMIC_MOVE);
                    promoted = true;
                } else {
                    Files.deleteIfExists(part);
                }
            } catch (IOException | UncheckedIOException e) {
                // another start promoted or deleted it first
            }
        }
    }

    /**
     * Whether the JVM maps {@code part} with every checksum right: a JVM run with the module's
     * options and class path that must map it ({@code -Xshare:on}) and checks it
     * ({@code -XX:+VerifySharedSpaces}), and prints only its version.
     */
    static boolean verified(Path part, Path jar, List<String> otherOptions) {
        var command = new ArrayList<String>(List.of(currentJava()));
        command.addAll(otherOptions);
        command.addAll(List.of(ARCHIVE_FILE + part, "-XX:+VerifySharedSpaces", "-Xshare:on"));
        command.addAll(ARCHIVE_LOGS_OFF);
        command.addAll(List.of("-cp", classPath(jar), "-version"));
        try {
            Process check = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!check.waitFor(60, TimeUnit.SECONDS)) {
                check.destroyForcibly();
                return false;
            }
            return check.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A hex digest of this JVM and of the jar and its libraries' names, sizes and modification times. */
    private static String fingerprint(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is not built");
        }
        var files = new ArrayList<Path>(List.of(jar));
        Path lib = jar.resolveSibling("lib");
        if (Files.isDirectory(lib)) {
            try (var jars = Files.list(lib)) {
                jars.sorted().forEach(files::add);
            }
        }
        var text = new StringBuilder(System.getProperty("java.home")).append('\n').append(Runtime.version()).append('\n');
        for (Path f : files) {
            text.append(f.getFileName()).append(' ').append(Files.size(f)).append(' ')
                    .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JVM", e);
        }
    }

    /**
     * The same process with more JVM options after these (for example {@code -Xmx2g}). It writes
     * no part of the module's shared archive: a part is checked with the module's own options
     * ({@link #sharedArchive}), and one written under another collector, say, would fail the check
     * and be written again at every exit. It still maps the archive when there is one (the JVM
     * runs without an archive its options cannot use).
     */
    public JvmCommand withJvmOptions(List<String> more) {
        var all = new ArrayList<>(more.isEmpty() ? jvmOptions : readingSharedArchive().jvmOptions());
        all.addAll(more);
        return new JvmCommand(java, all, environment, jar, mainClass);
    }

    /**
     * The same process mapping the module's shared archive when there is one, never writing it:
     * for the launcher's short commands ({@code tunelab experiments}, {@code --help}), which load
     * a fraction of a server's classes. The archive is made of the first whole part a process
     * wrote ({@link #sharedArchive}), so one written by such a command would leave the servers and
     * workers little of it.
     */
    public JvmCommand readingSharedArchive() {
        var options = new ArrayList<>(jvmOptions);
        options.removeIf(o -> o.startsWith(ARCHIVE_AT_EXIT));
        return new JvmCommand(java, options, environment, jar, mainClass);
    }

    /** The same JVM, class path and environment running another main class of the module. */
    public JvmCommand withMainClass(String other) {
        return new JvmCommand(java, jvmOptions, environment, jar, other);
    }

    /** The jar and every library beside it, as {@code -cp} takes them. */
    public String classPath() {
        return classPath(jar);
    }

    private static String classPath(Path jar) {
        return jar + File.pathSeparator + jar.resolveSibling("lib") + File.separator + "*";
    }

    /** The whole command: java, JVM options, class path, main class, then {@code args}. */
    public List<String> command(List<String> args) {
        var command = new ArrayList<String>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * A process builder for this command with {@code args}, its environment set; the caller
     * redirects its output and starts it. Throws {@link IllegalStateException} when the jar is
     * not built, naming it and how to build it.
     */
    public ProcessBuilder processBuilder(List<String> args) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is not built; run ./tunelab build (or mvn -DskipTests package)");
        }
        var builder = new ProcessBuilder(command(args));
        environment.forEach(builder.environment()::putIfAbsent);
        return builder;
    }

    /**
     * For the launcher: prints the command line of {@code worker} or {@code server} under the
     * repository root {@code HOME}, words separated by NUL, starting with {@code env NAME=VALUE...}
     * so that the launcher can {@code exec} it and append the command's own arguments.
     * <pre>JvmCommand worker|server HOME [--main CLASS] [--read-shared-archive] [JVM_OPTION...]</pre>
     */
    public static void main(String[] args) {
        try {
            print(parse(List.of(args)), System.getenv(), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("JvmCommand: " + e.getMessage());
            System.exit(2);
        }
    }

    static JvmCommand parse(List<String> args) {
        if (args.size() < 2 || !(args.getFirst().equals("worker") || args.getFirst().equals("server"))) {
            throw new IllegalArgumentException("expected worker|server HOME [--main CLASS] [--read-shared-archive] [JVM_OPTION...], got " + args);
        }
        Path home = Path.of(args.get(1));
        JvmCommand command = args.getFirst().equals("worker") ? worker(home) : server(home);
        List<String> rest = args.subList(2, args.size());
        if (!rest.isEmpty() && rest.getFirst().equals("--main")) {
            if (rest.size() < 2) {
                throw new IllegalArgumentException("--main needs a class name, as --main io.tunelab.worker.bench.TrainingBenchmark");
            }
            command = command.withMainClass(rest.get(1));
            rest = rest.subList(2, rest.size());
        }
        if (!rest.isEmpty() && rest.getFirst().equals("--read-shared-archive")) {
            command = command.readingSharedArchive();
            rest = rest.subList(1, rest.size());
        }
        return command.withJvmOptions(rest);
    }

    /**
     * Writes {@code env NAME=VALUE... java ...}, each word followed by NUL; a variable that
     * {@code callerEnvironment} (the launcher's) already has keeps the caller's value.
     */
    static void print(JvmCommand command, Map<String, String> callerEnvironment, PrintStream out) {
        var words = new ArrayList<String>();
        words.add("env");
        // Sorted, so the same command prints the same line every time.
        new java.util.TreeMap<>(command.environment()).forEach((name, value) -> words.add(name + "=" + callerEnvironment.getOrDefault(name, value)));
        words.addAll(command.command(List.of()));
        var text = new StringBuilder();
        words.forEach(w -> text.append(w).append('\0'));
        out.print(text);
        out.flush();
    }

    private static Path jar(Path home, String module, String buildDirectory) {
        return home.toAbsolutePath().normalize().resolve(module).resolve(buildDirectory).resolve("tunelab-" + module + ".jar");
    }

    private static String homeProperty(Path home) {
        return "-Dtunelab.home=" + home.toAbsolutePath().normalize();
    }

    private static String currentJava() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    @Override
    public String toString() {
        return (environment.isEmpty() ? "" : environment + " ") + String.join(" ", command(List.of()));
    }
}
