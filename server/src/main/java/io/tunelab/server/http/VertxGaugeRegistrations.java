package io.tunelab.server.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Micrometer's warning that a Vert.x gauge "has been already registered". Vert.x's
 * Micrometer metrics register their gauges again for every new connection and share the value
 * by the gauge's id, as designed; Micrometer warns at the second registration, so every server
 * start printed {@code WARN This Gauge has been already registered
 * (MeterId{name='vertx.http.server.active.connections', …})} at its first requests, in the demo's
 * output too. Only gauges named {@code vertx.…} are dropped: a re-registration of Tunelab's own
 * meters still warns.
 */
public final class VertxGaugeRegistrations extends TurboFilter {
    static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";
    static final String MESSAGE = "This Gauge has been already registered (MeterId{name='vertx.";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        return format != null && logger != null && LOGGER.equals(logger.getName()) && format.startsWith(MESSAGE)
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
