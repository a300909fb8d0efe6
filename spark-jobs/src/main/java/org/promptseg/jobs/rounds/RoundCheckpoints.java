package org.promptseg.jobs.rounds;

import java.util.Optional;

/** Where a run's round states are kept; {@link #save} is atomic (a reader sees the old or the new round, never half). */
public interface RoundCheckpoints {
    void save(RoundState state);

    Optional<RoundState> latest();

    /** No checkpointing (benchmarks). */
    RoundCheckpoints NONE = new RoundCheckpoints() {
        @Override
        public void save(RoundState state) {}

        @Override
        public Optional<RoundState> latest() {
            return Optional.empty();
        }
    };
}
