package org.promptseg.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ModelSource cache keys")
class ModelSourceTest {
    @Test
    @DisplayName("a fine-tuned model's key names its store: version 0001 of two stores is two networks in one executor JVM")
    void storeModelKeyHasTheStore() {
        assertThat(new ModelSource.StoreModel("file:/a/store", "c2", "0001").key())
                .isNotEqualTo(new ModelSource.StoreModel("file:/b/store", "c2", "0001").key());
        assertThat(new ModelSource.StoreModel("file:/a/store", "c2", "0001").key())
                .isEqualTo(new ModelSource.StoreModel("file:/a/store", "c2", "0001").key());
    }
}
