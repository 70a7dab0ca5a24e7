package io.evalpipe.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Json;
import io.evalpipe.producer.Prompt;
import io.evalpipe.producer.PromptSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The paragraphs under a sweep's table: what stayed fixed, which prompts override a varied key, how the variants ran. */
public final class SweepNotes {
    private SweepNotes() {}

    /**
     * @param finished       the variants that finished
     * @param stoppedBecause why the sweep stopped early; null when every variant finished
     */
    public static List<String> of(SweepPlan plan, GenerationParams base, PromptSet set, int finished, String stoppedBecause, String pool,
                                  int workers) {
        List<String> notes = new ArrayList<>();
        if (stoppedBecause != null) {
            notes.add("Incomplete: " + finished + " of " + plan.variants().size() + " variants finished; the sweep stopped: " + stoppedBecause);
        }
        notes.add("Parameters of every variant besides the varied ones: " + fixedParams(base, plan.keys()) + ".");
        notes.add(overridingPrompts(set, plan.keys()));
        if (plan.variesModel()) {
            notes.add("Variants ran one after another, in the order listed. Each model ran in an evalctl worker process of its own"
                    + " (pool " + pool + "-model-N), started for its variants and stopped before the next model's, so no two"
                    + " models shared a process or competed for the machine; each variant has its own run and report.");
        } else {
            notes.add("Variants ran one after another, in the order listed, on the same loaded model and " + workers
                    + " worker(s), so they did not compete for it; each has its own run and report. Peak RSS is given only"
                    + " with --vary model: here the workers shared this process with the broker and the aggregator.");
        }
        notes.add(SweepReport.notePercentiles());
        return notes;
    }

    static String fixedParams(GenerationParams base, List<String> varied) {
        Map<String, JsonNode> fields = new TreeMap<>();
        Json.WIRE.valueToTree(base).properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
        List<String> parts = new ArrayList<>();
        fields.forEach((k, v) -> {
            if (!varied.contains(k)) {
                parts.add(k + "=" + (v.isValueNode() ? v.asText() : v.toString()));
            }
        });
        return String.join(", ", parts);
    }

    /** Per-prompt params override the run's: a prompt that sets a varied key keeps its own value in every variant. */
    static String overridingPrompts(PromptSet set, List<String> varied) {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (Prompt p : set.prompts()) {
            if (p.params() == null) {
                continue;
            }
            Json.WIRE.valueToTree(p.params()).properties().forEach(e -> {
                if (varied.contains(e.getKey())) {
                    byKey.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(p.id() + " (" + e.getValue().asText() + ")");
                }
            });
        }
        String rule = "A prompt's own params in the prompt file override the run's, so a varied key that a prompt sets itself"
                + " is not varied for that prompt";
        if (byKey.isEmpty()) {
            return rule + ". No prompt of this set sets a varied key.";
        }
        List<String> parts = new ArrayList<>();
        byKey.forEach((key, prompts) -> parts.add(key + " is fixed by " + String.join(", ", prompts)));
        return rule + ": in this set, " + String.join("; ", parts) + ".";
    }
}
