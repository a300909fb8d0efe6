package org.promptseg.store.tensor;

import org.promptseg.common.PromptsegException;

/** A safetensors file that does not follow the format; the message names the file and the offending field. */
public class SafetensorsFormatException extends PromptsegException {
    public SafetensorsFormatException(String source, String problem) {
        super(source + ": not a valid safetensors file: " + problem);
    }

    public SafetensorsFormatException(String source, String problem, Throwable cause) {
        super(source + ": not a valid safetensors file: " + problem, cause);
    }
}
