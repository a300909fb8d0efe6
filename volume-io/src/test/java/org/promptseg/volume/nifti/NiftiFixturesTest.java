package org.promptseg.volume.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.promptseg.volume.Affine;
import org.promptseg.volume.Shape;
import org.promptseg.volume.TestFiles;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeFormatException;
import org.promptseg.volume.VoxelArray;

@DisplayName("NIfTI reader on files built byte by byte from the standard")
class NiftiFixturesTest {
    private final Configuration conf = new Configuration();
    private final NiftiReader reader = new NiftiReader(conf);

    @TempDir
    java.nio.file.Path tmp;

    private Path put(String name, byte[] bytes) throws IOException {
        return TestFiles.put(TestFiles.local(tmp, name), bytes, conf);
    }

    static short[] ramp(int n) {
        short[] v = new short[n];
        for (int i = 0; i < n; i++) {
            v[i] = (short) (i * 10 - 50);
        }
        return v;
    }

    static HandBuiltNifti sformInt16(ByteOrder order) {
        HandBuiltNifti f = HandBuiltNifti.int16(order, 3, 2, 2, ramp(12));
        f.sformCode = 2;
        f.srow = new double[] {-2, 0, 0, 10, 0, 3, 0, -20, 0, 0, 4, 30};
        f.pixdim = new double[] {1, 2, 3, 4, 0, 0, 0, 0};
        return f;
    }

    @Nested
    @DisplayName("geometry")
    class GeometryFromHeader {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
        @DisplayName("sform_code > 0: the affine is srow_x/y/z exactly, and voxels are in x-fastest order")
        void sform(String orderName) throws IOException {
            ByteOrder order = orderName.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            NiftiImage img = reader.read(put("s.nii", sformInt16(order).singleFile()));
            Volume v = img.volume();
            assertThat(img.header().byteOrder()).isEqualTo(order);
            assertThat(v.shape()).isEqualTo(new Shape(2, 2, 3));
            assertThat(v.geometry().voxelToWorld()).isEqualTo(Affine.ofRows(new double[] {-2, 0, 0, 10, 0, 3, 0, -20, 0, 0, 4, 30}));
            assertThat(v.geometry().orientation().code()).isEqualTo("LAS");
            assertThat(v.geometry().spacingZyx()).containsExactly(4, 3, 2);
            assertThat(v.voxels()).isInstanceOf(VoxelArray.Shorts.class);
            assertThat(v.value(1, 0, 2)).isEqualTo(30f); // flat index (1*2+0)*3+2 = 8 -> 8*10-50
            assertThat(v.value(0, 1, 0)).isEqualTo(-20f); // index 3
            assertThat(img.header().geometrySource()).isEqualTo(GeometrySource.SFORM);
        }

        @Test
        @DisplayName("qform_code > 0 and sform_code 0: quaternion, pixdim and qfac = pixdim[0] as the standard defines them")
        void qform() throws IOException {
            HandBuiltNifti f = HandBuiltNifti.int16(ByteOrder.BIG_ENDIAN, 2, 2, 2, ramp(8));
            f.qformCode = 1;
            f.sformCode = 0;
            double s = Math.sqrt(0.5); // 90 degrees about z: a = cos 45, d = sin 45
            f.quatern = new double[] {0, 0, s};
            f.qoffset = new double[] {5, 6, 7};
            f.pixdim = new double[] {-1, 2, 3, 4, 0, 0, 0, 0};
            f.srow = new double[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}; // must be ignored: sform_code is 0
            Volume v = reader.read(put("q.nii", f.singleFile())).volume();
            // R = [[0,-1,0],[1,0,0],[0,0,1]], columns scaled by 2, 3 and qfac*4 = -4
            double[] expected = {0, -3, 0, 5, 2, 0, 0, 6, 0, 0, -4, 7, 0, 0, 0, 1};
            double[] actual = v.geometry().voxelToWorld().toArray();
            for (int i = 0; i < 16; i++) {
                assertThat(actual[i]).as("affine entry %d", i).isCloseTo(expected[i], within(1e-6));
            }
            assertThat(v.geometry().orientation().code()).isEqualTo("ALI");
        }

        @Test
        @DisplayName("both codes 0: the standard's method 1, voxel sizes only")
        void pixdimOnly() throws IOException {
            HandBuiltNifti f = HandBuiltNifti.int16(ByteOrder.LITTLE_ENDIAN, 2, 1, 1, (short) 1, (short) 2);
            f.pixdim = new double[] {0, 0.5, 0.75, 2.5, 0, 0, 0, 0};
            NiftiImage img = reader.read(put("p.nii", f.singleFile()));
            assertThat(img.header().geometrySource()).isEqualTo(GeometrySource.PIXDIM);
            assertThat(img.volume().geometry().voxelToWorld()).isEqualTo(Affine.scaling(0.5, 0.75, 2.5));
        }
    }

    @Nested
    @DisplayName("scaling")
    class Scaling {
        @Test
        @DisplayName("uint16 with slope 2 and intercept -1024 gives exact int16 values")
        void uint16Intercept() throws IOException {
            HandBuiltNifti f = new HandBuiltNifti();
            f.dim = new long[] {3, 3, 1, 1, 1, 1, 1, 1};
            f.datatype = 512;
            f.bitpix = 16;
            f.sclSlope = 2;
            f.sclInter = -1024;
            f.data = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0).putShort((short) 512).putShort((short) 2000).array();
            Volume v = reader.read(put("u.nii", f.singleFile())).volume();
            assertThat(v.voxels()).isInstanceOf(VoxelArray.Shorts.class);
            assertThat(v.voxels().toFloats()).containsExactly(-1024f, 0f, 2976f);
        }

        @Test
        @DisplayName("uint16 above 32767 without scaling falls back to float, exactly")
        void uint16Large() throws IOException {
            HandBuiltNifti f = new HandBuiltNifti();
            f.dim = new long[] {3, 2, 1, 1, 1, 1, 1, 1};
            f.datatype = 512;
            f.bitpix = 16;
            f.data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 65535).putShort((short) 7).array();
            Volume v = reader.read(put("u.nii", f.singleFile())).volume();
            assertThat(v.voxels()).isInstanceOf(VoxelArray.Floats.class);
            assertThat(v.voxels().toFloats()).containsExactly(65535f, 7f);
        }

        @ParameterizedTest(name = "scl_slope {0}")
        @ValueSource(doubles = {0.0, Double.NaN})
        @DisplayName("slope 0 or NaN means no scaling, whatever the intercept")
        void noScaling(double slope) throws IOException {
            HandBuiltNifti f = HandBuiltNifti.int16(ByteOrder.LITTLE_ENDIAN, 2, 1, 1, (short) -3, (short) 4);
            f.sclSlope = slope;
            f.sclInter = 100;
            Volume v = reader.read(put("n.nii", f.singleFile())).volume();
            assertThat(v.voxels().toFloats()).containsExactly(-3f, 4f);
        }

        @Test
        @DisplayName("float32 data with a fractional slope is scaled in double precision")
        void floatSlope() throws IOException {
            HandBuiltNifti f = new HandBuiltNifti();
            f.dim = new long[] {3, 2, 1, 1, 1, 1, 1, 1};
            f.datatype = 16;
            f.bitpix = 32;
            f.sclSlope = 0.5;
            f.sclInter = 1.25;
            f.data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(3f).putFloat(-1f).array();
            Volume v = reader.read(put("f.nii", f.singleFile())).volume();
            assertThat(v.voxels().toFloats()).containsExactly(2.75f, 0.75f);
        }
    }

    @Nested
    @DisplayName("layouts")
    class Layouts {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
        @DisplayName("NIfTI-2 with int32 data and a double-precision sform")
        void nifti2(String orderName) throws IOException {
            ByteOrder order = orderName.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            HandBuiltNifti f = new HandBuiltNifti();
            f.version = 2;
            f.order = order;
            f.dim = new long[] {3, 2, 2, 1, 1, 1, 1, 1};
            f.datatype = 8;
            f.bitpix = 32;
            f.sformCode = 1;
            f.srow = new double[] {0.1, 0, 0, -1.5, 0, 0.2, 0, 2.25, 0, 0, 0.3, 3.125};
            f.data = ByteBuffer.allocate(16).order(order).putInt(-100000).putInt(0).putInt(7).putInt(1 << 20).array();
            NiftiImage img = reader.read(put("two.nii", f.singleFile()));
            assertThat(img.header().version()).isEqualTo(2);
            assertThat(img.volume().voxels().toFloats()).containsExactly(-100000f, 0f, 7f, 1048576f);
            assertThat(img.volume().geometry().voxelToWorld()).isEqualTo(Affine.ofRows(f.srow));
        }

        @Test
        @DisplayName(".hdr/.img pair, found from either name, and gzipped parts")
        void pairs() throws IOException {
            HandBuiltNifti f = sformInt16(ByteOrder.LITTLE_ENDIAN);
            f.pair = true;
            put("a.hdr", f.headerBytes());
            Path img = put("a.img", f.imageFile());
            put("b.hdr.gz", HandBuiltNifti.gzip(f.headerBytes()));
            put("b.img.gz", HandBuiltNifti.gzip(f.imageFile()));
            short[] expected = ramp(12);
            for (String name : new String[] {"a.hdr", "a.img", "b.hdr.gz", "b.img.gz"}) {
                Volume v = reader.read(TestFiles.local(tmp, name)).volume();
                assertThat(v.shorts()).as(name).containsExactly(expected);
            }
            assertThat(reader.readHeader(img).pairedImageFile()).isTrue();
        }

        @Test
        @DisplayName("a pair whose image file is missing is a clear error")
        void pairMissingImage() throws IOException {
            HandBuiltNifti f = sformInt16(ByteOrder.LITTLE_ENDIAN);
            f.pair = true;
            Path hdr = put("lonely.hdr", f.headerBytes());
            assertThatThrownBy(() -> reader.read(hdr)).isInstanceOf(java.io.FileNotFoundException.class)
                    .hasMessageContaining("lonely.img");
        }

        @Test
        @DisplayName("vox_offset past the extension area is honoured")
        void voxOffset() throws IOException {
            HandBuiltNifti f = sformInt16(ByteOrder.LITTLE_ENDIAN);
            f.voxOffset = 416;
            byte[] bytes = f.singleFile();
            bytes[348] = 1; // extension flag set; the extension bytes in between are skipped
            Volume v = reader.read(put("ext.nii.gz", HandBuiltNifti.gzip(bytes))).volume();
            assertThat(v.shorts()).containsExactly(ramp(12));
        }

        @Test
        @DisplayName("4D: one channel must be picked; any channel or all of them can be read")
        void fourD() throws IOException {
            HandBuiltNifti f = HandBuiltNifti.int16(ByteOrder.LITTLE_ENDIAN, 2, 1, 1, (short) 1, (short) 2, (short) 3, (short) 4, (short) 5, (short) 6);
            f.dim = new long[] {4, 2, 1, 1, 3, 1, 1, 1};
            Path p = put("four.nii.gz", HandBuiltNifti.gzip(f.singleFile()));
            assertThatThrownBy(() -> reader.read(p)).isInstanceOf(VolumeFormatException.class)
                    .hasMessageContaining("dim[4]").hasMessageContaining("pick one");
            assertThat(reader.read(p, 2).volume().shorts()).containsExactly((short) 5, (short) 6);
            assertThat(reader.read(p, 0).volume().shorts()).containsExactly((short) 1, (short) 2);
            NiftiImage all = reader.readAllChannels(p, VoxelStorage.COMPACT);
            assertThat(all.channels()).hasSize(3);
            assertThat(all.channel(1).shorts()).containsExactly((short) 3, (short) 4);
            assertThatThrownBy(() -> reader.read(p, 3)).isInstanceOf(VolumeFormatException.class).hasMessageContaining("channel 3");
        }
    }

    @Nested
    @DisplayName("free text")
    class FreeText {
        static final String SECRET = "DOE^JANE 1970-01-01";

        @Test
        @DisplayName("is read but never shown, and the writer drops it unless told to keep it")
        void neverShown(@TempDir java.nio.file.Path dir) throws IOException {
            HandBuiltNifti f = sformInt16(ByteOrder.LITTLE_ENDIAN);
            f.descrip = SECRET;
            f.auxFile = "MRN123456";
            f.intentName = "ACC987";
            NiftiImage img = reader.read(put("secret.nii", f.singleFile()));
            assertThat(img.header().freeText().descrip()).isEqualTo(SECRET);
            assertThat(img.header().toString() + img + img.header().freeText()).doesNotContain("DOE").doesNotContain("MRN").doesNotContain("ACC9");

            Path cleared = TestFiles.local(dir, "cleared.nii");
            new NiftiWriter(conf).write(cleared, img, false);
            byte[] written = TestFiles.get(cleared, conf);
            assertThat(new String(written, StandardCharsets.ISO_8859_1)).doesNotContain("DOE").doesNotContain("MRN").doesNotContain("ACC9");

            Path kept = TestFiles.local(dir, "kept.nii");
            new NiftiWriter(conf, org.promptseg.volume.VolumeOptions.defaults().withKeepFreeText(true)).write(kept, img, false);
            assertThat(reader.readHeader(kept).freeText()).isEqualTo(img.header().freeText());
        }
    }
}
