package org.promptseg.jobs.cli;

import java.io.PrintStream;
import java.util.regex.Pattern;

/**
 * ND4J 1.0.0-M2.1's SameDiff prints "Added differentiated op NAME" with System.out.println for every op
 * when it first differentiates a SameDiff layer (hundreds of lines per network). promptseg keeps stdout
 * for results, so the CLI and the benchmark mains drop exactly those lines; everything else passes through unchanged.
 */
public final class Nd4jStdoutFilter extends PrintStream {
    private static final Pattern NOISE = Pattern.compile("Added differentiated op \\S+");

    private Nd4jStdoutFilter(PrintStream out) {
        super(out, true);
    }

    /** Installs the filter on System.out once (idempotent). */
    public static void install() {
        if (!(System.out instanceof Nd4jStdoutFilter)) {
            System.setOut(new Nd4jStdoutFilter(System.out));
        }
    }

    @Override
    public void println(String x) {
        if (x == null || !NOISE.matcher(x).matches()) {
            super.println(x);
        }
    }
}
