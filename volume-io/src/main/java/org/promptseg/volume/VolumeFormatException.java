package org.promptseg.volume;

import org.promptseg.common.PromptsegException;

/**
 * A volume file that cannot be read as what it claims to be: bad magic, impossible header field, truncated or
 * corrupt data, a declared size above the configured limit. The message always names the file and the header field
 * (or "data" for the voxel payload) and says what was expected, and never quotes free-text header fields, which may
 * hold patient information.
 */
public class VolumeFormatException extends PromptsegException {
    private final String location;
    private final String field;

    public VolumeFormatException(String location, String field, String problem) {
        super(location + ": " + field + ": " + problem);
        this.location = location;
        this.field = field;
    }

    public VolumeFormatException(String location, String field, String problem, Throwable cause) {
        super(location + ": " + field + ": " + problem, cause);
        this.location = location;
        this.field = field;
    }

    /** The file (URI) concerned. */
    public String location() {
        return location;
    }

    /** The header field (NIfTI name, e.g. {@code dim[3]}, {@code vox_offset}) or {@code data}. */
    public String field() {
        return field;
    }
}
