package org.promptseg.jobs.rounds;

import org.promptseg.common.Ids;

/**
 * Parameter-group keys: what the rounds reduce by (DESIGN §10). {@code backbone} is trained by every
 * center's tasks (pretraining, data-parallel); {@code prompt/<center>} only by that center's tasks;
 * {@code model/<center>} is a full or head fine-tuned copy for one center (baselines).
 */
public final class Groups {
    public static final String BACKBONE = "backbone";
    private static final String PROMPT = "prompt/";
    private static final String MODEL = "model/";
    private static final String TEACHER = "teacher/";

    private Groups() {}

    public static String prompt(String center) {
        return PROMPT + Ids.require("center id", center);
    }

    public static String model(String center) {
        return MODEL + Ids.require("center id", center);
    }

    /** The EMA teacher of a trained group (CPA pretraining): broadcast read-only, updated on the driver only. */
    public static String teacher(String studentGroup) {
        if (isTeacher(studentGroup)) {
            throw new IllegalArgumentException("group '" + studentGroup + "' is a teacher already");
        }
        return TEACHER + studentGroup;
    }

    public static boolean isTeacher(String group) {
        return group.startsWith(TEACHER);
    }

    /** The student group a teacher group follows. */
    public static String studentOf(String teacherGroup) {
        if (!isTeacher(teacherGroup)) {
            throw new IllegalArgumentException("group '" + teacherGroup + "' is not a teacher group");
        }
        return teacherGroup.substring(TEACHER.length());
    }

    public static boolean isPrompt(String group) {
        return group.startsWith(PROMPT);
    }

    /** The center of a {@code prompt/} or {@code model/} group. */
    public static String centerOf(String group) {
        int slash = group.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("group '" + group + "' belongs to no center");
        }
        return group.substring(slash + 1);
    }
}
