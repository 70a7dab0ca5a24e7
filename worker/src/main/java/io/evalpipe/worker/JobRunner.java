package io.evalpipe.worker;

import io.evalpipe.contracts.EngineTimings;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.FailureReason;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.Lineage;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.assertions.AssertionCheck;
import io.evalpipe.contracts.assertions.AssertionOutcome;
import io.evalpipe.worker.engine.Completion;
import io.evalpipe.worker.engine.CompletionRequest;
import io.evalpipe.worker.engine.EngineCrashException;
import io.evalpipe.worker.engine.EngineUnavailableException;
import io.evalpipe.worker.engine.FinishReason;
import io.evalpipe.worker.engine.InferenceEngine;
import io.evalpipe.worker.engine.InferenceException;
import io.evalpipe.worker.validate.ReplyValidator;
import io.evalpipe.worker.validate.Validation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job through the engine and judges the reply. Knows nothing of Kafka, so the verdict
 * rules can be tested with a fake engine.
 *
 * <p>Verdicts: {@code pass} when the reply validates against the schema and every assertion of the
 * job holds; {@code fail} when there is a reply that does not validate (reason {@code truncated} if
 * max tokens cut it, else {@code invalid_json} or {@code schema_violation}) or that validates but
 * fails an assertion ({@code assertion_failed}); {@code error} when there is no usable reply ({@code timeout},
 * {@code empty}, {@code engine_error}, {@code engine_crash} when the engine's process ended during the
 * job). An engine that cannot be reached at all is not a verdict on the job: {@link
 * EngineUnavailableException} goes to the caller, which hands the job back to be run later.
 *
 * <p>Assertions are checked only on a schema-valid reply: one that is not keeps its schema reason,
 * and its result records no assertion outcome, so that an assertion's pass rate in the report is
 * over the replies it could be judged on (the report states that N).
 */
public final class JobRunner {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final double NANOS_PER_MS = 1_000_000.0;
    /** An engine_crash result carries this many of the engine's last log lines, each cut to {@link #LOG_LINE_CHARS}. */
    static final int CRASH_LOG_LINES = 12;
    static final int LOG_LINE_CHARS = 300;

    private final InferenceEngine engine;
    private final ReplyValidator validator;
    private final ReplyValidator.Mode validationMode;
    private final String workerId;
    private final String pool;
    private final Lineage lineage;
    private final Clock clock;

    public JobRunner(InferenceEngine engine, ReplyValidator validator, ReplyValidator.Mode validationMode,
                     String workerId, String pool, Lineage lineage, Clock clock) {
        this.engine = engine;
        this.validator = validator;
        this.validationMode = validationMode;
        this.workerId = workerId;
        this.pool = pool;
        this.lineage = lineage;
        this.clock = clock;
    }

    /** @throws EngineUnavailableException when the engine cannot be reached: the job is to be run again later */
    public EvalResult run(Job job) throws EngineUnavailableException {
        Instant startedAt = clock.instant();
        Double queueWaitMs = job.enqueuedAt() == null ? null
                : (double) Math.max(0, Duration.between(job.enqueuedAt(), startedAt).toMillis());
        GenerationParams params = GenerationParams.DEFAULTS.overriddenBy(job.params());
        CompletionRequest request = new CompletionRequest(job.messages(), params, schemaFor(params.outputMode()));
        long start = System.nanoTime();
        Completion completion;
        try {
            completion = engine.complete(request);
        } catch (EngineUnavailableException e) {
            throw e;
        } catch (EngineCrashException e) {
            double e2eMs = (System.nanoTime() - start) / NANOS_PER_MS;
            log.warn("Job {}/{}: the engine ended while running it: {}", job.runId(), job.promptId(), e.getMessage());
            return result(job, startedAt, queueWaitMs, ResultStatus.ERROR, FailureReason.ENGINE_CRASH, "",
                    List.of(e.getMessage()), crashNotes(e.lastLogLines()), "error", 0, 0, null, e2eMs, null, null);
        } catch (InferenceException | RuntimeException e) {
            double e2eMs = (System.nanoTime() - start) / NANOS_PER_MS;
            if (Thread.currentThread().isInterrupted()) { // the worker stops: the job is handed back, not failed
                log.info("Job {}/{} cancelled: the worker is stopping", job.runId(), job.promptId());
            } else {
                log.warn("Job {}/{} failed in the engine: {}", job.runId(), job.promptId(), e.getMessage());
            }
            return result(job, startedAt, queueWaitMs, ResultStatus.ERROR, FailureReason.ENGINE_ERROR, "",
                    List.of(String.valueOf(e.getMessage())), List.of(), "error", 0, 0, null, e2eMs, null, null);
        }
        return judge(job, startedAt, queueWaitMs, completion);
    }

    /** The engine's last words, newest last: what a reader of the report needs to see why it ended. */
    static List<String> crashNotes(List<String> lastLogLines) {
        List<String> notes = new ArrayList<>();
        notes.add("the engine's last log lines before it ended:");
        lastLogLines.subList(Math.max(0, lastLogLines.size() - CRASH_LOG_LINES), lastLogLines.size()).forEach(line ->
                notes.add(line.length() <= LOG_LINE_CHARS ? line : line.substring(0, LOG_LINE_CHARS) + "..."));
        return notes;
    }

    private String schemaFor(String outputMode) {
        return switch (outputMode) {
            case "schema" -> validator.schemaText();
            // Any JSON object: the grammar keeps the reply parseable without imposing the schema.
            case "json" -> "{\"type\": \"object\"}";
            default -> null;
        };
    }

    private EvalResult judge(Job job, Instant startedAt, Double queueWaitMs, Completion c) {
        Double ttftMs = c.ttftNanos() == null ? null : c.ttftNanos() / NANOS_PER_MS;
        double e2eMs = c.e2eNanos() / NANOS_PER_MS;
        // vLLM's TPOT: the decode time spread over every token after the first.
        Double tpotMs = ttftMs != null && c.completionTokens() > 1 ? (e2eMs - ttftMs) / (c.completionTokens() - 1) : null;
        String finish = c.finishReason().wireName();
        List<String> notes = new ArrayList<>();
        String mode = GenerationParams.DEFAULTS.overriddenBy(job.params()).outputMode();
        if (!"free".equals(mode) && !c.grammarApplied()) {
            notes.add("output_mode " + mode + " requested but no grammar was applied");
        }

        ResultStatus status;
        FailureReason reason;
        List<String> errors = List.of();
        List<AssertionOutcome> outcomes = List.of();
        if (c.finishReason() == FinishReason.TIMEOUT) {
            status = ResultStatus.ERROR;
            reason = FailureReason.TIMEOUT;
        } else if (c.text() == null || c.text().isBlank()) {
            status = ResultStatus.ERROR;
            reason = FailureReason.EMPTY;
        } else {
            Validation v = validator.validate(c.text(), validationMode);
            errors = v.errors();
            if (v.valid()) {
                AssertionCheck.Verdict checked = AssertionCheck.check(job.assertions(), c.text(), v.json());
                outcomes = checked.outcomes();
                errors = checked.failures();
                status = checked.allHeld() ? ResultStatus.PASS : ResultStatus.FAIL;
                reason = checked.allHeld() ? null : FailureReason.ASSERTION_FAILED;
                if (!checked.allHeld()) {
                    log.debug("Job {}/{}: {} of {} assertions failed", job.runId(), job.promptId(), errors.size(), outcomes.size());
                }
            } else {
                status = ResultStatus.FAIL;
                reason = c.finishReason() == FinishReason.LENGTH ? FailureReason.TRUNCATED : v.reason();
            }
            if (v.salvaged()) {
                notes.add("JSON salvaged from surrounding text");
            }
        }
        return result(job, startedAt, queueWaitMs, status, reason, c.text(), errors, notes, finish,
                c.promptTokens(), c.completionTokens(), ttftMs, e2eMs, tpotMs, c.engineTimings(), outcomes);
    }

    private EvalResult result(Job job, Instant startedAt, Double queueWaitMs, ResultStatus status, FailureReason reason,
                              String output, List<String> errors, List<String> notes, String finish, int promptTokens, int completionTokens,
                              Double ttftMs, Double e2eMs, Double tpotMs, EngineTimings engineTimings) {
        return result(job, startedAt, queueWaitMs, status, reason, output, errors, notes, finish, promptTokens, completionTokens,
                ttftMs, e2eMs, tpotMs, engineTimings, List.of());
    }

    private EvalResult result(Job job, Instant startedAt, Double queueWaitMs, ResultStatus status, FailureReason reason,
                              String output, List<String> errors, List<String> notes, String finish, int promptTokens, int completionTokens,
                              Double ttftMs, Double e2eMs, Double tpotMs, EngineTimings engineTimings, List<AssertionOutcome> outcomes) {
        return new EvalResult(Messages.SCHEMA_VERSION, job.runId(), job.promptId(), workerId, status,
                reason == null ? null : reason.wireName(), output, errors, finish, promptTokens, completionTokens,
                ttftMs, e2eMs, tpotMs, queueWaitMs, startedAt, clock.instant(), notes, pool, lineage, engineTimings,
                job.messages(), outcomes);
    }
}
