package org.promptseg.volume.dataset;

import org.promptseg.common.PromptsegException;

/** A {@code dataset.json}, {@code centers.json} or dataset folder that does not follow the expected layout. */
public class DatasetFormatException extends PromptsegException {
    private final String location;
    private final String field;

    public DatasetFormatException(String location, String field, String problem) {
        super(location + ": " + field + ": " + problem);
        this.location = location;
        this.field = field;
    }

    public DatasetFormatException(String location, String field, String problem, Throwable cause) {
        super(location + ": " + field + ": " + problem, cause);
        this.location = location;
        this.field = field;
    }

    public String location() {
        return location;
    }

    public String field() {
        return field;
    }
}
