package org.promptseg.jobs.train;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.promptseg.common.Hashing;
import org.promptseg.common.Json;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.PromptableUNet;
import org.promptseg.store.PromptStore;

/**
 * Where an executor gets a network from, by reference: the tasks carry this small object, never the
 * network. {@link ExecutorModels} loads each source once per executor JVM.
 */
public sealed interface ModelSource extends Serializable {
    /** Cache key: equal keys mean interchangeable networks. */
    String key();

    PromptableUNet load();

    /** A frozen backbone from the prompt store, by its id. */
    record StoreBackbone(String storeUri, String backboneId) implements ModelSource {
        @Override
        public String key() {
            return "backbone:" + backboneId;
        }

        @Override
        public PromptableUNet load() {
            try {
                return PromptableUNet.fromZipBytes(PromptStore.open(storeUri).readBackboneZip(backboneId));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read backbone " + backboneId + " from " + storeUri + ": " + e.getMessage(), e);
            }
        }
    }

    /** A full or head fine-tuned model of a center from the prompt store. */
    record StoreModel(String storeUri, String center, String version) implements ModelSource {
        @Override
        public String key() {
            // version numbers restart in every store: without the store, two stores' c/0001 would share one cached
            // network in a long-lived executor JVM (a backbone id is a content hash and needs no store)
            return "model:" + storeUri + ":" + center + "/" + version;
        }

        @Override
        public PromptableUNet load() {
            try {
                return PromptableUNet.fromZipBytes(PromptStore.open(storeUri).readModelZip(center, version));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read model " + center + "/" + version + " from " + storeUri + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * A freshly initialised network of an architecture (pretraining: the weights arrive by broadcast each
     * round, only the architecture is built locally).
     */
    record Fresh(String specJson, long seed) implements ModelSource {
        public static Fresh of(ModelSpec spec, long seed) {
            return new Fresh(Json.canonical(spec), seed);
        }

        @Override
        public String key() {
            return "fresh:" + Hashing.sha256Hex(specJson) + ":" + seed;
        }

        @Override
        public PromptableUNet load() {
            try {
                return PromptableUNet.create(Json.mapper().readValue(specJson, ModelSpec.class), seed);
            } catch (IOException e) {
                throw new UncheckedIOException("invalid model spec JSON: " + e.getMessage(), e);
            }
        }
    }
}
