package org.promptseg.jobs.cli;

import java.util.Arrays;
import java.util.List;

/** Parsing of comma-separated option values ({@code --centers a,b}, {@code --patch 32,32,32}). */
final class ListOption {
    private ListOption() {}

    static List<String> strings(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    static int[] ints(String option, String value, int count) {
        List<String> parts = strings(value);
        if (parts.size() != count) {
            throw new UsageException(option + " '" + value + "': expected " + count + " comma-separated integers");
        }
        try {
            return parts.stream().mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new UsageException(option + " '" + value + "': expected " + count + " comma-separated integers");
        }
    }

    static double[] doubles(String option, String value, int count) {
        List<String> parts = strings(value);
        if (parts.size() != count) {
            throw new UsageException(option + " '" + value + "': expected " + count + " comma-separated numbers");
        }
        try {
            return parts.stream().mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new UsageException(option + " '" + value + "': expected " + count + " comma-separated numbers");
        }
    }
}
