package io.evalpipe.aggregator;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Kafka Streams' start and end as events rather than states to poll: a state listener, set before
 * {@code start()} (Kafka Streams takes one only then), completes {@link #running} when the application
 * first reaches RUNNING and {@link #stopped} when it reaches NOT_RUNNING or ERROR.
 */
public final class StreamsLifecycle implements KafkaStreams.StateListener {
    private final CompletableFuture<Void> running = new CompletableFuture<>();
    private final CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();

    /** Sets this as the listener and starts the streams. */
    public StreamsLifecycle start(KafkaStreams streams) {
        streams.setStateListener(this);
        streams.start();
        return this;
    }

    @Override
    public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        if (newState == KafkaStreams.State.RUNNING) {
            running.complete(null);
        } else if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
            stopped.complete(newState);
            running.completeExceptionally(new IllegalStateException("stopped (" + newState + ") before it ran"));
        }
    }

    /**
     * @return true once RUNNING; false when it stopped first or is not running within {@code timeout}
     */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        try {
            running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Waits until the streams have stopped; returns NOT_RUNNING or ERROR. */
    public KafkaStreams.State awaitStopped() throws InterruptedException {
        try {
            return stopped.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
