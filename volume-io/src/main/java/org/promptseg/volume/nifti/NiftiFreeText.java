package org.promptseg.volume.nifti;

import java.io.Serializable;

/**
 * The free-text header fields {@code descrip}, {@code aux_file} and {@code intent_name}. Hospital software often puts
 * patient names, dates or accession numbers there, so this type never shows its content in {@link #toString()}, and
 * no promptseg output (logs, {@code volume info}, reports, exceptions) includes it. The writer drops it unless
 * {@code promptseg.volume.keep-free-text} is set.
 */
public record NiftiFreeText(String descrip, String auxFile, String intentName) implements Serializable {
    public static final NiftiFreeText EMPTY = new NiftiFreeText("", "", "");

    public NiftiFreeText {
        descrip = descrip == null ? "" : descrip;
        auxFile = auxFile == null ? "" : auxFile;
        intentName = intentName == null ? "" : intentName;
    }

    public boolean isEmpty() {
        return descrip.isEmpty() && auxFile.isEmpty() && intentName.isEmpty();
    }

    @Override
    public String toString() {
        return isEmpty() ? "NiftiFreeText[empty]" : "NiftiFreeText[withheld]";
    }
}
