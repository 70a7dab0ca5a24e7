package io.evalpipe.worker;

import io.evalpipe.worker.engine.Completion;
import io.evalpipe.worker.engine.CompletionRequest;
import io.evalpipe.worker.engine.EngineInfo;
import io.evalpipe.worker.engine.FinishReason;
import io.evalpipe.worker.engine.InferenceEngine;
import io.evalpipe.worker.engine.InferenceException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted engine for tests of the worker's own logic (never for end-to-end proof). Replies come
 * from a function of the request; {@link #hold()} makes every call wait until released, so tests can
 * observe jobs in flight without timing guesses.
 */
public final class FakeEngine implements InferenceEngine {
    /** What the engine does with a request: a completion, or a failure as a real engine would throw it. */
    public interface Script {
        Completion apply(CompletionRequest request) throws InferenceException;
    }

    private final Script script;
    private final List<CompletionRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    public FakeEngine(Script script) {
        this.script = script;
    }

    /** Every call returns this text: 10 ms to first token, 50 ms in all, 5 completion tokens. */
    public static FakeEngine replying(String text) {
        return new FakeEngine(r -> completion(text, FinishReason.STOP));
    }

    public static Completion completion(String text, FinishReason finish) {
        return new Completion(text, 12, 5, finish, 10_000_000L, 50_000_000L, false);
    }

    public FakeEngine hold() {
        gate = new CountDownLatch(1);
        return this;
    }

    public void release() {
        gate.countDown();
    }

    public int running() {
        return running.get();
    }

    public int maxRunning() {
        return maxRunning.get();
    }

    public List<CompletionRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public Completion complete(CompletionRequest request) throws InferenceException {
        requests.add(request);
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            if (!gate.await(60, TimeUnit.SECONDS)) {
                throw new InferenceException("fake engine held for over 60 s");
            }
            return script.apply(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted", e);
        } finally {
            running.decrementAndGet();
        }
    }

    @Override
    public EngineInfo info() {
        return new EngineInfo("fake", "none", null, 0, 0);
    }

    @Override
    public void close() {}
}
