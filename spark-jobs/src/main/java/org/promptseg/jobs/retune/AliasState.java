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
 * One prompt alias of a center as read at one moment: the alias entry (what compare-and-set promotes against), the
 * version it names, that version's backbone, tensor SHA-256 and training provenance. {@code version} is null when the
 * alias was never set.
 */
public record AliasState(@JsonProperty("alias_entry") long aliasEntry, @JsonProperty("version") String version,
                         @JsonProperty("backbone") String backboneSha256, @JsonProperty("tensors_sha256") String tensorsSha256,
                         @JsonIgnore DataProvenance provenance) {
    /** What users and inference load. */
    public static final String PRODUCTION = "production";
    /** The newest tuned version (tune sets it). */
    public static final String CANDIDATE = "candidate";
    /** The last candidate the retune gate refused: retune does not tune the same data again (see {@link WorkDetector}). */
    public static final String REJECTED = "rejected";

    public static AliasState read(PromptStore store, String center, String alias) throws IOException {
        AliasHistory h = store.aliasHistory(center, alias);
        if (h.currentTarget().isEmpty()) {
            return none(h.currentEntry());
        }
        PromptManifest m = store.manifest(center, h.currentTarget().get());
        return new AliasState(h.currentEntry(), m.version(), m.backboneSha256(), m.tensorsSha256(), m.provenance());
    }

    /** The center's production alias. */
    public static AliasState production(PromptStore store, String center) throws IOException {
        return read(store, center, PRODUCTION);
    }

    public static AliasState none(long entry) {
        return new AliasState(entry, null, null, null, null);
    }

    @JsonIgnore
    public boolean exists() {
        return version != null;
    }

    /** Same version with the same tensors (the alias entry may differ: a promote to the same version is no change). */
    public boolean sameAs(AliasState other) {
        return Objects.equals(version, other.version) && Objects.equals(tensorsSha256, other.tensorsSha256);
    }

    /** "0003 (tensors 1a2b3c4d5e6f)" or "none". */
    public String describe() {
        return version == null ? "none" : version + " (tensors " + tensorsSha256.substring(0, Math.min(12, tensorsSha256.length())) + ")";
    }
}
