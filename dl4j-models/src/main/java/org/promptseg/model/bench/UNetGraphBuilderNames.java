package org.promptseg.model.bench;

/** Reads the resolution level back from {@link org.promptseg.model.UNetGraphBuilder}'s vertex names. */
final class UNetGraphBuilderNames {
    private UNetGraphBuilderNames() {
    }

    /**
     * {@code enc<l>_*} and {@code dec<l>_*} are at level l, {@code mid_*} at the bottleneck, the head at 0.
     * A transposed conv {@code dec<l>_up} outputs at level l.
     */
    static int levelOf(String vertex, int bottleneck) {
        if (vertex.startsWith("mid")) {
            return bottleneck;
        }
        if (vertex.startsWith("enc") || vertex.startsWith("dec")) {
            return Integer.parseInt(vertex.substring(3, vertex.indexOf('_')));
        }
        return 0;
    }
}
