package io.evalpipe.worker;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides which offsets are safe to commit when jobs finish out of order. An offset is committed
 * only once every job before it on its partition has published its result, so a crash never skips
 * an unfinished job (it may redo a finished one; the aggregator keeps one result per prompt).
 *
 * <p>Used by the consumer thread only; not thread-safe.
 */
final class OffsetTracker {
    private final Map<TopicPartition, TreeSet<Long>> inFlight = new HashMap<>();
    private final Map<TopicPartition, Long> highestDone = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    void started(TopicPartition partition, long offset) {
        inFlight.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
    }

    void done(TopicPartition partition, long offset) {
        TreeSet<Long> running = inFlight.get(partition);
        if (running == null || !running.remove(offset)) {
            return; // the partition was revoked meanwhile: its new owner decides
        }
        highestDone.merge(partition, offset, Math::max);
    }

    /**
     * A job handed back unfinished: it stays in flight, so that no offset after it is committed and the
     * partition's next owner runs it.
     */
    void abandoned(TopicPartition partition, long offset) {
        // Nothing to change: its offset stays the lowest one still running.
    }

    int inFlightCount() {
        return inFlight.values().stream().mapToInt(TreeSet::size).sum();
    }

    /** Offsets to commit now (the next offset to read, per Kafka's convention), and marks them committed. */
    Map<TopicPartition, OffsetAndMetadata> takeCommittable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (var entry : highestDone.entrySet()) {
            TopicPartition partition = entry.getKey();
            TreeSet<Long> running = inFlight.getOrDefault(partition, new TreeSet<>());
            long next = running.isEmpty() ? entry.getValue() + 1 : running.first();
            Long last = committed.get(partition);
            if (last == null || next > last) {
                out.put(partition, new OffsetAndMetadata(next));
                committed.put(partition, next);
            }
        }
        return out;
    }

    /** Forgets a revoked partition: its jobs in flight finish, but their offsets are no longer ours. */
    void forget(TopicPartition partition) {
        inFlight.remove(partition);
        highestDone.remove(partition);
        committed.remove(partition);
    }
}
