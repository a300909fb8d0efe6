package org.promptseg.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Collection;
import java.util.List;
import org.promptseg.common.Hashing;

/**
 * Which data a prompt or model was trained on. Case ids are whatever the job hands in; by default the
 * jobs pass salted hashes (DESIGN §10, privacy), and {@code caseIds} may be left out entirely, keeping
 * only their count and a SHA-256 over the sorted list so two versions can still be compared.
 *
 * @param datasetUri the collection or dataset the cases came from
 * @param caseCount number of training cases
 * @param caseIdsSha256 SHA-256 of the sorted case ids joined by newlines
 * @param caseIds the case ids themselves, or null when only their hash is recorded
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DataProvenance(String datasetUri, int caseCount, String caseIdsSha256, List<String> caseIds) {

    public DataProvenance {
        caseIds = caseIds == null ? null : List.copyOf(caseIds);
    }

    /** Provenance of {@code caseIds} from {@code datasetUri}; the ids are recorded only if {@code recordIds}. */
    public static DataProvenance of(String datasetUri, Collection<String> caseIds, boolean recordIds) {
        List<String> sorted = caseIds.stream().sorted().toList();
        String hash = Hashing.sha256Hex(String.join("\n", sorted));
        return new DataProvenance(datasetUri, sorted.size(), hash, recordIds ? sorted : null);
    }
}
