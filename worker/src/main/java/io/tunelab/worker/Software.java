package io.tunelab.worker;

import io.tunelab.client.MavenVersions;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What this worker runs on: host, Tunelab, DL4J and Java versions — the software half of a trial's provenance. */
final class Software {
    private Software() {
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    private static final Map<String, Object> DESCRIPTION = Collections.unmodifiableMap(read());

    /** Host, versions and OS, read once per process. */
    static Map<String, Object> describe() {
        return DESCRIPTION;
    }

    private static Map<String, Object> read() {
        var m = new LinkedHashMap<String, Object>();
        m.put("host", host());
        m.put("tunelab_version", MavenVersions.of("io.tunelab", "tunelab-worker"));
        m.put("dl4j_version", MavenVersions.of("org.deeplearning4j", "deeplearning4j-nn"));
        m.put("nd4j_version", MavenVersions.of("org.nd4j", "nd4j-native"));
        m.put("java_version", System.getProperty("java.version"));
        m.put("java_vendor", System.getProperty("java.vendor"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return m;
    }
}
