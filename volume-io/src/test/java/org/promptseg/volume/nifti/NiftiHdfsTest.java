package org.promptseg.volume.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.common.MiniHdfs;
import org.promptseg.volume.Shape;
import org.promptseg.volume.TestFiles;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeFormatException;
import org.promptseg.volume.VolumeOptions;

@DisplayName("NIfTI on a real HDFS (minicluster)")
class NiftiHdfsTest {
    private final Configuration conf = MiniHdfs.conf();

    @Test
    @DisplayName("write, read back, describe and convert .nii.gz; read a hand-built .hdr/.img pair; reject a truncated file")
    void hdfs() throws IOException {
        Path dir = MiniHdfs.newDir("nifti");
        NiftiWriter writer = new NiftiWriter(conf);
        NiftiReader reader = new NiftiReader(conf);
        Shape s = new Shape(8, 9, 10);
        float[] v = NiftiRoundTripTest.valuesFor(NiftiDatatype.INT16, s.voxelCount(), 3);
        Path p = new Path(dir, "ct.nii.gz");
        writer.write(p, Volume.ofFloats(s, NiftiRoundTripTest.GEOMETRY, v), NiftiEncoding.of(NiftiDatatype.INT16), false);
        assertThat(p.toUri().getScheme()).isEqualTo("hdfs");
        Volume back = reader.read(p).volume();
        assertThat(back.voxels().toFloats()).containsExactly(v);
        assertThat(back.geometry()).isEqualTo(NiftiRoundTripTest.GEOMETRY);

        VolumeInfo info = VolumeInfo.describe(p.toString(), conf, VolumeOptions.defaults());
        assertThat(info.uri()).startsWith("hdfs://");
        assertThat(info.dim()).containsExactly(10, 9, 8);

        new VolumeConverter(conf, VolumeOptions.defaults()).convert(p.toString(), new Path(dir, "ras.nii").toString(),
                new VolumeConverter.Options(null, org.promptseg.volume.Orientation.RAS, null, false));
        assertThat(reader.read(new Path(dir, "ras.nii")).volume().geometry().orientation().code()).isEqualTo("RAS");

        HandBuiltNifti f = NiftiFixturesTest.sformInt16(ByteOrder.LITTLE_ENDIAN);
        f.pair = true;
        TestFiles.put(new Path(dir, "pair.hdr"), f.headerBytes(), conf);
        TestFiles.put(new Path(dir, "pair.img.gz"), HandBuiltNifti.gzip(f.imageFile()), conf);
        assertThat(reader.read(new Path(dir, "pair.hdr")).volume().shorts()).containsExactly(NiftiFixturesTest.ramp(12));

        byte[] whole = NiftiFixturesTest.sformInt16(ByteOrder.LITTLE_ENDIAN).singleFile();
        Path cut = TestFiles.put(new Path(dir, "cut.nii"), Arrays.copyOf(whole, whole.length - 3), conf);
        assertThatThrownBy(() -> reader.read(cut)).isInstanceOf(VolumeFormatException.class).hasMessageContaining("truncated");
    }
}
