package org.promptseg.jobs.train;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.promptseg.common.Ids;

/** Run ids: {@code <job>-<utc time>-<random>}, valid store names, sortable by start time. */
public final class RunIds {
    private RunIds() {}

    public static String next(String job) {
        String time = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Ids.require("run id", job + "-" + time + "-" + UUID.randomUUID().toString().substring(0, 8));
    }
}
