package io.evalpipe.report;

import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.EngineTimings;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Lineage;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.Slo;
import io.evalpipe.contracts.assertions.AssertionOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-made manifests, results and reports for aggregator tests. Every value not given has a fixed
 * default, so that tests are repeatable and only state what they are about.
 *
 * <pre>
 *   RunManifest m = Fixtures.manifest("run-1", "p1", "p2", "p3");
 *   RunReport r = Fixtures.report(m,
 *           Fixtures.pass("run-1", "p1", 850.0),
 *           Fixtures.result("run-1", "p2").fail(FailureReason.SCHEMA_VIOLATION, "/a: required: a is missing").build());
 *   // p3 is missing
 * </pre>
 */
public final class Fixtures {

    public static final Instant CREATED_AT = Instant.parse("2025-01-01T12:00:00Z");
    public static final Lineage LINEAGE = new Lineage("llamacpp", "cpu", "de.kherud:llama 4.2.0 (llama.cpp b4916)", 1, 1, "0".repeat(64), 250);
    public static final ModelInfo MODEL = new ModelInfo(
            "tiny-q4_k_m.gguf", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 12_345_678L, false);
    public static final ModelInfo SYNTHETIC_MODEL = new ModelInfo(
            "synthetic-seed42.gguf", "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210", 1_048_576L, true);

    private Fixtures() {}

    /** A manifest of these prompts, with default params and a real (not synthetic) model. */
    public static RunManifest manifest(String runId, String... promptIds) {
        return manifest(runId).prompts(promptIds).build();
    }

    public static ManifestBuilder manifest(String runId) {
        return new ManifestBuilder(runId);
    }

    /** A result in progress: a pass with plausible timings until told otherwise. */
    public static ResultBuilder result(String runId, String promptId) {
        return new ResultBuilder(runId, promptId);
    }

    public static EvalResult pass(String runId, String promptId, double e2eMs) {
        return result(runId, promptId).e2eMs(e2eMs).build();
    }

    public static EvalResult fail(String runId, String promptId, FailureReason reason, String... validationErrors) {
        return result(runId, promptId).fail(reason, validationErrors).build();
    }

    /** An error that never produced a token: no timings, no tokens. */
    public static EvalResult error(String runId, String promptId, FailureReason reason) {
        return result(runId, promptId).error(reason).build();
    }

    /**
     * The report the aggregator would hand over: results put in manifest order, the prompts without
     * one listed as missing, complete when none is.
     *
     * @throws IllegalArgumentException for a result whose prompt is not in the manifest, or two
     *                                  results for one prompt
     */
    public static RunReport report(RunManifest manifest, EvalResult... results) {
        Map<String, EvalResult> byPrompt = new LinkedHashMap<>();
        for (EvalResult r : results) {
            if (!manifest.promptIds().contains(r.promptId())) {
                throw new IllegalArgumentException("prompt " + r.promptId() + " is not in the manifest");
            }
            if (byPrompt.put(r.promptId(), r) != null) {
                throw new IllegalArgumentException("two results for prompt " + r.promptId());
            }
        }
        List<EvalResult> ordered = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String id : manifest.promptIds()) {
            EvalResult r = byPrompt.get(id);
            if (r == null) {
                missing.add(id);
            } else {
                ordered.add(r);
            }
        }
        return new RunReport(manifest, ordered, missing, missing.isEmpty());
    }

    public static final class ManifestBuilder {
        private final String runId;
        private String suite = "interview_chat";
        private String promptSetSha256 = "aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999";
        private List<String> promptIds = List.of();
        private GenerationParams params = GenerationParams.DEFAULTS;
        private ModelInfo model = MODEL;
        private String pool = "default";
        private Instant createdAt = CREATED_AT;
        private Long deadlineMs = 600_000L;
        private Slo slo = Slo.NONE;

        private ManifestBuilder(String runId) {
            this.runId = runId;
        }

        public ManifestBuilder prompts(String... ids) {
            this.promptIds = List.of(ids);
            return this;
        }

        public ManifestBuilder suite(String suite) {
            this.suite = suite;
            return this;
        }

        public ManifestBuilder params(GenerationParams params) {
            this.params = params;
            return this;
        }

        public ManifestBuilder model(ModelInfo model) {
            this.model = model;
            return this;
        }

        public ManifestBuilder pool(String pool) {
            this.pool = pool;
            return this;
        }

        public ManifestBuilder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        public ManifestBuilder deadlineMs(Long deadlineMs) {
            this.deadlineMs = deadlineMs;
            return this;
        }

        public ManifestBuilder slo(Slo slo) {
            this.slo = slo;
            return this;
        }

        public RunManifest build() {
            return new RunManifest(Messages.SCHEMA_VERSION, runId, suite, promptSetSha256, promptIds.size(), promptIds,
                    params, model, pool, createdAt, deadlineMs, slo);
        }
    }

    public static final class ResultBuilder {
        private final String runId;
        private final String promptId;
        private String workerId = "worker-1";
        private String pool = "default";
        private ResultStatus status = ResultStatus.PASS;
        private String failureReason;
        private String output = "{\"answer\":\"ok\"}";
        private List<String> validationErrors = List.of();
        private String finishReason = "stop";
        private int promptTokens = 40;
        private int completionTokens = 21;
        private Double ttftMs = 100.0;
        private Double e2eMs = 500.0;
        private Double tpotMs = 20.0;
        private Double queueWaitMs = 5.0;
        private Instant startedAt = CREATED_AT.plusSeconds(1);
        private List<String> notes = List.of();
        private EngineTimings engineTimings;
        private List<ChatMessage> messages = List.of();
        private Lineage lineage = LINEAGE;
        private List<AssertionOutcome> assertions = List.of();

        private ResultBuilder(String runId, String promptId) {
            this.runId = runId;
            this.promptId = promptId;
        }

        /** A reply that fails validation: status fail, the reason and the schema errors. */
        public ResultBuilder fail(FailureReason reason, String... errors) {
            this.status = ResultStatus.FAIL;
            this.failureReason = reason.wireName();
            this.validationErrors = Arrays.asList(errors);
            return this;
        }

        /**
         * No usable reply. A timeout keeps its timings (it ran until cancelled); any other error
         * loses them along with its output and tokens.
         */
        public ResultBuilder error(FailureReason reason) {
            this.status = ResultStatus.ERROR;
            this.failureReason = reason.wireName();
            this.validationErrors = List.of();
            if (reason == FailureReason.TIMEOUT) {
                this.finishReason = "timeout";
            } else {
                this.finishReason = "error";
                this.output = null;
                this.completionTokens = 0;
                this.ttftMs = null;
                this.e2eMs = null;
                this.tpotMs = null;
            }
            return this;
        }

        public ResultBuilder status(ResultStatus status) {
            this.status = status;
            return this;
        }

        public ResultBuilder failureReason(String failureReason) {
            this.failureReason = failureReason;
            return this;
        }

        public ResultBuilder workerId(String workerId) {
            this.workerId = workerId;
            return this;
        }

        public ResultBuilder pool(String pool) {
            this.pool = pool;
            return this;
        }

        public ResultBuilder output(String output) {
            this.output = output;
            return this;
        }

        public ResultBuilder validationErrors(String... errors) {
            this.validationErrors = Arrays.asList(errors);
            return this;
        }

        public ResultBuilder finishReason(String finishReason) {
            this.finishReason = finishReason;
            return this;
        }

        public ResultBuilder tokens(int promptTokens, int completionTokens) {
            this.promptTokens = promptTokens;
            this.completionTokens = completionTokens;
            return this;
        }

        public ResultBuilder ttftMs(Double ttftMs) {
            this.ttftMs = ttftMs;
            return this;
        }

        public ResultBuilder e2eMs(Double e2eMs) {
            this.e2eMs = e2eMs;
            return this;
        }

        public ResultBuilder tpotMs(Double tpotMs) {
            this.tpotMs = tpotMs;
            return this;
        }

        public ResultBuilder queueWaitMs(Double queueWaitMs) {
            this.queueWaitMs = queueWaitMs;
            return this;
        }

        public ResultBuilder notes(String... notes) {
            this.notes = Arrays.asList(notes);
            return this;
        }

        public ResultBuilder engineTimings(EngineTimings engineTimings) {
            this.engineTimings = engineTimings;
            return this;
        }

        /** The job's messages, as the worker copies them into the result; none unless given. */
        public ResultBuilder messages(ChatMessage... messages) {
            this.messages = Arrays.asList(messages);
            return this;
        }

        public ResultBuilder startedAt(Instant startedAt) {
            this.startedAt = startedAt;
            return this;
        }

        /** The worker's engine and model load time; null for a rejected job. */
        public ResultBuilder lineage(Lineage lineage) {
            this.lineage = lineage;
            return this;
        }

        /** The outcome of each assertion the reply was checked against, as {@code label} then held or not, in pairs. */
        public ResultBuilder assertions(Object... labelsAndHeld) {
            List<AssertionOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < labelsAndHeld.length; i += 2) {
                outcomes.add(new AssertionOutcome((String) labelsAndHeld[i], (Boolean) labelsAndHeld[i + 1]));
            }
            this.assertions = outcomes;
            return this;
        }

        /** finishedAt is startedAt plus the E2E latency (or startedAt itself without one). */
        public EvalResult build() {
            Instant finishedAt = e2eMs == null || startedAt == null ? startedAt : startedAt.plus(Duration.ofNanos((long) (e2eMs * 1_000_000)));
            return new EvalResult(Messages.SCHEMA_VERSION, runId, promptId, workerId, status, failureReason, output,
                    validationErrors, finishReason, promptTokens, completionTokens, ttftMs, e2eMs, tpotMs, queueWaitMs,
                    startedAt, finishedAt, notes, pool, lineage, engineTimings, messages, assertions);
        }
    }
}
