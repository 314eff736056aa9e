package io.tunelab.worker.runner;

import io.tunelab.api.Options;

import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Builds the jar a user would: the example runner (test resource example-runner/MajorityRunner.java,
 * the one worker/README.md shows) compiled against the worker and the SDK, with its
 * META-INF/services entry.
 */
public final class ExampleRunnerJar {
    private ExampleRunnerJar() {
    }

    /** The jar, with the service entry unless {@code withService} is false. */
    public static Path build(Path dir, boolean withService) {
        try {
            Path src = dir.resolve("src/org/example/MajorityRunner.java");
            Files.createDirectories(src.getParent());
            try (InputStream in = ExampleRunnerJar.class.getResourceAsStream("/example-runner/MajorityRunner.java")) {
                Files.write(src, in.readAllBytes());
            }
            Path classes = dir.resolve("classes");
            Files.createDirectories(classes);
            String classPath = location(Runner.class) + java.io.File.pathSeparator + location(Options.class);
            int code = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp", classPath,
                    src.toString());
            if (code != 0) {
                throw new IllegalStateException("the example runner does not compile");
            }
            Path jar = dir.resolve(withService ? "majority-runner.jar" : "no-service.jar");
            try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
                out.putNextEntry(new JarEntry("org/example/"));
                for (Path c : Files.list(classes.resolve("org/example")).toList()) {
                    out.putNextEntry(new JarEntry("org/example/" + c.getFileName()));
                    out.write(Files.readAllBytes(c));
                }
                if (withService) {
                    out.putNextEntry(new JarEntry("META-INF/services/" + Runner.class.getName()));
                    out.write("org.example.MajorityRunner\n".getBytes());
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
