package org.promptseg.jobs.shard;

import java.io.Serializable;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.ClassMapping;

/** One case to shard: everything a task needs, nothing that ties it to the driver. */
record CaseWork(String center, CaseRef ref, String split, ClassMapping classes) implements Serializable {
    String key() {
        return center + "/" + ref.caseId();
    }
}
