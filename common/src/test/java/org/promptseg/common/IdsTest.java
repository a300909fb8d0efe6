package org.promptseg.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "center-1", "c_2", "0abc"})
    void acceptsValidIds(String id) {
        assertThat(Ids.require("center id", id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "a/b", "/abs", "A", "-x", "_x", "a b", "caf\u00e9", "\u0430bc", "a\u0000"})
    void rejectsEverythingElse(String id) {
        assertThatThrownBy(() -> Ids.require("center id", id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid center id")
                .satisfies(e -> assertThat(e.getMessage()).matches("[\\x20-\\x7e]*"));
    }

    @org.junit.jupiter.api.Test
    void rejectsTooLong() {
        assertThatThrownBy(() -> Ids.require("version", "a".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    }
}
