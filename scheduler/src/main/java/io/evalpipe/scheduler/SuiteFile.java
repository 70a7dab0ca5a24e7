package io.evalpipe.scheduler;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.evalpipe.report.compare.RunGates;
import io.evalpipe.report.compare.Thresholds;
import io.evalpipe.contracts.Durations;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Ids;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.Slo;
import io.evalpipe.contracts.ParamChecks;
import io.evalpipe.contracts.assertions.Assertion;
import io.evalpipe.contracts.assertions.AssertionRules;
import io.evalpipe.contracts.assertions.InvalidAssertionException;
import io.evalpipe.producer.AssertionFile;
import io.evalpipe.producer.PromptFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a suite file. It is written by people and read by a service at 2 am, so every mistake is
 * caught when the service starts: an unknown key is a typo (a misspelt gate would silently never
 * fire), and every value is range-checked. Errors end the command with exit 2 and
 * {@code FILE: what is wrong}.
 *
 * <pre>
 * name: nightly
 * prompts: ../prompts/interview_chat_20.jsonl   # relative to this file's folder
 * pool: cpu
 * params: {max_tokens: 192, output_mode: schema}
 * slo: {e2e: 15s, ttft: 2s}
 * gates: {max_pass_rate_drop: 0.02, max_p95_increase: 20%}   # as `evalctl compare`; these are its defaults
 *        # and, optionally, absolute limits on every run, as `evalctl run --min-pass-rate ...`:
 *        # min_pass_rate: 0.9, min_goodput: 80%, max_p95: 15s, max_errors: 0
 * deadline: 30m
 * model: ../models/model.gguf
 * assert: [{pointer: /reply, max_length: 400}]   # for every prompt; or a file: assert: shared.json
 * </pre>
 */
public final class SuiteFile {
    private static final Set<String> KEYS = Set.of("name", "prompts", "pool", "params", "slo", "gates", "deadline", "model", "assert");
    private static final Set<String> SLO_KEYS = Set.of("e2e", "ttft");
    private static final Set<String> GATE_KEYS = Set.of("max_pass_rate_drop", "max_p95_increase", "min_pass_rate", "min_goodput", "max_p95",
            "max_errors");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");
    private static final YAMLMapper YAML = YAMLMapper.builder()
            // Two `gates:` blocks would otherwise silently keep the last one.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path file;

    private SuiteFile(Path file) {
        this.file = file;
    }

    /** @throws ScheduleInputException, naming the file, when it cannot be read or is not a valid suite */
    public static Suite read(Path file) {
        return new SuiteFile(file).parse();
    }

    private Suite parse() {
        JsonNode root = readTree();
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw problem("the file is empty");
        }
        if (!root.isObject()) {
            throw problem("expected a mapping of keys (name, prompts, ...)");
        }
        checkKeys(root, KEYS, "");
        String name = requireText(root, "name");
        if (!Ids.isSafe(name)) {
            throw problem("name '" + name + "' must be 1-128 characters of [A-Za-z0-9._-]");
        }
        Path prompts = relativeToFile(requireText(root, "prompts"));
        String pool = optionalText(root, "pool", "default");
        if (!Ids.isSafe(pool)) {
            throw problem("pool '" + pool + "' must be 1-128 characters of [A-Za-z0-9._-]");
        }
        GenerationParams params = params(root.get("params"));
        Slo slo = slo(root.get("slo"));
        Thresholds gates = gates(root.get("gates"));
        RunGates limits = limits(root.get("gates"), slo);
        Duration deadline = root.has("deadline") ? positive(duration(root.get("deadline"), "deadline"), "deadline") : null;
        String model = optionalText(root, "model", null);
        return new Suite(name, file, prompts, pool, params, slo, gates, limits, deadline, model == null ? null : relativeToFile(model),
                assertions(root.get("assert")));
    }

    /** A list written in the suite, or the path of an assertion file (relative to the suite), as {@code --assert} takes. */
    private List<Assertion> assertions(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            try {
                return AssertionFile.read(relativeToFile(node.asText()));
            } catch (PromptFileException e) {
                throw new ScheduleInputException(file + ": assert: " + e.getMessage()); // names the assertion file and line
            }
        }
        if (!node.isArray()) {
            throw problem("'assert' must be a list of assertions such as [{pointer: /score, min: 1}], or the path of a file of them");
        }
        try {
            return AssertionRules.parseList(node, "assert");
        } catch (InvalidAssertionException e) {
            throw problem(e.getMessage());
        }
    }

    private JsonNode readTree() {
        try {
            return YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw problem("no such file");
        } catch (JacksonException e) {
            throw problem("not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw problem("cannot read: " + e.getMessage());
        }
    }

    private void checkKeys(JsonNode node, Set<String> allowed, String prefix) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!allowed.contains(key)) {
                throw problem("unknown key '" + prefix + key + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private String requireText(JsonNode node, String key) {
        String value = optionalText(node, key, null);
        if (value == null) {
            throw problem("missing key '" + key + "'");
        }
        return value;
    }

    private String optionalText(JsonNode node, String key, String fallback) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw problem("'" + key + "' must be a non-empty string");
        }
        return value.asText().trim();
    }

    /** Prompt and model paths are relative to the suite file, so the service may start from any folder. */
    private Path relativeToFile(String path) {
        Path parent = file.toAbsolutePath().getParent();
        return parent.resolve(path).normalize();
    }

    private GenerationParams params(JsonNode node) {
        if (node == null || node.isNull()) {
            return GenerationParams.NONE;
        }
        if (!node.isObject()) {
            throw problem("'params' must be a mapping such as {max_tokens: 192}");
        }
        GenerationParams params;
        try {
            // The same mapping, and so the same snake_case keys, as a prompt's params in a JSONL file.
            params = Json.STRICT.treeToValue(node, GenerationParams.class);
        } catch (UnrecognizedPropertyException e) {
            throw problem("unknown key 'params." + e.getPropertyName()
                    + "' (allowed: max_tokens, temperature, top_p, top_k, repeat_penalty, seed, stop, timeout_ms, output_mode)");
        } catch (JacksonException e) {
            throw problem("bad 'params': " + e.getOriginalMessage());
        }
        String problem = ParamChecks.problem(params);
        if (problem != null) {
            throw problem("params." + problem);
        }
        return params;
    }

    private Slo slo(JsonNode node) {
        if (node == null || node.isNull()) {
            return Slo.NONE;
        }
        if (!node.isObject()) {
            throw problem("'slo' must be a mapping such as {e2e: 15s, ttft: 2s}");
        }
        checkKeys(node, SLO_KEYS, "slo.");
        return new Slo(
                node.has("e2e") ? millis(positive(duration(node.get("e2e"), "slo.e2e"), "slo.e2e")) : null,
                node.has("ttft") ? millis(positive(duration(node.get("ttft"), "slo.ttft"), "slo.ttft")) : null);
    }

    private static Double millis(Duration d) {
        return (double) d.toMillis();
    }

    /** A gate left out gets the default of `evalctl compare`, so that a suite and a hand-run compare judge alike. */
    private Thresholds gates(JsonNode node) {
        if (node == null || node.isNull()) {
            return Thresholds.DEFAULTS;
        }
        if (!node.isObject()) {
            throw problem("'gates' must be a mapping such as {max_pass_rate_drop: 0.02, max_p95_increase: 20%}");
        }
        checkKeys(node, GATE_KEYS, "gates.");
        double drop = node.has("max_pass_rate_drop")
                ? fraction(node.get("max_pass_rate_drop"), "gates.max_pass_rate_drop") : Thresholds.DEFAULTS.maxPassRateDrop();
        if (drop > 1) {
            throw problem("gates.max_pass_rate_drop: a pass rate cannot drop by more than 1 (100%), got " + drop);
        }
        double p95 = node.has("max_p95_increase")
                ? fraction(node.get("max_p95_increase"), "gates.max_p95_increase") : Thresholds.DEFAULTS.maxP95Increase();
        return new Thresholds(drop, p95);
    }

    /** The absolute limits among {@code gates:} (checked there against the other keys); none unless given. */
    private RunGates limits(JsonNode node, Slo slo) {
        if (node == null || !node.isObject()) {
            return RunGates.NONE;
        }
        Double minPassRate = node.has("min_pass_rate") ? fraction(node.get("min_pass_rate"), "gates.min_pass_rate") : null;
        Double minGoodput = node.has("min_goodput") ? fraction(node.get("min_goodput"), "gates.min_goodput") : null;
        Duration maxP95 = node.has("max_p95") ? positive(duration(node.get("max_p95"), "gates.max_p95"), "gates.max_p95") : null;
        Integer maxErrors = null;
        if (node.has("max_errors")) {
            JsonNode n = node.get("max_errors");
            if (!n.isIntegralNumber() || n.asLong() < 0 || n.asLong() > Integer.MAX_VALUE) {
                throw problem("gates.max_errors: must be a whole number, 0 or more, got '" + n.asText() + "'");
            }
            maxErrors = n.asInt();
        }
        if (minGoodput != null && !slo.isSet()) {
            throw problem("gates.min_goodput needs an slo (without one, goodput is the pass rate: use min_pass_rate)");
        }
        try {
            return new RunGates(minPassRate, minGoodput, maxP95, maxErrors);
        } catch (IllegalArgumentException e) {
            throw problem("gates: " + e.getMessage());
        }
    }

    /** {@code 0.02} or {@code 2%}: both mean two hundredths. */
    private double fraction(JsonNode node, String key) {
        double value;
        if (node.isNumber()) {
            value = node.asDouble();
        } else if (node.isTextual() && PERCENT.matcher(node.asText().trim()).matches()) {
            Matcher m = PERCENT.matcher(node.asText().trim());
            m.matches();
            value = Double.parseDouble(m.group(1)) / 100;
        } else {
            throw problem(key + ": must be a fraction such as 0.2 or a percentage such as 20%, got '" + node.asText() + "'");
        }
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw problem(key + ": must not be negative, got " + node.asText());
        }
        return value;
    }

    private Duration duration(JsonNode node, String key) {
        if (node == null || !node.isTextual()) {
            throw problem(key + ": must be a duration such as 250ms, 15s, 30m or 2h, got '" + (node == null ? "" : node.asText()) + "'");
        }
        try {
            return Durations.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw problem(key + ": " + e.getMessage());
        }
    }

    private Duration positive(Duration d, String key) {
        if (d.isZero()) {
            throw problem(key + ": must be more than 0");
        }
        return d;
    }

    private ScheduleInputException problem(String reason) {
        return new ScheduleInputException(file + ": " + reason);
    }
}
