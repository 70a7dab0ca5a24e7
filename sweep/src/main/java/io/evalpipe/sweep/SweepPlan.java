package io.evalpipe.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.ParamChecks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The variants of a sweep: the cartesian product of {@code --vary KEY=V1,V2,...} lists, each laid
 * over the run's parameters. The first key varies slowest, so the variants read like a nested loop;
 * {@code model} (model files, not a generation parameter) always varies slowest, wherever it is
 * given, so that each model's variants run one after another on one loaded model.
 */
public final class SweepPlan {

    /** The GenerationParams fields a sweep can vary, by their snake_case names, and how each reads a value. */
    private static final Map<String, Function<String, JsonNode>> KEYS = new LinkedHashMap<>();

    static {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        KEYS.put("max_tokens", v -> nodes.numberNode(Integer.parseInt(v)));
        KEYS.put("temperature", v -> nodes.numberNode(Double.parseDouble(v)));
        KEYS.put("top_p", v -> nodes.numberNode(Double.parseDouble(v)));
        KEYS.put("top_k", v -> nodes.numberNode(Integer.parseInt(v)));
        KEYS.put("repeat_penalty", v -> nodes.numberNode(Double.parseDouble(v)));
        KEYS.put("seed", v -> nodes.numberNode(Long.parseLong(v)));
        KEYS.put("timeout_ms", v -> nodes.numberNode(Long.parseLong(v)));
        KEYS.put("output_mode", nodes::textNode);
    }

    /**
     * The key whose values are model files, as given: whether each is a model the engine can load is
     * for the command to check (this module reads no files), before anything starts.
     */
    public static final String MODEL = "model";

    /** The keys a sweep can vary, in the order help and errors list them. */
    public static final Set<String> VARIABLE_KEYS;

    static {
        Set<String> keys = new LinkedHashSet<>(KEYS.keySet());
        keys.add(MODEL);
        VARIABLE_KEYS = Collections.unmodifiableSet(keys);
    }

    /**
     * @param number  1-based, in sweep order
     * @param values  the varied keys' values, in --vary order, as given
     * @param params  the run's parameters with the varied values laid over them
     */
    public record Variant(int number, Map<String, String> values, GenerationParams params) {
        /** The model file of this variant as given; null when the sweep does not vary {@link #MODEL}. */
        public String model() {
            return values.get(MODEL);
        }

        public String label() {
            List<String> parts = new ArrayList<>();
            values.forEach((k, v) -> parts.add(k + "=" + v));
            return String.join(" ", parts);
        }
    }

    private final List<String> keys;
    private final List<Variant> variants;

    private SweepPlan(List<String> keys, List<Variant> variants) {
        this.keys = List.copyOf(keys);
        this.variants = List.copyOf(variants);
    }

    public List<String> keys() {
        return keys;
    }

    public List<Variant> variants() {
        return variants;
    }

    /** Whether {@link #MODEL} is among the varied keys: each model then needs a worker of its own. */
    public boolean variesModel() {
        return keys.contains(MODEL);
    }

    /**
     * @param vary each {@code KEY=V1,V2,...}
     * @param base the run's parameters (defaults overridden by the command line)
     * @throws SweepInputException for an unknown or repeated key, an empty or repeated value, or a
     *                      value out of range, before anything is started
     */
    public static SweepPlan parse(List<String> vary, GenerationParams base) {
        if (vary == null || vary.isEmpty()) {
            throw new SweepInputException("--vary KEY=V1,V2,... is required");
        }
        Map<String, List<ObjectNode>> overrides = new LinkedHashMap<>();
        Map<String, List<String>> texts = new LinkedHashMap<>();
        for (String spec : vary) {
            int eq = spec.indexOf('=');
            String key = eq < 0 ? spec.trim() : spec.substring(0, eq).trim();
            if (eq < 0 || !VARIABLE_KEYS.contains(key)) {
                throw new SweepInputException("--vary " + spec + ": expected KEY=V1,V2,... with KEY one of " + VARIABLE_KEYS);
            }
            if (overrides.containsKey(key)) {
                throw new SweepInputException("--vary " + key + " is given twice; list all its values in one --vary");
            }
            Set<String> values = new LinkedHashSet<>();
            for (String raw : spec.substring(eq + 1).split(",", -1)) {
                String value = raw.trim();
                if (value.isEmpty() || !values.add(value)) {
                    throw new SweepInputException("--vary " + spec + ": values must be non-empty and distinct");
                }
            }
            overrides.put(key, new ArrayList<>());
            texts.put(key, List.copyOf(values));
            for (String value : values) {
                overrides.get(key).add(override(key, value));
            }
        }
        List<String> keys = new ArrayList<>(overrides.keySet());
        if (keys.remove(MODEL)) {
            keys.add(0, MODEL);
        }
        List<Variant> variants = new ArrayList<>();
        product(keys, 0, overrides, texts, base, new LinkedHashMap<>(), variants);
        return new SweepPlan(keys, variants);
    }

    private static void product(List<String> keys, int depth, Map<String, List<ObjectNode>> overrides, Map<String, List<String>> texts,
                                GenerationParams params, Map<String, String> chosen, List<Variant> out) {
        if (depth == keys.size()) {
            out.add(new Variant(out.size() + 1, Collections.unmodifiableMap(new LinkedHashMap<>(chosen)), params));
            return;
        }
        String key = keys.get(depth);
        for (int i = 0; i < texts.get(key).size(); i++) {
            chosen.put(key, texts.get(key).get(i));
            product(keys, depth + 1, overrides, texts, params.overriddenBy(toParams(overrides.get(key).get(i))), chosen, out);
        }
        chosen.remove(key);
    }

    /** One key's value as the prompt file would write it, checked by the same rules as prompt files and options. */
    private static ObjectNode override(String key, String value) {
        ObjectNode node = Json.WIRE.createObjectNode();
        if (key.equals(MODEL)) {
            return node; // not a parameter: the variant's params stay the run's
        }
        try {
            node.set(key, KEYS.get(key).apply(value));
        } catch (NumberFormatException e) {
            throw new SweepInputException("--vary " + key + ": '" + value + "' is not a number of the right kind");
        }
        String problem = ParamChecks.problem(toParams(node));
        if (problem != null) {
            throw new SweepInputException("--vary " + problem);
        }
        return node;
    }

    private static GenerationParams toParams(ObjectNode node) {
        try {
            return Json.WIRE.treeToValue(node, GenerationParams.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a checked --vary value did not map onto GenerationParams: " + node, e);
        }
    }
}
