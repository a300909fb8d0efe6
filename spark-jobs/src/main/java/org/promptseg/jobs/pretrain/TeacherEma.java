package org.promptseg.jobs.pretrain;

import java.util.Map;
import java.util.TreeMap;
import org.promptseg.jobs.rounds.Groups;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.jobs.rounds.ServerHook;

/**
 * The CPA teacher's update on the driver: after each server step every teacher group moves towards its student
 * group, {@code teacher ← m·teacher + (1−m)·student}. The teacher is never trained: tasks receive it read-only and
 * return no delta for it, so this is the only way its tensors change.
 */
public final class TeacherEma implements ServerHook {
    private final double momentum;

    public TeacherEma(double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("EMA momentum must be in [0, 1), got " + momentum);
        }
        this.momentum = momentum;
    }

    @Override
    public Map<String, ParamSet> afterUpdate(int round, Map<String, ParamSet> server) {
        Map<String, ParamSet> out = new TreeMap<>();
        server.forEach((group, tensors) -> {
            if (Groups.isTeacher(group)) {
                ParamSet student = server.get(Groups.studentOf(group));
                if (student == null) {
                    throw new IllegalStateException("teacher group " + group + " has no student group on the server");
                }
                out.put(group, tensors.ema(student, momentum));
            }
        });
        return out;
    }
}
