package io.tunelab.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of a library on the class path, read from the Maven metadata its jar carries
 * ({@code META-INF/maven/GROUP/ARTIFACT/pom.properties}): what provenance records for the SDK, the
 * worker and the libraries a trial ran with.
 */
public final class MavenVersions {
    private MavenVersions() {
    }

    /** The jar's version; "dev" when the classes run from a build directory (an IDE or tests). */
    public static String of(String group, String artifact) {
        String path = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = MavenVersions.class.getResourceAsStream(path)) {
            if (in == null) {
                return "dev";
            }
            var p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
