package io.tunelab.experiments.quality;

import io.tunelab.api.ExperimentSpec;
import io.tunelab.api.TrialProposal;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** How the benchmark reaches the strategies: through a real server (the SDK) or in process. */
interface Driver extends AutoCloseable {

    /** Creates the experiment and returns its ask/tell loop. */
    Session launch(ExperimentSpec spec);

    /** One experiment's ask/tell loop. */
    interface Session {
        TrialProposal ask();

        void tell(long trialId, Map<String, Double> values);

        static Session of(Supplier<TrialProposal> ask, BiConsumer<Long, Map<String, Double>> tell) {
            return new Session() {
                @Override
                public TrialProposal ask() {
                    return ask.get();
                }

                @Override
                public void tell(long trialId, Map<String, Double> values) {
                    tell.accept(trialId, values);
                }
            };
        }
    }

    /**
     * The server's own propose timer so far, as {count, total seconds}, or null when there is
     * no server (in process the client-side ask time is the strategy's time).
     */
    default double[] proposeTotals() {
        return null;
    }

    @Override
    default void close() {
    }
}
