package io.tunelab.experiments.quality.fake;

import java.util.Map;

/** The server's strategy interface, as the direct runs call it. */
public interface SearchStrategy {
    Map<String, Object> propose(ProposalContext context);
}
