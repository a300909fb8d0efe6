package org.promptseg.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JobContextTest {
    @Test
    @DisplayName("partitions per center fill every task slot in every wave")
    void fillSlots() {
        assertThat(JobContext.fillSlots(2, 1)).isEqualTo(2);
        assertThat(JobContext.fillSlots(2, 2)).isEqualTo(1);
        assertThat(JobContext.fillSlots(2, 3)).isEqualTo(2);
        assertThat(JobContext.fillSlots(4, 3)).isEqualTo(4);
        assertThat(JobContext.fillSlots(8, 3)).isEqualTo(8);
        assertThat(JobContext.fillSlots(1, 5)).isEqualTo(1);
        assertThat(JobContext.fillSlots(6, 4)).isEqualTo(3);
    }
}
