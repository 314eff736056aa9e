package io.tunelab.api;

import java.util.Locale;

/**
 * How an experiment's trials are exported, one row per trial with the same columns in both:
 * {@code csv} (RFC 4180, a header row, CRLF line ends) or {@code json} (an array of flat
 * objects, one per row, with numbers as numbers and absent cells as {@code null}).
 */
public enum ExportFormat {
    CSV("text/csv; charset=utf-8"), JSON("application/json");

    private final String mediaType;

    ExportFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The format's name in URLs, file names and the CLI: {@code csv} or {@code json}. */
    public String extension() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The {@code Content-Type} of an export in this format. */
    public String mediaType() {
        return mediaType;
    }

    /** The format named {@code text} (any case), or INVALID_ARGUMENT naming the ones there are. */
    public static ExportFormat parse(String text) {
        if (text != null) {
            for (ExportFormat f : values()) {
                if (f.extension().equalsIgnoreCase(text.trim())) {
                    return f;
                }
            }
        }
        throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "export format must be csv or json, got \"" + text + "\"");
    }
}
