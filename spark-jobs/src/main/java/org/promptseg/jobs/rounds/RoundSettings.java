package org.promptseg.jobs.rounds;

import com.typesafe.config.Config;

/**
 * Settings of the parameter-server rounds ({@code promptseg.rounds}).
 *
 * @param rounds        number of rounds
 * @param localSteps    optimisation steps each task runs per round
 * @param serverShards  partitions of the reduce: each group is summed on one shard
 * @param serverLr      server learning rate applied to the mean delta (1 = plain FedAvg)
 * @param serverMomentum server momentum (0 = none)
 * @param validateEvery run validation every N rounds (0 = never; the last round always)
 * @param seed          seed of the run; task seeds derive from (seed, round, partition, center)
 */
public record RoundSettings(int rounds, int localSteps, int serverShards, double serverLr, double serverMomentum, int validateEvery, long seed)
        implements java.io.Serializable {
    public RoundSettings {
        if (rounds < 1 || localSteps < 1 || serverShards < 1) {
            throw new IllegalArgumentException("rounds, local-steps and server-shards must be >= 1 (got " + rounds + ", " + localSteps + ", " + serverShards + ")");
        }
        if (serverMomentum < 0 || serverMomentum >= 1) {
            throw new IllegalArgumentException("promptseg.rounds.server-momentum must be in [0, 1), got " + serverMomentum);
        }
    }

    /**
     * @param job the job's section with {@code rounds} and {@code local-steps} ({@code promptseg.pretrain} or {@code promptseg.tune})
     */
    public static RoundSettings fromConfig(Config root, String job, long seed) {
        Config c = root.getConfig("promptseg.rounds");
        Config j = root.getConfig(job);
        return new RoundSettings(j.getInt("rounds"), j.getInt("local-steps"), c.getInt("server-shards"), c.getDouble("server-lr"),
                c.getDouble("server-momentum"), c.getInt("validate-every"), seed);
    }

    public RoundSettings withRounds(int n) {
        return new RoundSettings(n, localSteps, serverShards, serverLr, serverMomentum, validateEvery, seed);
    }

    /** Seed of one task: a fixed mix of the run seed, round, partition and center, stable across JVMs. */
    public long taskSeed(int round, int partition, String center) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h ^= (round + 1L) * 0xBF58476D1CE4E5B9L;
        h ^= (partition + 1L) * 0x94D049BB133111EBL;
        for (int i = 0; i < center.length(); i++) {
            h = h * 31 + center.charAt(i);
        }
        h ^= h >>> 31;
        h *= 0x7FB5D329728EA185L;
        return h ^ (h >>> 27);
    }
}
