package org.promptseg.jobs.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.jobs.rounds.FloatTensor;
import org.promptseg.jobs.rounds.Groups;
import org.promptseg.jobs.rounds.ParamSet;

@DisplayName("TeacherEma")
class TeacherEmaTest {
    private static ParamSet set(float... v) {
        return new ParamSet(Map.of("w", new FloatTensor(new long[] {v.length}, v)));
    }

    @Test
    @DisplayName("moves each teacher group towards its student by (1 - momentum), leaves every other group alone")
    void update() {
        Map<String, ParamSet> server = new TreeMap<>();
        server.put(Groups.BACKBONE, set(1, 2, 3));
        server.put(Groups.teacher(Groups.BACKBONE), set(0, 0, 10));
        server.put(Groups.prompt("c0"), set(4));
        server.put(Groups.teacher(Groups.prompt("c0")), set(2));
        Map<String, ParamSet> out = new TeacherEma(0.75).afterUpdate(1, server);
        assertThat(out).containsOnlyKeys(Groups.teacher(Groups.BACKBONE), Groups.teacher(Groups.prompt("c0")));
        assertThat(out.get(Groups.teacher(Groups.BACKBONE)).get("w").data()).containsExactly(0.25f, 0.5f, 8.25f);
        assertThat(out.get(Groups.teacher(Groups.prompt("c0"))).get("w").data()).containsExactly(2.5f);
        // repeated steps converge to a fixed student: m^k of the gap is left
        ParamSet t = set(0);
        for (int k = 0; k < 10; k++) {
            t = t.ema(set(1), 0.5);
        }
        assertThat((double) t.get("w").data()[0]).isCloseTo(1 - Math.pow(0.5, 10), org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    @DisplayName("momentum 0 copies the student; momentum outside [0, 1) and a teacher without student are refused")
    void edges() {
        Map<String, ParamSet> server = Map.of(Groups.BACKBONE, set(3), Groups.teacher(Groups.BACKBONE), set(9));
        assertThat(new TeacherEma(0).afterUpdate(1, server).get(Groups.teacher(Groups.BACKBONE)).get("w").data()).containsExactly(3f);
        assertThatThrownBy(() -> new TeacherEma(1)).hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> new TeacherEma(0.9).afterUpdate(1, Map.of(Groups.teacher(Groups.BACKBONE), set(1))))
                .hasMessageContaining("no student");
    }
}
