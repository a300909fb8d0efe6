package org.promptseg.jobs.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.promptseg.volume.Orientation;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.nifti.NiftiDatatype;
import org.promptseg.volume.nifti.VolumeConverter;
import org.promptseg.volume.nifti.VolumeInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code promptseg volume info|convert}: look into and convert NIfTI files on any Hadoop filesystem. */
@Command(name = "volume", description = "Describe or convert NIfTI volumes (.nii, .nii.gz, .hdr/.img; local paths or Hadoop URIs).",
        subcommands = {VolumeCommand.Info.class, VolumeCommand.Convert.class})
public final class VolumeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: info or convert");
    }

    @Command(name = "info", description = "Dimensions, datatype, spacing, affine, orientation, qform/sform codes and value statistics. Free-text header fields are never printed.")
    static final class Info implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "URI")
        String uri;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            VolumeInfo info = VolumeInfo.describe(uri, new Configuration(), VolumeOptions.fromConfig(PromptsegCli.root(spec).config()));
            spec.commandLine().getOut().println(json ? info.toJson() : info.toText());
            return ExitCodes.OK;
        }
    }

    @Command(name = "convert", description = "Write a NIfTI-1 copy (.nii or .nii.gz by the output name), optionally with another datatype or reoriented.")
    static final class Convert implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "IN")
        String in;
        @Parameters(index = "1", paramLabel = "OUT")
        String out;
        @Option(names = "--datatype", paramLabel = "TYPE", description = "uint8, int8, int16, uint16, int32, uint32, int64, float32, float64 (default: keep).")
        String datatype;
        @Option(names = "--reorient", paramLabel = "canonical|CODE", description = "canonical (RAS) or a 3-letter orientation code such as LPS (default: keep).")
        String reorient;
        @Option(names = "--channel", paramLabel = "N", description = "For 4D input: the channel (volume) to write.")
        Integer channel;
        @Option(names = "--overwrite", description = "Replace OUT if it exists.")
        boolean overwrite;

        @Override
        public Integer call() throws IOException {
            VolumeOptions options = VolumeOptions.fromConfig(PromptsegCli.root(spec).config());
            NiftiDatatype type = datatype == null ? null : parseDatatype(datatype);
            Orientation orientation = reorient == null ? null
                    : reorient.equalsIgnoreCase("canonical") ? Orientation.RAS : parseOrientation(reorient);
            VolumeConverter.Result r = new VolumeConverter(new Configuration(), options)
                    .convert(in, out, new VolumeConverter.Options(type, orientation, channel, overwrite));
            spec.commandLine().getOut().println("wrote " + r.output() + ": " + r.datatype() + ", orientation " + r.orientation()
                    + ", " + r.channels() + " channel(s) x " + r.voxelsPerChannel() + " voxels");
            return ExitCodes.OK;
        }

        private static NiftiDatatype parseDatatype(String name) {
            try {
                return NiftiDatatype.parse(name);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }

        private static Orientation parseOrientation(String code) {
            try {
                return Orientation.parse(code);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
    }
}
