package org.promptseg.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.promptseg.common.Json;
import org.promptseg.store.tensor.TensorSet;

/**
 * One complete round checkpoint of a running job: the trainable tensors after the round and the small
 * state the driver needs to resume (round counters, optimizer/server state, RNG positions, ...).
 */
public record RoundCheckpoint(String runId, int round, TensorSet tensors, JsonNode state, String createdAt) {

    /** The state as the caller's own type (the same class it was written from). */
    public <T> T state(Class<T> type) {
        try {
            return Json.mapper().treeToValue(state, type);
        } catch (JsonProcessingException e) {
            throw new CorruptStoreEntryException("state of round " + round + " of run '" + runId + "' does not read as "
                    + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
