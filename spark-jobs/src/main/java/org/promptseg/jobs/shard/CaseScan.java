package org.promptseg.jobs.shard;

import java.io.Serializable;
import org.promptseg.volume.preprocess.FingerprintPartial;

/** What the first pass learned about a case: its fingerprint statistics and content hash, or why it is unusable. */
record CaseScan(CaseWork work, FingerprintPartial partial, String contentSha256, String badFile, String reason) implements Serializable {
    boolean ok() {
        return reason == null;
    }
}
