package org.promptseg.volume.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.MiniHdfs;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;
import org.promptseg.volume.TestFiles;
import org.promptseg.volume.Volume;
import org.promptseg.volume.dataset.DatasetFormatException;

@DisplayName("dataset fingerprint")
class FingerprintTest {
    @TempDir
    java.nio.file.Path tmp;

    /** A case with random HU (some outside the histogram range) and a random foreground. */
    static Volume[] randomCase(long seed, double spacingZ) {
        SplittableRandom r = new SplittableRandom(seed);
        Shape s = new Shape(6 + r.nextInt(4), 7, 8);
        short[] hu = new short[s.voxelCount()];
        byte[] lab = new byte[s.voxelCount()];
        for (int i = 0; i < hu.length; i++) {
            hu[i] = (short) (r.nextInt(20) == 0 ? 7000 + r.nextInt(100) : r.nextInt(20) == 0 ? -3000 : -200 + r.nextInt(600));
            lab[i] = (byte) (r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0);
        }
        Geometry g = Geometry.axisAligned(0.8, 0.8, spacingZ, 0, 0, 0);
        return new Volume[] {Volume.ofShorts(s, g, hu), Volume.ofLabels(s, g, lab)};
    }

    /** numpy.percentile (linear) on the foreground, by sorting. */
    static double bruteForcePercentile(List<Volume[]> cases, double p) {
        List<Integer> v = new ArrayList<>();
        for (Volume[] c : cases) {
            for (int i = 0; i < c[0].shape().voxelCount(); i++) {
                if (c[1].labels()[i] != 0) {
                    v.add((int) c[0].shorts()[i]);
                }
            }
        }
        Collections.sort(v);
        double rank = p / 100 * (v.size() - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, v.size() - 1);
        return v.get(lo) + (rank - lo) * (v.get(hi) - v.get(lo));
    }

    @Test
    @DisplayName("merging is order-independent bit for bit, and the statistics equal a brute-force computation")
    void mergeAndStatistics() {
        List<Volume[]> cases = new ArrayList<>();
        List<FingerprintPartial> partials = new ArrayList<>();
        for (int k = 0; k < 7; k++) {
            Volume[] c = randomCase(k, 1 + k * 0.5);
            cases.add(c);
            partials.add(FingerprintPartial.ofCase("c/" + k, c[0], c[1]));
        }
        FingerprintPartial forward = partials.stream().reduce(FingerprintPartial.empty(), FingerprintPartial::merge);
        List<FingerprintPartial> shuffled = new ArrayList<>(partials);
        Collections.shuffle(shuffled, new java.util.Random(3));
        FingerprintPartial tree = shuffled.get(0).merge(shuffled.get(1)).merge(shuffled.get(2).merge(shuffled.get(3)))
                .merge(shuffled.get(4).merge(shuffled.get(5).merge(shuffled.get(6))));
        Fingerprint a = forward.finish(0.5, 99.5);
        Fingerprint b = tree.finish(0.5, 99.5);
        assertThat(b.toJson()).isEqualTo(a.toJson());

        assertThat(a.cases()).isEqualTo(7);
        assertThat(a.percentileLowValue()).isEqualTo(bruteForcePercentile(cases, 0.5));
        assertThat(a.percentileHighValue()).isEqualTo(bruteForcePercentile(cases, 99.5));
        assertThat(forward.percentile(50)).isEqualTo(bruteForcePercentile(cases, 50));
        double sum = 0, sq = 0;
        long n = 0;
        for (Volume[] c : cases) {
            for (int i = 0; i < c[0].shape().voxelCount(); i++) {
                if (c[1].labels()[i] != 0) {
                    double v = c[0].shorts()[i];
                    sum += v;
                    sq += v * v;
                    n++;
                }
            }
        }
        assertThat(a.foregroundVoxels()).isEqualTo(n);
        assertThat(a.mean()).isCloseTo(sum / n, within(1e-9));
        assertThat(a.std()).isCloseTo(Math.sqrt(sq / n - (sum / n) * (sum / n)), within(1e-6));
        assertThat(a.min()).isEqualTo(-3000);
        assertThat(a.max()).isGreaterThanOrEqualTo(7000);
        double[] z = cases.stream().mapToDouble(c -> c[0].geometry().spacingZyx()[0]).sorted().toArray();
        assertThat(a.medianSpacingZyx()[0]).isEqualTo(z[3]);
        assertThat(a.minSpacingZyx()[0]).isEqualTo(1.0);
        assertThat(a.maxSpacingZyx()[0]).isEqualTo(4.0);
        assertThatThrownBy(() -> forward.merge(partials.get(0))).hasMessageContaining("c/0").hasMessageContaining("twice");
    }

    @Test
    @DisplayName("fingerprint.json round trip on the local filesystem and on HDFS; a wrong version is refused")
    void storage() throws IOException {
        Volume[] c = randomCase(1, 2.5);
        Fingerprint f = FingerprintPartial.ofCase("x", c[0], c[1]).finish(0.5, 99.5);
        Configuration conf = new Configuration();
        Path local = TestFiles.local(tmp, Fingerprint.FILE_NAME);
        f.write(local, conf, false);
        assertThat(Fingerprint.read(local, conf).toJson()).isEqualTo(f.toJson());
        Path hdfs = new Path(MiniHdfs.newDir("fingerprint"), Fingerprint.FILE_NAME);
        f.write(hdfs, MiniHdfs.conf(), false);
        Fingerprint back = Fingerprint.read(hdfs, MiniHdfs.conf());
        assertThat(back.toJson()).isEqualTo(f.toJson());
        assertThat(back.medianSpacingZyx()).containsExactly(f.medianSpacingZyx());
        assertThatThrownBy(() -> Fingerprint.fromJson(f.toJson().replace("\"format_version\" : 1", "\"format_version\" : 9"), "fp.json"))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("format_version");
        assertThatThrownBy(() -> Fingerprint.read(TestFiles.local(tmp, "none.json"), conf)).hasMessageContaining("missing");
    }

    @Test
    @DisplayName("normalisation: z-score clips to the percentiles; the window maps onto [-1, 1]")
    void normalisation() {
        Fingerprint f = new Fingerprint(1, 1, new double[] {1, 1, 1}, new double[] {1, 1, 1}, new double[] {1, 1, 1}, new int[] {1, 1, 1},
                100, 50, 20, -100, 300, 0.5, -40, 99.5, 160);
        Normalization z = Normalization.zscore(f);
        assertThat(z.apply(50f)).isEqualTo(0f);
        assertThat(z.apply(90f)).isEqualTo(2f);
        assertThat(z.apply(1000f)).isEqualTo(z.apply(160f)).isEqualTo(5.5f);
        assertThat(z.apply(-1000f)).isEqualTo(-4.5f);
        Normalization w = Normalization.window(-1000, 1000);
        assertThat(w.apply(new short[] {-2000, -1000, 0, 500, 1000, 3000})).containsExactly(-1f, -1f, 0f, 0.5f, 1f, 1f);
        float[] bulk = z.apply(new short[] {50, 90, 1000});
        assertThat(bulk).containsExactly(0f, 2f, 5.5f);
        assertThat(Normalization.of(PreprocessOptions.defaults(), f)).isEqualTo(z);
        Fingerprint empty = FingerprintPartial.ofCase("e", randomCase(2, 1)[0], null).finish(0.5, 99.5);
        assertThat(empty.foregroundVoxels()).isZero();
        assertThatThrownBy(() -> Normalization.zscore(empty)).hasMessageContaining("window");
        assertThat(Arrays.stream(new double[] {empty.mean()}).allMatch(Double::isNaN)).isTrue();
        assertThat(Fingerprint.fromJson(empty.toJson(), "e.json").percentileHighValue()).isNaN();
    }
}
