package org.promptseg.volume.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.volume.TestFiles;
import org.promptseg.volume.VolumeFormatException;
import org.promptseg.volume.VolumeOptions;

@DisplayName("bad and hostile NIfTI input ends in a VolumeFormatException naming the file and the field")
class NiftiBadInputTest {
    private final Configuration conf = new Configuration();
    private final NiftiReader reader = new NiftiReader(conf, VolumeOptions.defaults().withMaxVolumeBytes(64L << 20));

    @TempDir
    java.nio.file.Path tmp;

    private static HandBuiltNifti good() {
        HandBuiltNifti f = NiftiFixturesTest.sformInt16(ByteOrder.LITTLE_ENDIAN);
        return f;
    }

    private AbstractThrowableAssert<?, ? extends Throwable> readingFails(String name, byte[] bytes, String field) throws IOException {
        Path p = TestFiles.put(TestFiles.local(tmp, name), bytes, conf);
        return assertThatThrownBy(() -> reader.read(p))
                .isInstanceOf(VolumeFormatException.class)
                .hasMessageStartingWith(p.toString())
                .satisfies(e -> assertThat(((VolumeFormatException) e).field()).isEqualTo(field));
    }

    @Test
    @DisplayName("bad magic")
    void badMagic() throws IOException {
        HandBuiltNifti f = good();
        f.magic = new byte[] {'x', 'y', 'z', 0};
        readingFails("m.nii", f.singleFile(), "magic").hasMessageContaining("n+1");
    }

    @Test
    @DisplayName("wrong sizeof_hdr, and files too short to hold a header")
    void sizeofHdr() throws IOException {
        HandBuiltNifti f = good();
        f.sizeofHdr = 350;
        readingFails("s.nii", f.singleFile(), "sizeof_hdr").hasMessageContaining("348");
        readingFails("short.nii", Arrays.copyOf(good().singleFile(), 200), "header").hasMessageContaining("truncated");
        readingFails("empty.nii", new byte[0], "sizeof_hdr");
    }

    @Test
    @DisplayName("dims <= 0, too many dimensions, 5D")
    void dims() throws IOException {
        HandBuiltNifti f = good();
        f.dim[2] = 0;
        readingFails("d0.nii", f.singleFile(), "dim[2]").hasMessageContaining(">= 1");
        f = good();
        f.dim[3] = -7;
        readingFails("dneg.nii", f.singleFile(), "dim[3]");
        f = good();
        f.dim[0] = 9;
        readingFails("rank.nii", f.singleFile(), "dim[0]");
        f = good();
        f.dim = new long[] {5, 3, 2, 2, 1, 2, 1, 1};
        readingFails("five.nii", f.singleFile(), "dim[5]");
    }

    @Test
    @DisplayName("a declared size above the limit is refused before anything is allocated")
    void memoryGuard() throws IOException {
        HandBuiltNifti f = good();
        f.dim = new long[] {3, 32767, 32767, 32767, 1, 1, 1, 1};
        readingFails("huge.nii.gz", HandBuiltNifti.gzip(f.singleFile()), "dim").hasMessageContaining("more than");
        f.dim = new long[] {3, 2048, 2048, 16, 1, 1, 1, 1}; // 128 MiB as int16: above the 64 MiB limit of this reader
        readingFails("big.nii.gz", HandBuiltNifti.gzip(f.singleFile()), "dim").hasMessageContaining("max-volume-bytes");
    }

    @Test
    @DisplayName("unsupported datatype and inconsistent bitpix")
    void datatype() throws IOException {
        HandBuiltNifti f = good();
        f.datatype = 32;
        f.bitpix = 64;
        readingFails("c.nii", f.singleFile(), "datatype").hasMessageContaining("complex64");
        f = good();
        f.bitpix = 8;
        readingFails("b.nii", f.singleFile(), "bitpix");
    }

    @Test
    @DisplayName("truncated data, plain and gzipped")
    void truncated() throws IOException {
        byte[] full = good().singleFile();
        byte[] cut = Arrays.copyOf(full, full.length - 5);
        readingFails("t.nii", cut, "data").hasMessageContaining("truncated");
        readingFails("t.nii.gz", HandBuiltNifti.gzip(cut), "data").hasMessageContaining("truncated");
        byte[] gz = HandBuiltNifti.gzip(full);
        readingFails("tgz.nii.gz", Arrays.copyOf(gz, gz.length - 12), "data");
    }

    @Test
    @DisplayName("corrupt gzip data or checksum")
    void gzipCorruption() throws IOException {
        byte[] gz = HandBuiltNifti.gzip(good().singleFile());
        byte[] crc = gz.clone();
        crc[crc.length - 6] ^= 0x55; // inside the CRC-32 of the trailer
        readingFails("crc.nii.gz", crc, "gzip");
        byte[] header = gz.clone();
        header[2] = 7; // compression method other than deflate (8)
        readingFails("hdr.nii.gz", header, "gzip");
    }

    @Test
    @DisplayName("vox_offset beyond the file, or inside the header")
    void voxOffset() throws IOException {
        HandBuiltNifti f = good();
        byte[] bytes = f.singleFile();
        f.voxOffset = 100000;
        byte[] far = Arrays.copyOf(f.headerBytes(), bytes.length);
        readingFails("far.nii", far, "vox_offset").hasMessageContaining("beyond");
        readingFails("far.nii.gz", HandBuiltNifti.gzip(far), "vox_offset").hasMessageContaining("ends");
        f = good();
        f.voxOffset = 100;
        readingFails("inside.nii", f.singleFile(), "vox_offset").hasMessageContaining("after the 348-byte header");
    }

    @Test
    @DisplayName("singular or non-finite geometry")
    void geometry() throws IOException {
        HandBuiltNifti f = good();
        f.srow = new double[] {1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0};
        readingFails("sing.nii", f.singleFile(), "srow_x/srow_y/srow_z").hasMessageContaining("singular");
        f = good();
        f.srow[5] = Double.NaN;
        readingFails("nan.nii", f.singleFile(), "srow_y[1]");
        f = good();
        f.sformCode = 0;
        f.qformCode = 1;
        f.pixdim[2] = -3;
        readingFails("pix.nii", f.singleFile(), "pixdim[2]").hasMessageContaining("positive");
    }

    @Test
    @DisplayName("a single-file magic on a .hdr name, and a pair magic on a .nii name")
    void magicVersusName() throws IOException {
        HandBuiltNifti f = good();
        f.pair = true;
        readingFails("pair.nii", f.headerBytes(), "magic").hasMessageContaining("separate .img");
    }
}
