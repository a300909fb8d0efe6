package org.promptseg.jobs.doctor;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.promptseg.common.PromptsegException;

/**
 * What ND4J really loaded in this JVM, read at run time from the native library itself.
 *
 * <p>oneDNN is present iff the native build info lists {@code HAVE_ONEDNN};
 * {@code Environment.helpersAllowed()} is only the switch for platform helpers (oneDNN/cuDNN) and reads true even
 * in builds without oneDNN.
 */
public record Nd4jFacts(String backend, List<String> buildFlags, boolean oneDnnLinked, boolean oneDnnEnabled,
                        String blasVendor, int ompThreads, String platformExtension) implements Serializable {

    /** The backend could not load (wrong classifier, missing native library, unsupported CPU...). */
    public static final class BackendUnavailableException extends PromptsegException {
        public BackendUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public boolean oneDnnActive() {
        return oneDnnLinked && oneDnnEnabled;
    }

    public static Nd4jFacts read() {
        String ext = System.getProperty("org.bytedeco.javacpp.platform.extension", "");
        try {
            String backend = Nd4j.getBackend().getClass().getSimpleName();
            String buildInfo = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
            List<String> flags = Arrays.stream(buildInfo.split("\\R")).map(String::trim).filter(l -> l.startsWith("HAVE_")).toList();
            Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
            return new Nd4jFacts(backend, flags, flags.contains("HAVE_ONEDNN"), Nd4j.getEnvironment().helpersAllowed(),
                    String.valueOf(env.getOrDefault("blas.vendor", "?")), Integer.parseInt(String.valueOf(env.getOrDefault("omp.threads", "0"))),
                    ext);
        } catch (Throwable t) { // UnsatisfiedLinkError, ExceptionInInitializerError, NoClassDefFoundError...
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new BackendUnavailableException("the ND4J backend could not load (platform extension '" + ext + "'): "
                    + root.getClass().getSimpleName() + ": " + root.getMessage()
                    + ". The ND4J classifier on the classpath must match -Dorg.bytedeco.javacpp.platform.extension"
                    + " (promptseg.native.platform-extension): '-onednn-avx2' for the default build, '-onednn-avx512' for the avx512 profile,"
                    + " '' for the plain and cuda builds.", t);
        }
    }
}
