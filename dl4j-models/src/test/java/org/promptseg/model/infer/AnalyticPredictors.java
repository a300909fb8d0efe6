package org.promptseg.model.infer;

/**
 * Real, closed-form window predictors for testing sliding-window inference: each is a function whose
 * output at every voxel is known exactly, so the blended volume can be checked against a direct
 * computation instead of against recorded numbers.
 */
final class AnalyticPredictors {

    private AnalyticPredictors() {}

    /**
     * Classifies each voxel by its own intensity alone: class c has logit {@code -(v - c)^2}, softmax
     * over classes. Nearest class centre wins, so the label of intensity v is round(v) clamped to the
     * classes. Being voxelwise, it is equivariant to every shift and mirror.
     */
    static final class IntensityClassifier implements WindowPredictor {
        private final VolumeShape window;
        private final int classes;
        int calls;

        IntensityClassifier(VolumeShape window, int classes) {
            this.window = window;
            this.classes = classes;
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
            calls++;
            int voxels = count * window.voxelCount();
            float[] out = new float[voxels * classes];
            for (int i = 0; i < voxels; i++) {
                probabilities(windows[i], classes, out, i * classes);
            }
            return out;
        }

        /** The per-voxel function itself, for computing expected results directly. */
        static void probabilities(float v, int classes, float[] out, int offset) {
            double max = Double.NEGATIVE_INFINITY;
            double[] logits = new double[classes];
            for (int c = 0; c < classes; c++) {
                logits[c] = -(v - c) * (v - c);
                max = Math.max(max, logits[c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                logits[c] = Math.exp(logits[c] - max);
                sum += logits[c];
            }
            for (int c = 0; c < classes; c++) {
                out[offset + c] = (float) (logits[c] / sum);
            }
        }

        static int label(float v, int classes) {
            float[] p = new float[classes];
            probabilities(v, classes, p, 0);
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            return best;
        }
    }

    /**
     * Two classes whose probability depends on where the voxel sits inside the window along one
     * axis, not on the image: class 1 = (i + 1) / (n + 1) at index i of n. Mirroring that axis and
     * averaging makes it exactly 1/2 everywhere; anything else reveals a missing flip-back.
     */
    static final class WindowRamp implements WindowPredictor {
        private final VolumeShape window;
        private final Axis axis;

        WindowRamp(VolumeShape window, Axis axis) {
            this.window = window;
            this.axis = axis;
        }

        @Override
        public VolumeShape windowShape() {
            return window;
        }

        @Override
        public int numClasses() {
            return 2;
        }

        @Override
        public float[] predict(float[] windows, int count) {
            float[] out = new float[count * window.voxelCount() * 2];
            int n = window.size(axis);
            int i = 0;
            for (int k = 0; k < count; k++) {
                for (int z = 0; z < window.depth(); z++) {
                    for (int y = 0; y < window.height(); y++) {
                        for (int x = 0; x < window.width(); x++, i++) {
                            int index = switch (axis) {
                                case Z -> z;
                                case Y -> y;
                                case X -> x;
                            };
                            float p1 = (index + 1f) / (n + 1f);
                            out[2 * i] = 1 - p1;
                            out[2 * i + 1] = p1;
                        }
                    }
                }
            }
            return out;
        }
    }

    /**
     * Two classes, class 1 = sigmoid of the intensity one voxel further along {@code axis} (clamped
     * at the window's last voxel). Not mirror-equivariant: with mirroring the look-ahead becomes a
     * look-behind, so the averaged result shows whether inputs were flipped along the right axis.
     */
    static final class LookAhead implements WindowPredictor {
        private final VolumeShape window;
        private final Axis axis;

        LookAhead(VolumeShape window, Axis axis) {
            this.window = window;
            this.axis = axis;
        }

        @Override
        public VolumeShape windowShape() {
            return window;
        }

        @Override
        public int numClasses() {
            return 2;
        }

        @Override
        public float[] predict(float[] windows, int count) {
            float[] out = new float[count * window.voxelCount() * 2];
            int d = window.depth();
            int h = window.height();
            int w = window.width();
            int i = 0;
            for (int k = 0; k < count; k++) {
                int base = k * window.voxelCount();
                for (int z = 0; z < d; z++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++, i++) {
                            int nz = axis == Axis.Z ? Math.min(z + 1, d - 1) : z;
                            int ny = axis == Axis.Y ? Math.min(y + 1, h - 1) : y;
                            int nx = axis == Axis.X ? Math.min(x + 1, w - 1) : x;
                            float p1 = sigmoid(windows[base + (nz * h + ny) * w + nx]);
                            out[2 * i] = 1 - p1;
                            out[2 * i + 1] = p1;
                        }
                    }
                }
            }
            return out;
        }

        static float sigmoid(float v) {
            return (float) (1 / (1 + Math.exp(-v)));
        }
    }

    /**
     * Two classes, class 1 = a value fixed per window and read from the window's first voxel: with
     * an input volume whose intensity encodes the x coordinate, each window reports where it starts,
     * so the blended probability at a voxel is the importance-weighted mean of known numbers.
     */
    static final class WindowSignature implements WindowPredictor {
        private final VolumeShape window;

        WindowSignature(VolumeShape window) {
            this.window = window;
        }

        @Override
        public VolumeShape windowShape() {
            return window;
        }

        @Override
        public int numClasses() {
            return 2;
        }

        @Override
        public float[] predict(float[] windows, int count) {
            float[] out = new float[count * window.voxelCount() * 2];
            for (int k = 0; k < count; k++) {
                float p1 = signature(windows[k * window.voxelCount()]);
                for (int i = k * window.voxelCount(); i < (k + 1) * window.voxelCount(); i++) {
                    out[2 * i] = 1 - p1;
                    out[2 * i + 1] = p1;
                }
            }
            return out;
        }

        /** A window starting at x reports this class-1 probability. */
        static float signature(float startX) {
            return (float) (0.5 + 0.4 * Math.sin(startX * 0.37));
        }
    }

    /** Returns the same constant buffer every call: costs nothing, so timing shows only the caller's work. */
    static final class Constant implements WindowPredictor {
        private final VolumeShape window;
        private final int classes;
        private float[] out = new float[0];

        Constant(VolumeShape window, int classes) {
            this.window = window;
            this.classes = classes;
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
            int length = count * window.voxelCount() * classes;
            if (out.length < length) {
                out = new float[length];
                for (int i = 0; i < length; i++) {
                    out[i] = (i % classes == 1) ? 0.6f : 0.4f / (classes - 1);
                }
            }
            return out;
        }
    }
}
