package org.promptseg.jobs.retune;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.promptseg.jobs.retune.CenterPlan.Status;
import org.promptseg.store.DataProvenance;

/**
 * Decides, for one center, whether there is work: the center's labelled train cases and their content hashes now,
 * against the training provenance of its production prompts. Pure: everything it needs is handed in.
 *
 * <p>A center with work whose last refused candidate (alias {@code rejected}) was tuned on exactly the current cases, on
 * this backbone, is not tuned again: the same data, seed and start would give the same candidate and the same refusal,
 * every scheduled run. It waits for new data, or for {@code --retry-rejected}.
 *
 * <p>Tune and pretrain record a version's train cases as {@code <published id>:<16 hex of the content SHA-256>} with a
 * SHA-256 over the sorted list; the lists are compared by that hash (which works whether or not the ids themselves were
 * recorded), and the ids, when present, say how many cases were added, removed or changed. A case that moved from train
 * to another split (a re-split after cases were added) counts as removed.
 */
public final class WorkDetector {
    private WorkDetector() {}

    /**
     * @param production    the center's production alias now
     * @param rejected      the center's {@code rejected} alias now: the last candidate the gate refused
     * @param retryRejected tune again even if the last refused candidate was made from exactly the current data
     */
    public static CenterPlan plan(CenterData data, AliasState production, AliasState rejected, String backboneId, RetuneSettings.OtherBackbone policy,
                                  boolean retryRejected) {
        CenterPlan p = plan(data, production, backboneId, policy);
        if (p.hasWork() && !retryRejected && rejected.exists() && backboneId.equals(rejected.backboneSha256())
                && sameCases(rejected.provenance(), data.provenanceIds())) {
            return new CenterPlan(p.center(), Status.REJECTED_BEFORE, "candidate " + rejected.version() + ", tuned on exactly these " + p.trainCases()
                    + " train case(s), was refused by the gate; waiting for new data (--retry-rejected tunes again)", production, p.trainCases(),
                    p.testCases(), p.added(), p.removed(), p.changed(), null, null);
        }
        return p;
    }

    /** Whether a version's recorded training cases are exactly {@code now} (provenance-form ids). */
    static boolean sameCases(DataProvenance recorded, List<String> now) {
        return recorded != null && DataProvenance.of("", now, false).caseIdsSha256().equals(recorded.caseIdsSha256());
    }

    static CenterPlan plan(CenterData data, AliasState production, String backboneId, RetuneSettings.OtherBackbone policy) {
        String c = data.center();
        int train = data.trainCases().size();
        int test = data.testCases();
        if (!data.unreadable().isEmpty()) {
            return plan(data, production, Status.UNREADABLE, data.unreadable().size() + " labelled case(s) cannot be read: "
                    + String.join("; ", data.unreadable()) + "; fix or remove them (promptseg dataset check) before re-tuning", -1, -1, -1, null);
        }
        if (train == 0 || test == 0) {
            return plan(data, production, Status.NOT_ENOUGH_DATA, "has " + train + " labelled train and " + test
                    + " test case(s); tuning needs at least one train case and the gate at least one test case", -1, -1, -1, null);
        }
        if (!production.exists()) {
            return plan(data, production, Status.NEW, "no production prompts; tune " + train + " train case(s) from the generic prompts, gate against"
                    + " the bare backbone on " + test + " test case(s)", train, 0, 0, null);
        }
        if (!backboneId.equals(production.backboneSha256())) {
            String why = "production " + production.version() + " was tuned on backbone " + shortId(production.backboneSha256()) + ", retune uses "
                    + shortId(backboneId);
            return policy == RetuneSettings.OtherBackbone.MIGRATE
                    ? plan(data, production, Status.MIGRATE, why + "; migrate: tune " + train + " train case(s) from the generic prompts, gate against"
                            + " the bare backbone", -1, -1, -1, null)
                    : plan(data, production, Status.OTHER_BACKBONE, why + "; left alone (promptseg.retune.other-backbone = skip)", -1, -1, -1, null);
        }
        DataProvenance recorded = production.provenance();
        String init = c + "/" + production.version();
        if (recorded == null) {
            return plan(data, production, Status.CHANGED, "production " + production.version() + " records no training data; re-tune " + train
                    + " train case(s)", -1, -1, -1, init);
        }
        List<String> now = data.provenanceIds();
        if (sameCases(recorded, now)) {
            return plan(data, production, Status.UP_TO_DATE, "production " + production.version() + " was tuned on exactly these " + train
                    + " train case(s)", 0, 0, 0, null);
        }
        if (recorded.caseIds() == null) {
            return plan(data, production, Status.CHANGED, "production " + production.version() + " was tuned on " + recorded.caseCount()
                    + " train case(s) (ids not recorded), now " + train + " with a different content; warm start from it", -1, -1, -1, init);
        }
        int[] d = diff(recorded.caseIds(), now);
        return plan(data, production, Status.CHANGED, "production " + production.version() + " was tuned on " + recorded.caseCount()
                + " train case(s), now " + train + ": " + d[0] + " added, " + d[1] + " removed, " + d[2] + " changed; warm start from it",
                d[0], d[1], d[2], init);
    }

    /** {added, removed, changed} between two provenance lists of {@code id:hash} entries. */
    static int[] diff(List<String> before, List<String> now) {
        Map<String, String> b = byId(before);
        Map<String, String> n = byId(now);
        int added = 0;
        int changed = 0;
        for (Map.Entry<String, String> e : n.entrySet()) {
            String old = b.get(e.getKey());
            if (old == null) {
                added++;
            } else if (!old.equals(e.getValue())) {
                changed++;
            }
        }
        Set<String> removed = new HashSet<>(b.keySet());
        removed.removeAll(n.keySet());
        return new int[] {added, removed.size(), changed};
    }

    private static Map<String, String> byId(List<String> entries) {
        Map<String, String> out = new TreeMap<>();
        for (String e : entries) {
            int colon = e.lastIndexOf(':');
            out.put(colon < 0 ? e : e.substring(0, colon), colon < 0 ? "" : e.substring(colon + 1));
        }
        return out;
    }

    private static CenterPlan plan(CenterData data, AliasState production, Status status, String reason, int added, int removed, int changed,
                                   String init) {
        return new CenterPlan(data.center(), status, reason, production, data.trainCases().size(), data.testCases(), added, removed, changed, init,
                null);
    }

    static String shortId(String sha) {
        return sha == null ? "?" : sha.substring(0, Math.min(12, sha.length()));
    }
}
