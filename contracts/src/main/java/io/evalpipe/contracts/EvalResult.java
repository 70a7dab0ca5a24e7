package io.evalpipe.contracts;

import io.evalpipe.contracts.assertions.AssertionOutcome;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of one job, with its timings. Latencies are measured on the worker with a monotonic
 * clock and follow vLLM's definitions: TTFT from request start to first token, E2E from request
 * start to last token, TPOT = (E2E - TTFT) / (completionTokens - 1).
 *
 * @param failureReason    null on pass; otherwise one of {@link FailureReason}'s wire names
 * @param validationErrors each schema violation as "pointer: keyword: message", or each failed
 *                         assertion as "pointer: op (name): expected X, actual Y"
 * @param finishReason     {@code stop} (end of sequence or a stop string), {@code length}
 *                         (max tokens reached), {@code timeout} or {@code error}
 * @param ttftMs           null when no token was produced
 * @param tpotMs           null when fewer than two tokens were produced
 * @param queueWaitMs      from the job's enqueue time to the worker picking it up (wall clocks of
 *                         two machines: only as good as their clock sync)
 * @param notes            facts a reader of the verdict should know, e.g. that the JSON was salvaged
 *                         from prose or that a requested grammar could not be applied
 * @param pool             the worker pool that ran the job
 * @param lineage          engine, backend and model that produced it; null for a rejected job
 * @param engineTimings    the engine's own account of the generation (llama-server's {@code
 *                         timings}); null where the engine gives none (in-process llama.cpp)
 * @param messages         the job's messages, copied so that the report (written where only results
 *                         and the manifest arrive) can show what was asked; empty in a result written
 *                         before the field existed, for a job that could not be read, and where the
 *                         result would not fit a record with them (a note then says so)
 * @param assertions       one outcome per assertion of the job, when the reply was schema-valid and so
 *                         checked against them; empty otherwise, and in a result written before the
 *                         field existed
 */
public record EvalResult(
        int schemaVersion,
        String runId,
        String promptId,
        String workerId,
        ResultStatus status,
        String failureReason,
        String output,
        List<String> validationErrors,
        String finishReason,
        int promptTokens,
        int completionTokens,
        Double ttftMs,
        Double e2eMs,
        Double tpotMs,
        Double queueWaitMs,
        Instant startedAt,
        Instant finishedAt,
        List<String> notes,
        String pool,
        Lineage lineage,
        EngineTimings engineTimings,
        List<ChatMessage> messages,
        List<AssertionOutcome> assertions) {

    public EvalResult {
        validationErrors = validationErrors == null ? List.of() : List.copyOf(validationErrors);
        notes = notes == null ? List.of() : List.copyOf(notes);
        messages = messages == null ? List.of() : List.copyOf(messages);
        assertions = assertions == null ? List.of() : List.copyOf(assertions);
    }

    /** A result with its job's messages and no assertion checked (an error, a reply that is not schema-valid, a job without). */
    public EvalResult(int schemaVersion, String runId, String promptId, String workerId, ResultStatus status,
                      String failureReason, String output, List<String> validationErrors, String finishReason,
                      int promptTokens, int completionTokens, Double ttftMs, Double e2eMs, Double tpotMs,
                      Double queueWaitMs, Instant startedAt, Instant finishedAt, List<String> notes, String pool,
                      Lineage lineage, EngineTimings engineTimings, List<ChatMessage> messages) {
        this(schemaVersion, runId, promptId, workerId, status, failureReason, output, validationErrors, finishReason,
                promptTokens, completionTokens, ttftMs, e2eMs, tpotMs, queueWaitMs, startedAt, finishedAt, notes, pool,
                lineage, engineTimings, messages, List.of());
    }

    /** A result without its job's messages: a dead letter whose job could not be read, a benchmark's, a test's. */
    public EvalResult(int schemaVersion, String runId, String promptId, String workerId, ResultStatus status,
                      String failureReason, String output, List<String> validationErrors, String finishReason,
                      int promptTokens, int completionTokens, Double ttftMs, Double e2eMs, Double tpotMs,
                      Double queueWaitMs, Instant startedAt, Instant finishedAt, List<String> notes, String pool,
                      Lineage lineage, EngineTimings engineTimings) {
        this(schemaVersion, runId, promptId, workerId, status, failureReason, output, validationErrors, finishReason,
                promptTokens, completionTokens, ttftMs, e2eMs, tpotMs, queueWaitMs, startedAt, finishedAt, notes, pool,
                lineage, engineTimings, List.of(), List.of());
    }
}
