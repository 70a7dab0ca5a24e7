package io.evalpipe.bench;

import io.evalpipe.worker.engine.Completion;
import io.evalpipe.worker.engine.CompletionRequest;
import io.evalpipe.worker.engine.EngineInfo;
import io.evalpipe.worker.engine.FinishReason;
import io.evalpipe.worker.engine.InferenceEngine;
import io.evalpipe.worker.engine.InferenceException;
import java.time.Duration;

/**
 * An engine that takes a fixed time per job and uses no CPU meanwhile, so that many workers in one
 * process measure the pipeline (Kafka, worker loop, validation) rather than a shared CPU. Its reply
 * is valid against the interview_chat schema, so every job passes.
 */
final class SimulatedEngine implements InferenceEngine {
    static final String REPLY = "{\"reply\": \"Simulated reply.\", \"question_type\": \"technical\", \"follow_up\": false, \"end_interview\": false}";

    private final Duration latency;

    SimulatedEngine(Duration latency) {
        this.latency = latency;
    }

    @Override
    public Completion complete(CompletionRequest request) throws InferenceException {
        long start = System.nanoTime();
        try {
            Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted", e);
        }
        long e2e = System.nanoTime() - start;
        return new Completion(REPLY, 100, 20, FinishReason.STOP, e2e / 2, e2e, false);
    }

    @Override
    public EngineInfo info() {
        return new EngineInfo("simulated", "none", null, 0, 0);
    }

    @Override
    public void close() {
        // nothing to free
    }
}
