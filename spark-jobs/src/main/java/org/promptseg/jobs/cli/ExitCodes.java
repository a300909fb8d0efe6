package org.promptseg.jobs.cli;

/** Exit codes every promptseg command uses (DESIGN §10), so that schedulers can act on them. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Problems found ({@code dataset check}, {@code store verify}). */
    public static final int PROBLEMS_FOUND = 1;
    /** Usage or configuration error: unknown option, bad value, missing/malformed config. */
    public static final int USAGE = 2;
    /** A candidate was rejected by a gate ({@code retune}). */
    public static final int CANDIDATE_REJECTED = 3;
    /** The work failed at run time (bad data, I/O, a failed Spark job, an internal error). */
    public static final int RUNTIME_FAILURE = 4;

    private ExitCodes() {}
}
