package org.promptseg.volume.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.volume.Affine;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;
import org.promptseg.volume.TestFiles;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeFormatException;
import org.promptseg.volume.VolumeOptions;

/**
 * Seeded mutations of real headers and files: every outcome must be a valid volume or a
 * {@link VolumeFormatException} — never another exception, a hang, or an allocation beyond the configured limit.
 */
@DisplayName("NIfTI reader under fuzzing")
class NiftiFuzzTest {
    static final int MUTATIONS = 1500;
    static final long LIMIT = 16L << 20;

    private final Configuration conf = new Configuration();
    private final VolumeOptions options = VolumeOptions.defaults().withMaxVolumeBytes(LIMIT);
    private final NiftiReader reader = new NiftiReader(conf, options);

    @TempDir
    java.nio.file.Path tmp;

    /** A base file: its bytes on disk, whether they are gzipped, its NIfTI version, and the name extension. */
    record Base(String name, byte[] plain, boolean gzip, int version) {}

    /** (offset, size in bytes, kind) of the NIfTI-1 header fields worth attacking; kind f = float, i = integer. */
    static final int[][] FIELDS_1 = {
        {0, 4, 'i'}, {40, 2, 'i'}, {42, 2, 'i'}, {44, 2, 'i'}, {46, 2, 'i'}, {48, 2, 'i'}, {50, 2, 'i'},
        {70, 2, 'i'}, {72, 2, 'i'}, {76, 4, 'f'}, {80, 4, 'f'}, {84, 4, 'f'}, {88, 4, 'f'}, {108, 4, 'f'},
        {112, 4, 'f'}, {116, 4, 'f'}, {252, 2, 'i'}, {254, 2, 'i'}, {256, 4, 'f'}, {260, 4, 'f'}, {264, 4, 'f'},
        {268, 4, 'f'}, {280, 4, 'f'}, {284, 4, 'f'}, {300, 4, 'f'}, {320, 4, 'f'}, {344, 4, 'i'}
    };
    static final int[][] FIELDS_2 = {
        {0, 4, 'i'}, {4, 4, 'i'}, {12, 2, 'i'}, {14, 2, 'i'}, {16, 8, 'i'}, {24, 8, 'i'}, {32, 8, 'i'}, {40, 8, 'i'},
        {48, 8, 'i'}, {104, 8, 'f'}, {112, 8, 'f'}, {128, 8, 'f'}, {168, 8, 'i'}, {176, 8, 'f'}, {184, 8, 'f'},
        {344, 4, 'i'}, {348, 4, 'i'}, {352, 8, 'f'}, {400, 8, 'f'}, {440, 8, 'f'}, {480, 8, 'f'}
    };
    static final double[] INTERESTING = {0, -1, 1, 2, 3, 4, 7, 8, 16, 255, 256, 348, 352, 540, 32767, -32768, 65535,
        1e9, -1e9, 1L << 31, 1L << 40, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-30, 0.5};

    private List<Base> bases() throws IOException {
        Shape shape = new Shape(6, 10, 12);
        Geometry g = new Geometry(Affine.ofRows(new double[] {-0.8, 0.05, 0, 100, 0.02, -0.8, 0, 80, 0, 0, 2.5, -40}));
        SplittableRandom r = new SplittableRandom(99);
        float[] ct = new float[shape.voxelCount()];
        float[] lab = new float[shape.voxelCount()];
        for (int i = 0; i < ct.length; i++) {
            ct[i] = (float) Math.rint(-1000 + 1040 * Math.min(1, i / 300.0) + r.nextGaussian() * 12);
            lab[i] = (i / 97) % 3;
        }
        Volume image = Volume.ofFloats(shape, g, ct);
        Volume label = Volume.ofFloats(shape, g, lab);
        NiftiWriter w = new NiftiWriter(conf, options);
        List<Base> out = new ArrayList<>();
        out.add(write(w, "ct.nii.gz", List.of(image), NiftiEncoding.of(NiftiDatatype.INT16), true, 1));
        out.add(write(w, "ctbe.nii", List.of(image), NiftiEncoding.of(NiftiDatatype.FLOAT32).withByteOrder(ByteOrder.BIG_ENDIAN), false, 1));
        out.add(write(w, "lab.nii.gz", List.of(label), NiftiEncoding.of(NiftiDatatype.UINT8), true, 1));
        out.add(write(w, "ct2.nii", List.of(image), NiftiEncoding.of(NiftiDatatype.INT16).withVersion(2).withScaling(1, -1024), false, 2));
        out.add(write(w, "four.nii.gz", List.of(image, image), NiftiEncoding.of(NiftiDatatype.UINT16).withScaling(1, -1024), true, 1));
        return out;
    }

    private Base write(NiftiWriter w, String name, List<Volume> channels, NiftiEncoding enc, boolean gz, int version) throws IOException {
        Path p = TestFiles.local(tmp, "base-" + name);
        w.write(p, channels, enc, false);
        byte[] onDisk = Files.readAllBytes(tmp.resolve("base-" + name));
        byte[] plain = gz ? new GZIPInputStream(new ByteArrayInputStream(onDisk)).readAllBytes() : onDisk;
        // sanity: the unmutated base reads
        assertThat(reader.readAllChannels(p, VoxelStorage.COMPACT).channels()).hasSize(channels.size());
        return new Base(name, plain, gz, version);
    }

    @Test
    @DisplayName(MUTATIONS + " seeded mutations: a valid volume or a VolumeFormatException, within time and memory bounds")
    void fuzz() throws IOException {
        List<Base> bases = bases();
        int[] outcomes = new int[2];
        long[] slowest = new long[1];
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            SplittableRandom rnd = new SplittableRandom(20240607);
            for (int i = 0; i < MUTATIONS; i++) {
                Base base = bases.get(rnd.nextInt(bases.size()));
                int strategy = rnd.nextInt(6);
                byte[] bytes = mutate(base, strategy, rnd);
                String name = "m" + (i % 7) + "-" + base.name();
                java.nio.file.Path file = tmp.resolve(name);
                Files.write(file, bytes);
                long t0 = System.nanoTime();
                boolean ok = attempt(TestFiles.local(tmp, name), i, strategy, base.name());
                slowest[0] = Math.max(slowest[0], System.nanoTime() - t0);
                outcomes[ok ? 0 : 1]++;
            }
        });
        System.out.printf("fuzz: %d read, %d rejected, slowest %.1f ms%n", outcomes[0], outcomes[1], slowest[0] / 1e6);
        // both outcomes must occur, or the mutations are not testing anything
        assertThat(outcomes[0]).as("mutations that still read").isGreaterThan(50);
        assertThat(outcomes[1]).as("mutations rejected").isGreaterThan(300);
        assertThat(slowest[0]).as("slowest single read (ns)").isLessThan(Duration.ofSeconds(10).toNanos());
    }

    /** True if the file read as a volume, false if it was rejected with a VolumeFormatException. */
    private boolean attempt(Path p, int i, int strategy, String base) {
        try {
            NiftiImage img = reader.readAllChannels(p, VoxelStorage.COMPACT);
            assertThat(img.channels()).isNotEmpty();
            long bytes = img.header().voxelsPerChannel() * img.channels().size();
            assertThat(bytes).isLessThanOrEqualTo(LIMIT);
            VolumeInfo info = VolumeInfo.describe(p, conf, options);
            assertThat(info.toJson()).isNotEmpty();
            return true;
        } catch (VolumeFormatException e) {
            assertThat(e.getMessage()).startsWith(p.toString());
            return false;
        } catch (Throwable t) {
            fail("mutation " + i + " (strategy " + strategy + " of " + base + ") ended in " + t, t);
            return false;
        }
    }

    private static byte[] mutate(Base base, int strategy, SplittableRandom r) {
        byte[] plain = base.plain().clone();
        int headerEnd = base.version() == 1 ? 352 : 544;
        ByteOrder order = base.name().contains("be") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        switch (strategy) {
            case 0 -> { // bit flips in the header
                int flips = 1 + r.nextInt(3);
                for (int k = 0; k < flips; k++) {
                    plain[r.nextInt(headerEnd)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> { // an interesting value in a header field
                int[][] fields = base.version() == 1 ? FIELDS_1 : FIELDS_2;
                int[] f = fields[r.nextInt(fields.length)];
                double v = INTERESTING[r.nextInt(INTERESTING.length)];
                ByteBuffer bb = ByteBuffer.wrap(plain).order(order);
                if (f[2] == 'f') {
                    if (f[1] == 4) {
                        bb.putFloat(f[0], (float) v);
                    } else {
                        bb.putDouble(f[0], v);
                    }
                } else {
                    long l = Double.isFinite(v) ? (long) v : (long) r.nextInt();
                    switch (f[1]) {
                        case 2 -> bb.putShort(f[0], (short) l);
                        case 4 -> bb.putInt(f[0], (int) l);
                        default -> bb.putLong(f[0], l);
                    }
                }
            }
            case 2 -> { // random bytes in the voxel data
                for (int k = 0; k < 1 + r.nextInt(8); k++) {
                    plain[headerEnd + r.nextInt(plain.length - headerEnd)] = (byte) r.nextInt(256);
                }
            }
            default -> {
                // strategies 3-5 act on the bytes on disk below
            }
        }
        byte[] disk = base.gzip() ? HandBuiltNifti.gzip(plain) : plain;
        return switch (strategy) {
            case 3 -> Arrays.copyOf(disk, r.nextInt(disk.length)); // truncation
            case 4 -> { // damage anywhere on disk, compressed stream included
                byte[] d = disk.clone();
                for (int k = 0; k < 1 + r.nextInt(4); k++) {
                    d[r.nextInt(d.length)] ^= (byte) (1 + r.nextInt(255));
                }
                yield d;
            }
            case 5 -> { // trailing junk
                byte[] d = Arrays.copyOf(disk, disk.length + 1 + r.nextInt(2000));
                for (int k = disk.length; k < d.length; k++) {
                    d[k] = (byte) r.nextInt(256);
                }
                yield d;
            }
            default -> disk;
        };
    }
}
