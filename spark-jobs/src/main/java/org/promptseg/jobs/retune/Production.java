package org.promptseg.jobs.retune;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.util.Objects;
import org.promptseg.store.AliasHistory;
import org.promptseg.store.DataProvenance;
import org.promptseg.store.PromptManifest;
import org.promptseg.store.PromptStore;

/**
 * A center's {@code production} alias as read at one moment: the alias entry (what compare-and-set promotes against),
 * the version it names, that version's backbone, tensor SHA-256 and training provenance. {@code version} is null when
 * the center has no production prompts.
 */
public record Production(@JsonProperty("alias_entry") long aliasEntry, @JsonProperty("version") String version,
                         @JsonProperty("backbone") String backboneSha256, @JsonProperty("tensors_sha256") String tensorsSha256,
                         @JsonIgnore DataProvenance provenance) {
    public static final String ALIAS = "production";

    public static Production read(PromptStore store, String center) throws IOException {
        AliasHistory h = store.aliasHistory(center, ALIAS);
        if (h.currentTarget().isEmpty()) {
            return new Production(h.currentEntry(), null, null, null, null);
        }
        PromptManifest m = store.manifest(center, h.currentTarget().get());
        return new Production(h.currentEntry(), m.version(), m.backboneSha256(), m.tensorsSha256(), m.provenance());
    }

    @JsonIgnore
    public boolean exists() {
        return version != null;
    }

    /** Same version with the same tensors (the alias entry may differ: a promote to the same version is no change). */
    public boolean sameAs(Production other) {
        return Objects.equals(version, other.version) && Objects.equals(tensorsSha256, other.tensorsSha256);
    }

    /** "0003 (tensors 1a2b3c4d5e6f)" or "none". */
    public String describe() {
        return version == null ? "none" : version + " (tensors " + tensorsSha256.substring(0, Math.min(12, tensorsSha256.length())) + ")";
    }
}
