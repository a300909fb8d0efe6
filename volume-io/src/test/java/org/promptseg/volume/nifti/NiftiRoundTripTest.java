package org.promptseg.volume.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.promptseg.volume.Affine;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Reorientation;
import org.promptseg.volume.Shape;
import org.promptseg.volume.TestFiles;
import org.promptseg.volume.Volume;

@DisplayName("NIfTI write then read")
class NiftiRoundTripTest {
    private final Configuration conf = new Configuration();
    private final NiftiReader reader = new NiftiReader(conf);
    private final NiftiWriter writer = new NiftiWriter(conf);

    @TempDir
    java.nio.file.Path tmp;

    /** An oblique-free LPS-like affine with float-exact entries. */
    static final Geometry GEOMETRY = new Geometry(Affine.ofRows(new double[] {-0.75, 0, 0, 120.5, 0, -0.75, 0, 96.25, 0, 0, 2.5, -300}));
    static final Shape SHAPE = new Shape(4, 5, 6);

    static Stream<Arguments> everyDatatypeAndOrder() {
        List<Arguments> args = new ArrayList<>();
        for (NiftiDatatype d : NiftiDatatype.values()) {
            for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                for (String ext : new String[] {".nii", ".nii.gz"}) {
                    args.add(Arguments.of(d, o.toString(), ext));
                }
            }
        }
        return args.stream();
    }

    /** Values that the datatype holds exactly and that float32 represents exactly (|v| <= 2^24 for wide integers). */
    static float[] valuesFor(NiftiDatatype d, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        double lo = Math.max(d.min(), -(1 << 24));
        double hi = Math.min(d.max(), 1 << 24);
        for (int i = 0; i < n; i++) {
            if (d.isInteger()) {
                v[i] = (float) Math.floor(lo + r.nextDouble() * (hi - lo + 1));
            } else {
                v[i] = (float) ((r.nextDouble() - 0.5) * 1e6);
            }
        }
        v[0] = (float) lo;
        v[n - 1] = (float) hi;
        return v;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyDatatypeAndOrder")
    @DisplayName("every datatype, both byte orders, plain and gzipped: identical values and header geometry")
    void everyDatatype(NiftiDatatype d, String order, String ext) throws IOException {
        ByteOrder bo = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        float[] values = valuesFor(d, SHAPE.voxelCount(), d.code() * 31L + ext.length());
        Volume v = Volume.ofFloats(SHAPE, GEOMETRY, values);
        Path p = TestFiles.local(tmp, "v" + ext);
        writer.write(p, v, NiftiEncoding.of(d).withByteOrder(bo).withCodes(1, 2), false);

        NiftiImage back = reader.read(p, -1, VoxelStorage.FLOAT);
        NiftiHeader h = back.header();
        assertThat(h.datatype()).isEqualTo(d);
        assertThat(h.byteOrder()).isEqualTo(bo);
        assertThat(h.qformCode()).isEqualTo(1);
        assertThat(h.sformCode()).isEqualTo(2);
        assertThat(back.volume().shape()).isEqualTo(SHAPE);
        assertThat(back.volume().geometry()).isEqualTo(GEOMETRY);
        assertThat(h.qformAffine().maxAbsDifference(GEOMETRY.voxelToWorld())).isLessThan(1e-5);
        assertThat(back.volume().floats()).containsExactly(values);
        // and the compact storage holds the same values
        assertThat(reader.read(p).volume().voxels().toFloats()).containsExactly(values);
    }

    @Test
    @DisplayName("scaling is preserved: int16 with slope 0.5 and intercept -1024")
    void scaling() throws IOException {
        float[] values = new float[SHAPE.voxelCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = -1024 + 0.5f * (i * 37 % 4000);
        }
        Path p = TestFiles.local(tmp, "scaled.nii.gz");
        writer.write(p, Volume.ofFloats(SHAPE, GEOMETRY, values), NiftiEncoding.of(NiftiDatatype.INT16).withScaling(0.5, -1024), false);
        NiftiImage back = reader.read(p);
        assertThat(back.header().sclSlope()).isEqualTo(0.5);
        assertThat(back.header().sclInter()).isEqualTo(-1024);
        assertThat(back.volume().voxels().toFloats()).containsExactly(values);
    }

    @Test
    @DisplayName("NIfTI-2 output reads back identically")
    void nifti2() throws IOException {
        float[] values = valuesFor(NiftiDatatype.FLOAT64, SHAPE.voxelCount(), 5);
        Path p = TestFiles.local(tmp, "two.nii.gz");
        writer.write(p, Volume.ofFloats(SHAPE, GEOMETRY, values), NiftiEncoding.of(NiftiDatatype.FLOAT32).withVersion(2), false);
        NiftiImage back = reader.read(p);
        assertThat(back.header().version()).isEqualTo(2);
        assertThat(back.volume().floats()).containsExactly(values);
        assertThat(back.volume().geometry()).isEqualTo(GEOMETRY);
    }

    @Test
    @DisplayName("a file re-written with its own encoding keeps its header fields, qform included")
    void preserving() throws IOException {
        HandBuiltNifti f = HandBuiltNifti.int16(ByteOrder.BIG_ENDIAN, 3, 2, 2, NiftiFixturesTest.ramp(12));
        f.qformCode = 1;
        f.sformCode = 2;
        f.quatern = new double[] {0.1, -0.2, 0.3};
        f.qoffset = new double[] {1, 2, 3};
        f.pixdim = new double[] {-1, 1.5, 1.5, 3, 0, 0, 0, 0};
        f.srow = new double[] {1.5, 0, 0, 1, 0, 1.5, 0, 2, 0, 0, 3, 3};
        f.sclSlope = 1;
        Path src = TestFiles.put(TestFiles.local(tmp, "src.nii"), f.singleFile(), conf);
        NiftiImage img = reader.read(src);
        Path copy = TestFiles.local(tmp, "copy.nii");
        writer.write(copy, img, false);
        NiftiHeader a = img.header();
        NiftiHeader b = reader.readHeader(copy);
        assertThat(b.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(b.quatern()).containsExactly(a.quatern());
        assertThat(b.qoffset()).containsExactly(a.qoffset());
        assertThat(b.pixdim()).containsExactly(a.pixdim());
        assertThat(b.srow()).containsExactly(a.srow());
        assertThat(b.qformCode()).isEqualTo(1);
        assertThat(b.sformCode()).isEqualTo(2);
        assertThat(reader.read(copy).volume().shorts()).containsExactly(img.volume().shorts());
    }

    @Test
    @DisplayName("a reoriented volume is written with its new geometry and comes back to the source exactly")
    void reorientedWriteBack() throws IOException {
        float[] values = valuesFor(NiftiDatatype.INT16, SHAPE.voxelCount(), 9);
        Volume src = Volume.ofFloats(SHAPE, GEOMETRY, values);
        Reorientation r = Reorientation.toCanonical(src);
        Volume ras = r.apply(src);
        assertThat(ras.geometry().orientation().code()).isEqualTo("RAS");
        Path p = TestFiles.local(tmp, "ras.nii.gz");
        writer.write(p, ras, NiftiEncoding.of(NiftiDatatype.INT16), false);
        Volume back = reader.read(p).volume();
        assertThat(back.geometry().maxCornerDistanceMm(ras.geometry(), ras.shape())).isLessThan(1e-4);
        Volume restored = r.invert(back.withGeometry(ras.geometry()));
        assertThat(restored.geometry()).isEqualTo(GEOMETRY);
        assertThat(restored.voxels().toFloats()).containsExactly(values);
    }

    @Test
    @DisplayName("codes 0/0 on a rotated geometry are upgraded so the sform keeps the geometry")
    void noCodesKeepsGeometry() throws IOException {
        Volume v = Volume.ofFloats(SHAPE, GEOMETRY, new float[SHAPE.voxelCount()]);
        Path p = TestFiles.local(tmp, "nocodes.nii");
        writer.write(p, v, NiftiEncoding.of(NiftiDatatype.UINT8).withCodes(0, 0), false);
        NiftiHeader h = reader.readHeader(p);
        assertThat(h.sformCode()).isEqualTo(1);
        assertThat(h.geometry()).isEqualTo(GEOMETRY);
    }

    @Test
    @DisplayName("a value that does not fit the datatype is an error naming the voxel, never clipped")
    void outOfRange() {
        float[] values = new float[SHAPE.voxelCount()];
        values[SHAPE.index(1, 2, 3)] = 300;
        Path p = TestFiles.local(tmp, "bad.nii");
        assertThatThrownBy(() -> writer.write(p, Volume.ofFloats(SHAPE, GEOMETRY, values), NiftiEncoding.of(NiftiDatatype.UINT8), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1,2,3)").hasMessageContaining("300");
    }

    @Test
    @DisplayName("local files get no .crc sidecar, so a file re-saved by another tool still reads")
    void noChecksumSidecar() throws IOException {
        Volume v = Volume.ofFloats(SHAPE, GEOMETRY, valuesFor(NiftiDatatype.INT16, SHAPE.voxelCount(), 4));
        Path p = TestFiles.local(tmp, "edited.nii.gz");
        writer.write(p, v, NiftiEncoding.of(NiftiDatatype.INT16), false);
        assertThat(java.nio.file.Files.list(tmp).map(f -> f.getFileName().toString())).containsExactly("edited.nii.gz");
        Path other = TestFiles.local(tmp, "other.nii.gz");
        writer.write(other, Volume.ofFloats(SHAPE, GEOMETRY, new float[SHAPE.voxelCount()]), NiftiEncoding.of(NiftiDatatype.INT16), false);
        java.nio.file.Files.copy(tmp.resolve("other.nii.gz"), tmp.resolve("edited.nii.gz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(reader.read(p).volume().voxels().toFloats()).containsOnly(0f);
    }

    @Test
    @DisplayName("an existing file is not overwritten unless asked")
    void noOverwrite() throws IOException {
        Volume v = Volume.ofFloats(SHAPE, GEOMETRY, new float[SHAPE.voxelCount()]);
        Path p = TestFiles.local(tmp, "once.nii.gz");
        writer.write(p, v, NiftiEncoding.of(NiftiDatatype.INT16), false);
        assertThatThrownBy(() -> writer.write(p, v, NiftiEncoding.of(NiftiDatatype.INT16), false)).isInstanceOf(IOException.class);
        writer.write(p, v, NiftiEncoding.of(NiftiDatatype.FLOAT32), true);
        assertThat(reader.readHeader(p).datatype()).isEqualTo(NiftiDatatype.FLOAT32);
    }
}
