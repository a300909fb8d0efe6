package org.promptseg.volume.nifti;

import java.util.List;
import org.promptseg.volume.Volume;

/**
 * What the reader returns: the validated header and the channel volumes read (one for a 3D file or a selected
 * channel, all of them for {@link NiftiReader#readAllChannels}). Every channel has the header's shape and geometry.
 *
 * @param location the file (URI) it came from
 * @param firstChannel index in the file of {@code channels.get(0)}
 */
public record NiftiImage(String location, NiftiHeader header, List<Volume> channels, int firstChannel) {
    public NiftiImage {
        channels = List.copyOf(channels);
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("a NIfTI image has at least one channel");
        }
    }

    /** The single volume read; fails if several channels were read. */
    public Volume volume() {
        if (channels.size() != 1) {
            throw new IllegalStateException(location + ": " + channels.size() + " channels were read; pick one with channel(i)");
        }
        return channels.get(0);
    }

    public Volume channel(int i) {
        return channels.get(i);
    }
}
