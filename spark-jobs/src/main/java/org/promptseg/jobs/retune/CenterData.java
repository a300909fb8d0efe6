package org.promptseg.jobs.retune;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the collection holds for one center now: its labelled train-split cases (published id → content SHA-256),
 * the sizes of its validation and test splits, and the cases that could not be read (published ids with the reason).
 */
public record CenterData(String center, SortedMap<String, String> trainCases, int valCases, int testCases, List<String> unreadable) {
    public CenterData {
        trainCases = new TreeMap<>(trainCases);
        unreadable = List.copyOf(unreadable);
    }

    /**
     * The train cases as tune and pretrain record them in a prompt version's provenance:
     * {@code <published id>:<first 16 hex digits of the content SHA-256>}.
     */
    public List<String> provenanceIds() {
        List<String> out = new ArrayList<>();
        trainCases.forEach((id, sha) -> out.add(id + ":" + sha.substring(0, 16)));
        return out;
    }
}
