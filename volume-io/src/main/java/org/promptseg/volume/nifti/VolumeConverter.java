package org.promptseg.volume.nifti;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Uris;
import org.promptseg.volume.Orientation;
import org.promptseg.volume.Reorientation;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeOptions;

/**
 * {@code promptseg volume convert}: reads any supported NIfTI (pair, NIfTI-2, big endian, gzipped or not) and writes a
 * NIfTI-1 {@code .nii}/{@code .nii.gz}, optionally in another datatype and/or reoriented (losslessly) to
 * another orientation. Header fields are kept unless changed; free text is dropped unless configured otherwise.
 */
public final class VolumeConverter {
    private final Configuration conf;
    private final VolumeOptions options;

    public VolumeConverter(Configuration conf, VolumeOptions options) {
        this.conf = conf;
        this.options = options;
    }

    /**
     * @param datatype target datatype, or null to keep the input's (with its scaling)
     * @param orientation target orientation (e.g. {@link Orientation#RAS} for "canonical"), or null to keep it
     * @param channel the one channel to keep, or null for all
     * @param overwrite replace an existing output
     */
    public record Options(NiftiDatatype datatype, Orientation orientation, Integer channel, boolean overwrite) {
        public static Options defaults() {
            return new Options(null, null, null, false);
        }
    }

    /** What was written. */
    public record Result(String output, String datatype, String orientation, int channels, long voxelsPerChannel) {}

    public Result convert(String in, String out, Options o) throws IOException {
        Path src = Uris.toPath(in);
        Path dst = Uris.toPath(out);
        NiftiReader reader = new NiftiReader(conf, options);
        NiftiImage img = o.channel() == null ? reader.readAllChannels(src, VoxelStorage.COMPACT) : reader.read(src, o.channel());
        List<Volume> channels = new ArrayList<>(img.channels());
        if (o.orientation() != null) {
            Reorientation r = Reorientation.to(o.orientation(), channels.get(0).shape(), channels.get(0).geometry());
            channels.replaceAll(r::apply);
        }
        NiftiEncoding enc = NiftiEncoding.preserving(img.header());
        if (img.header().version() == 2 && fitsNifti1(img.header())) {
            enc = enc.withVersion(1);
        }
        if (o.datatype() != null && o.datatype() != enc.datatype()) {
            enc = enc.withDatatype(o.datatype());
        }
        new NiftiWriter(conf, options).write(dst, channels, enc, o.overwrite());
        Volume first = channels.get(0);
        return new Result(Uris.qualified(dst, conf), enc.datatype().label(), first.geometry().orientation().code(),
                channels.size(), first.shape().voxelCount());
    }

    private static boolean fitsNifti1(NiftiHeader h) {
        for (long d : h.dim()) {
            if (d > Short.MAX_VALUE) {
                return false;
            }
        }
        return true;
    }
}
