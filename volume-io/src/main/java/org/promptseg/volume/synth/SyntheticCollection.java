package org.promptseg.volume.synth;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.PromptsegException;
import org.promptseg.common.Uris;
import org.promptseg.volume.LocalFiles;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.CenterManifest;
import org.promptseg.volume.dataset.Dataset;
import org.promptseg.volume.dataset.DatasetDescriptor;
import org.promptseg.volume.nifti.NiftiWriter;

/**
 * {@code promptseg synth}: a multi-center collection of synthetic abdominal CT phantoms, the embedded default data
 * (real patient CT cannot be shipped). Per center {@code c<i>}: a dataset root in nnU-Net v2 layout with
 * {@code dataset.json}, {@code imagesTr/} + {@code labelsTr/} (labelled cases {@code case_NNN}), {@code imagesTs/}
 * (the unlabelled pool, {@code pool_NNN}) and {@code labelsTs/} (the pool's reference labels, for evaluating case
 * selection only — training never sees them); and {@code centers.json} with the global class list, written last.
 *
 * <p>Everything is a function of the seed: the same options give byte-identical files, whatever the thread count.
 * Each center renders the same kind of anatomy through its own {@link ScannerSignature}.
 */
public final class SyntheticCollection {
    /** Global classes, background first. */
    public static final List<String> CLASSES = classes();

    private SyntheticCollection() {}

    /** What was generated. */
    public record Result(String manifestUri, List<String> centers, int labelledCases, int unlabelledCases, double seconds) {}

    private static List<String> classes() {
        List<String> c = new ArrayList<>(List.of("background"));
        for (Organ o : Organ.values()) {
            c.add(o.className());
        }
        return List.copyOf(c);
    }

    /**
     * Generates the collection under {@code outUri} (any Hadoop URI or local path). Refuses to replace an existing
     * collection unless {@code overwrite}.
     */
    public static Result generate(SynthOptions options, String outUri, Configuration conf, boolean overwrite) throws IOException {
        long t0 = System.nanoTime();
        Path out = Uris.toPath(outUri);
        FileSystem fs = LocalFiles.fileSystem(out, conf);
        out = fs.makeQualified(out);
        Path manifestPath = new Path(out, CenterManifest.FILE_NAME);
        if (fs.exists(manifestPath) && !overwrite) {
            throw new PromptsegException(manifestPath + ": a collection already exists here; choose another output or allow overwriting");
        }
        NiftiWriter writer = new NiftiWriter(conf, VolumeOptions.defaults().withGzipLevel(options.gzipLevel()));
        List<CenterManifest.Center> centers = new ArrayList<>();
        List<Job> jobs = new ArrayList<>();
        for (int c = 0; c < options.centers(); c++) {
            ScannerSignature sig = ScannerSignature.forCenter(c, options.seed(), options.shiftStrength());
            Path root = new Path(out, sig.id());
            HadoopFiles.writeStringAtomically(new Path(root, Dataset.DESCRIPTOR), LocalFiles.withoutChecksums(conf), overwrite, descriptor(sig, options).toJson());
            centers.add(new CenterManifest.Center(sig.id(), sig.id(), options.seed() * 1000 + c, sig.describe()));
            for (int k = 0; k < options.casesPerCenter(); k++) {
                jobs.add(new Job(sig, c, root, String.format("case_%03d", k), k, true));
            }
            for (int k = 0; k < options.unlabelledCasesPerCenter(); k++) {
                jobs.add(new Job(sig, c, root, String.format("pool_%03d", k), k, false));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.threads(), Math.max(1, jobs.size())), r -> {
            Thread t = new Thread(r, "promptseg-synth");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Job j : jobs) {
                futures.add(pool.submit(() -> {
                    j.run(options, writer, overwrite);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("synthesis interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        new CenterManifest(CenterManifest.FORMAT_VERSION, CLASSES, centers).write(manifestPath, conf, overwrite);
        return new Result(manifestPath.toString(), centers.stream().map(CenterManifest.Center::id).toList(),
                options.centers() * options.casesPerCenter(), options.centers() * options.unlabelledCasesPerCenter(),
                (System.nanoTime() - t0) / 1e9);
    }

    static DatasetDescriptor descriptor(ScannerSignature sig, SynthOptions options) {
        Map<String, Integer> labels = new LinkedHashMap<>();
        labels.put("background", 0);
        for (Organ o : sig.labelOrder()) {
            int v = sig.labelValue(o);
            if (v > 0) {
                labels.put(o.className(), v);
            }
        }
        return new DatasetDescriptor("promptseg synthetic abdominal CT, center " + sig.id(), labels, List.of("CT"), ".nii.gz",
                List.of(), List.of(), options.casesPerCenter());
    }

    /** One case: anatomy and noise streams seeded by (collection seed, center, kind, index). */
    private record Job(ScannerSignature sig, int center, Path root, String caseId, int index, boolean labelled) {
        void run(SynthOptions options, NiftiWriter writer, boolean overwrite) throws IOException {
            long seed = caseSeed(options.seed(), center, labelled, index);
            Anatomy anatomy = new Anatomy(new SplittableRandom(seed));
            PhantomRenderer.Rendered r = PhantomRenderer.render(anatomy, sig, options.size(), new SplittableRandom(seed ^ 0x5DEECE66DL));
            Volume label = centerLabels(r.globalLabels(), sig);
            String imagesDir = labelled ? Dataset.IMAGES_TR : Dataset.IMAGES_TS;
            String labelsDir = labelled ? Dataset.LABELS_TR : Dataset.LABELS_TS;
            writer.write(new Path(new Path(root, imagesDir), caseId + "_0000.nii.gz"), r.image(), sig.storage().encoding(), overwrite);
            writer.write(new Path(new Path(root, labelsDir), caseId + ".nii.gz"), label, sig.storage().labelEncoding(), overwrite);
        }
    }

    static long caseSeed(long seed, int center, boolean labelled, int index) {
        long h = seed;
        h = h * 0x9E3779B97F4A7C15L + center;
        h = h * 0x9E3779B97F4A7C15L + (labelled ? 1 : 2);
        h = h * 0x9E3779B97F4A7C15L + index;
        return h;
    }

    /** Global class indices to this center's label values (0 for organs it does not annotate). */
    static Volume centerLabels(Volume global, ScannerSignature sig) {
        byte[] lut = new byte[256];
        for (Organ o : Organ.values()) {
            lut[o.globalIndex()] = (byte) sig.labelValue(o);
        }
        byte[] g = global.labels();
        byte[] out = new byte[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = lut[g[i] & 0xff];
        }
        return Volume.ofLabels(global.shape(), global.geometry(), out);
    }
}
