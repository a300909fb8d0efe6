package org.promptseg.model.infer;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adapts an ND4J forward function — typically {@code x -> graph.outputSingle(false, x)} of the
 * backbone with its prompts — to {@link WindowPredictor}: wraps the windows as an NDHWC
 * {@code [n, d, h, w, 1]} array, runs the function, and checks that it returned
 * {@code [n, d, h, w, classes]} before handing the values back.
 */
public final class NdArrayWindowPredictor implements WindowPredictor {

    private final VolumeShape window;
    private final int classes;
    private final UnaryOperator<INDArray> forward;

    /**
     * @param window  the network's input window (z, y, x)
     * @param classes channels of the network's softmax output
     * @param forward NDHWC probabilities for NDHWC intensities; called from one thread
     */
    public NdArrayWindowPredictor(VolumeShape window, int classes, UnaryOperator<INDArray> forward) {
        this.window = Objects.requireNonNull(window, "window");
        this.classes = classes;
        this.forward = Objects.requireNonNull(forward, "forward");
    }

    @Override
    public VolumeShape windowShape() {
        return window;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public float[] predict(float[] windows, int count) {
        int length = count * window.voxelCount();
        float[] data = windows.length == length ? windows : Arrays.copyOf(windows, length);
        long[] inShape = {count, window.depth(), window.height(), window.width(), 1};
        INDArray in = Nd4j.create(data, inShape, 'c');
        INDArray out = forward.apply(in);
        long[] expected = {count, window.depth(), window.height(), window.width(), classes};
        if (out == null || !Arrays.equals(out.shape(), expected)) {
            throw new IllegalStateException("network output shape " + (out == null ? "(none)" : Arrays.toString(out.shape()))
                    + " for input " + Arrays.toString(inShape) + ": expected " + Arrays.toString(expected)
                    + " (NDHWC, channel last)");
        }
        // dup in C order first: the output may be a view or f-ordered, and toFloatVector needs a vector
        return out.castTo(DataType.FLOAT).dup('c').reshape(new long[] {out.length()}).toFloatVector();
    }
}
