package org.promptseg.jobs.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("--budget: a count or a percentage of the center's pool")
class BudgetTest {

    @Nested
    @DisplayName("a count")
    class Count {
        @Test
        @DisplayName("is taken as it is, whatever the pool")
        void fixed() {
            Budget b = Budget.parse("4");
            assertThat(b.isPercentage()).isFalse();
            assertThat(b.resolve(40)).isEqualTo(4);
            assertThat(b.resolve(3)).isEqualTo(4); // capping at what is left is the job's business
            assertThat(b).hasToString("4");
            assertThat(Budget.parse(" 12 ").resolve(100)).isEqualTo(12);
        }
    }

    @Nested
    @DisplayName("a percentage")
    class Percentage {
        @ParameterizedTest(name = "{0} of {1} cases = {2}")
        @CsvSource({"5%, 40, 2", "10%, 40, 4", "20%, 40, 8", "5%, 30, 2", "5%, 29, 1", "1%, 40, 1", "0.5%, 10, 1", "100%, 7, 7", "12.5%, 40, 5",
            "33%, 10, 3", "35%, 10, 4"})
        @DisplayName("is rounded half up, at least one case")
        void resolves(String text, int pool, int expected) {
            assertThat(Budget.parse(text).resolve(pool)).isEqualTo(expected);
        }

        @Test
        @DisplayName("prints as it was written and explains itself")
        void text() {
            assertThat(Budget.parse("10%")).hasToString("10%");
            assertThat(Budget.parse("7.50%")).hasToString("7.5%");
            assertThat(Budget.parse("10%").describe(40)).isEqualTo("10% of 40 = 4");
        }
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "0", "-3", "0%", "101%", "abc", "4 cases", "%", "1e3", "5%%", "2.5"})
    @DisplayName("anything else is refused with the option's name and what is expected")
    void invalid(String text) {
        assertThatThrownBy(() -> Budget.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--budget");
    }
}
