package io.tunelab.server.http;

import java.time.Duration;

/**
 * Bounds on what HTTP callers may hold: how many server-sent-event streams may be open at once
 * ({@code --max-event-streams}), how long a stream may go without its writes reaching the client
 * before it is closed ({@code --event-idle-seconds}), the largest model upload
 * ({@code --max-model-mb}) and the largest artifact upload ({@code --max-artifact-mb}).
 */
public record HttpLimits(int maxEventStreams, Duration eventIdleTimeout, long maxModelBytes, long maxArtifactBytes) {
    public static final int DEFAULT_MAX_EVENT_STREAMS = 256;
    public static final Duration DEFAULT_EVENT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final long DEFAULT_MAX_MODEL_BYTES = 256L * 1024 * 1024;
    public static final long DEFAULT_MAX_ARTIFACT_BYTES = 64L * 1024 * 1024;

    public HttpLimits {
        if (maxEventStreams < 1) {
            throw new IllegalArgumentException("--max-event-streams must be 1 or more, got " + maxEventStreams);
        }
        if (eventIdleTimeout == null || eventIdleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("--event-idle-seconds must be positive, got " + eventIdleTimeout);
        }
        if (maxModelBytes < 1) {
            throw new IllegalArgumentException("--max-model-mb must be 1 or more, got " + maxModelBytes + " bytes");
        }
        if (maxArtifactBytes < 1) {
            throw new IllegalArgumentException("--max-artifact-mb must be 1 or more, got " + maxArtifactBytes + " bytes");
        }
    }

    /** Limits with the default artifact cap. */
    public HttpLimits(int maxEventStreams, Duration eventIdleTimeout, long maxModelBytes) {
        this(maxEventStreams, eventIdleTimeout, maxModelBytes, DEFAULT_MAX_ARTIFACT_BYTES);
    }

    public static HttpLimits defaults() {
        return new HttpLimits(DEFAULT_MAX_EVENT_STREAMS, DEFAULT_EVENT_IDLE_TIMEOUT, DEFAULT_MAX_MODEL_BYTES);
    }
}
