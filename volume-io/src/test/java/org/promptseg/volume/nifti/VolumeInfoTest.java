package org.promptseg.volume.nifti;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteOrder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.Json;
import org.promptseg.volume.Affine;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Orientation;
import org.promptseg.volume.Shape;
import org.promptseg.volume.TestFiles;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeOptions;

@DisplayName("volume info and convert")
class VolumeInfoTest {
    private final Configuration conf = new Configuration();
    private final VolumeOptions options = VolumeOptions.defaults();

    @TempDir
    java.nio.file.Path tmp;

    @Test
    @DisplayName("info of a hand-built big-endian 4D file reports its header values and value statistics")
    void handBuilt() throws IOException {
        HandBuiltNifti f = HandBuiltNifti.int16(ByteOrder.BIG_ENDIAN, 3, 2, 1, (short) -1000, (short) 0, (short) 40, (short) 100, (short) 700, (short) 20,
                (short) 1, (short) 2, (short) 3, (short) 4, (short) 5, (short) 6);
        f.dim = new long[] {4, 3, 2, 1, 2, 1, 1, 1};
        f.pixdim = new double[] {1, 0.75, 0.8, 2.5, 1, 0, 0, 0};
        f.qformCode = 1;
        f.sformCode = 4;
        f.srow = new double[] {-0.75, 0, 0, 100, 0, -0.8, 0, 90, 0, 0, 2.5, -50};
        f.sclSlope = 2;
        f.sclInter = 10;
        f.descrip = "SMITH^JOHN";
        Path p = TestFiles.put(TestFiles.local(tmp, "info.nii.gz"), HandBuiltNifti.gzip(f.singleFile()), conf);
        VolumeInfo info = VolumeInfo.describe(p, conf, options);
        assertThat(info.niftiVersion()).isEqualTo(1);
        assertThat(info.gzipped()).isTrue();
        assertThat(info.pairedFiles()).isFalse();
        assertThat(info.byteOrder()).isEqualTo("big");
        assertThat(info.dim()).containsExactly(3, 2, 1, 2);
        assertThat(info.channels()).isEqualTo(2);
        assertThat(info.datatype()).isEqualTo("int16");
        assertThat(info.bitpix()).isEqualTo(16);
        assertThat(info.pixdim()).containsExactly(1, 0.75f, 0.8f, 2.5, 1);
        assertThat(info.spacingXyz()).containsExactly(0.75, (double) 0.8f, 2.5);
        assertThat(info.geometrySource()).isEqualTo("sform");
        assertThat(info.orientation()).isEqualTo("LPS");
        assertThat(info.sformCode()).isEqualTo(4);
        assertThat(info.sformName()).isEqualTo("mni_152");
        assertThat(info.qformCode()).isEqualTo(1);
        assertThat(info.affine()).isEqualTo(Affine.ofRows(new double[] {-0.75, 0, 0, 100, 0, (float) -0.8, 0, 90, 0, 0, 2.5, -50}).toRows());
        assertThat(info.sclSlope()).isEqualTo(2);
        assertThat(info.sclInter()).isEqualTo(10);
        assertThat(info.voxOffset()).isEqualTo(352);
        assertThat(info.spatialUnit()).isEqualTo("mm");
        assertThat(info.temporalUnit()).isEqualTo("s");
        // scaled: 2v+10 over both channels
        assertThat(info.values().voxels()).isEqualTo(12);
        assertThat(info.values().min()).isEqualTo(-1990);
        assertThat(info.values().max()).isEqualTo(1410);
        double sum = 0;
        for (int v : new int[] {-1000, 0, 40, 100, 700, 20, 1, 2, 3, 4, 5, 6}) {
            sum += 2 * v + 10;
        }
        assertThat(info.values().mean()).isEqualTo(sum / 12);

        String json = info.toJson();
        String text = info.toText();
        assertThat(json + text).doesNotContain("SMITH");
        JsonNode node = Json.mapper().readTree(json);
        assertThat(node.get("datatype").asText()).isEqualTo("int16");
        assertThat(node.get("sform_code").asInt()).isEqualTo(4);
        assertThat(node.get("dim").size()).isEqualTo(4);
        assertThat(node.get("values").get("min").asDouble()).isEqualTo(-1990);
        assertThat(text).contains("int16").contains("LPS").contains("mni_152").contains("3 x 2 x 1 x 2");
    }

    @Test
    @DisplayName("info of a file from our writer matches what was written")
    void fromWriter() throws IOException {
        Shape s = new Shape(4, 3, 2);
        Geometry g = new Geometry(Affine.ofRows(new double[] {0, 0, 2, -10, 1, 0, 0, 5, 0, 1.5, 0, 7}));
        float[] v = new float[s.voxelCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Path p = TestFiles.local(tmp, "w.nii");
        new NiftiWriter(conf).write(p, Volume.ofFloats(s, g, v), NiftiEncoding.of(NiftiDatatype.UINT8), false);
        VolumeInfo info = VolumeInfo.describe(p, conf, options);
        assertThat(info.dim()).containsExactly(2, 3, 4);
        assertThat(info.datatype()).isEqualTo("uint8");
        assertThat(info.affine()).isEqualTo(g.voxelToWorld().toRows());
        assertThat(info.orientation()).isEqualTo(g.orientation().code());
        assertThat(info.gzipped()).isFalse();
        assertThat(info.values().max()).isEqualTo(23);
    }

    @Test
    @DisplayName("convert: pair to .nii.gz, new datatype, reoriented to RAS, values preserved")
    void convert() throws IOException {
        HandBuiltNifti f = NiftiFixturesTest.sformInt16(ByteOrder.BIG_ENDIAN);
        f.pair = true;
        TestFiles.put(TestFiles.local(tmp, "in.hdr"), f.headerBytes(), conf);
        TestFiles.put(TestFiles.local(tmp, "in.img"), f.imageFile(), conf);
        VolumeConverter c = new VolumeConverter(conf, options);
        VolumeConverter.Result r = c.convert(tmp.resolve("in.hdr").toString(), tmp.resolve("out.nii.gz").toString(),
                new VolumeConverter.Options(NiftiDatatype.FLOAT32, Orientation.RAS, null, false));
        assertThat(r.datatype()).isEqualTo("float32");
        assertThat(r.orientation()).isEqualTo("RAS");
        NiftiReader reader = new NiftiReader(conf);
        Volume src = reader.read(TestFiles.local(tmp, "in.hdr")).volume();
        Volume out = reader.read(TestFiles.local(tmp, "out.nii.gz")).volume();
        assertThat(out.geometry().orientation()).isEqualTo(Orientation.RAS);
        // LAS -> RAS flips x: voxel (z,y,x) of the output is voxel (z,y,nx-1-x) of the source
        for (int z = 0; z < src.shape().nz(); z++) {
            for (int y = 0; y < src.shape().ny(); y++) {
                for (int x = 0; x < src.shape().nx(); x++) {
                    assertThat(out.value(z, y, x)).isEqualTo(src.value(z, y, src.shape().nx() - 1 - x));
                }
            }
        }
        // and the default keeps everything
        c.convert(tmp.resolve("in.img").toString(), tmp.resolve("same.nii").toString(), VolumeConverter.Options.defaults());
        NiftiImage same = reader.read(TestFiles.local(tmp, "same.nii"));
        assertThat(same.header().datatype()).isEqualTo(NiftiDatatype.INT16);
        assertThat(same.header().byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(same.volume().shorts()).containsExactly(src.shorts());
        assertThat(same.volume().geometry()).isEqualTo(src.geometry());
    }
}
