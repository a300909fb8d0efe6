package org.promptseg.model.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Metrics of one case, one entry per scored class in label order.
 *
 * @param caseId  as the caller names the case (reports use salted hashes, DESIGN §10)
 * @param classes per-class metrics, ascending label
 */
public record CaseMetrics(@JsonProperty("case_id") String caseId, @JsonProperty("classes") List<ClassMetrics> classes) implements java.io.Serializable {

    public CaseMetrics {
        Objects.requireNonNull(caseId, "caseId");
        classes = List.copyOf(classes);
    }

    /** The metrics of the class named {@code name}. */
    public ClassMetrics forClass(String name) {
        for (ClassMetrics c : classes) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new NoSuchElementException("case " + caseId + " has no metrics for class '" + name + "'");
    }
}
