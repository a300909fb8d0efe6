package org.promptseg.jobs.data;

import com.typesafe.config.Config;
import java.io.Serializable;
import org.promptseg.common.Hashing;

/**
 * How case ids appear in manifests, provenance and reports: salted SHA-256 prefixes by default, so that
 * a report or a prompt version shared between sites does not carry identifiers of patients
 * (DESIGN §10). Clear ids only when {@code promptseg.privacy.hash-case-ids = false}.
 */
public record CaseIds(boolean hash, String salt) implements Serializable {
    public static CaseIds fromConfig(Config root) {
        Config c = root.getConfig("promptseg.privacy");
        return new CaseIds(c.getBoolean("hash-case-ids"), c.getString("case-id-salt"));
    }

    /** The published form of a case id of a center. */
    public String publish(String center, String caseId) {
        return hash ? "h-" + Hashing.sha256Hex(salt + "\u0000" + center + "\u0000" + caseId).substring(0, 16) : caseId;
    }
}
