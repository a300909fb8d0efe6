package org.promptseg.model;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.promptseg.common.Json;

/**
 * Parameter accounting of one network: what {@code promptseg model summary} prints.
 *
 * @param preset          preset name
 * @param backbone        backbone parameters (frozen in prompt mode), head excluded
 * @param head            final 1x1x1 classifier parameters
 * @param promptsByKind   prompt parameters per kind (kinds not built in are absent)
 * @param state           per-center switches (active-token flags), not learned
 * @param promptsPerClass deep-prompt parameters one foreground class owns (what adapting to one new class trains)
 */
public record ParamReport(String preset, long backbone, long head, Map<PromptKind, Long> promptsByKind, long state,
                          long promptsPerClass) {

    public static ParamReport of(PromptableUNet model) {
        long backbone = 0;
        long head = 0;
        long state = 0;
        Map<PromptKind, Long> byKind = new EnumMap<>(PromptKind.class);
        for (PromptKind k : model.spec().prompts().kinds()) {
            byKind.put(k, 0L);
        }
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> table = model.graph().paramTable();
        for (String name : model.parameterNames()) {
            long n = table.get(name).length();
            switch (model.roleOf(name)) {
                case BACKBONE -> backbone += n;
                case HEAD -> head += n;
                case STATE -> state += n;
                case PROMPT -> byKind.merge(model.kindOf(name), n, Long::sum);
            }
        }
        int fg = model.spec().numClasses() - 1;
        long deep = byKind.getOrDefault(PromptKind.DEEP, 0L);
        // token biases and tokens both scale with the class count, so one class owns 1/fg of them
        return new ParamReport(model.spec().preset(), backbone, head, byKind, state, fg == 0 ? 0 : deep / fg);
    }

    /** Backbone plus head: the frozen network the prompt share is measured against. */
    public long frozen() {
        return backbone + head;
    }

    public long prompts() {
        return promptsByKind.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Prompt parameters as a percentage of the frozen network. */
    public double promptSharePercent() {
        return 100.0 * prompts() / frozen();
    }

    public double sharePercent(PromptKind kind) {
        return 100.0 * promptsByKind.getOrDefault(kind, 0L) / frozen();
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preset", preset);
        m.put("backbone_params", backbone);
        m.put("head_params", head);
        Map<String, Object> kinds = new LinkedHashMap<>();
        promptsByKind.forEach((k, v) -> kinds.put(k.configName(), Map.of("params", v, "share_percent", sharePercent(k))));
        m.put("prompt_params_by_kind", kinds);
        m.put("prompt_params", prompts());
        m.put("prompt_share_percent", promptSharePercent());
        m.put("deep_prompt_params_per_class", promptsPerClass);
        m.put("state_params", state);
        return Json.pretty(m);
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "preset %s%n", preset));
        b.append(String.format(Locale.ROOT, "  backbone      %,12d%n", backbone));
        b.append(String.format(Locale.ROOT, "  head          %,12d%n", head));
        promptsByKind.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  prompt %-10s %,9d  (%.3f %%)%n",
                k.configName(), v, sharePercent(k))));
        b.append(String.format(Locale.ROOT, "  prompts total %,12d  (%.3f %% of backbone + head)%n", prompts(), promptSharePercent()));
        if (promptsByKind.containsKey(PromptKind.DEEP)) {
            b.append(String.format(Locale.ROOT, "  deep prompt per class %,d (%.3f %%)%n", promptsPerClass,
                    100.0 * promptsPerClass / frozen()));
        }
        return b.toString();
    }
}
