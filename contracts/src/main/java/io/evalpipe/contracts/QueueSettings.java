package io.evalpipe.contracts;

import java.time.Duration;

/**
 * How a pool's share group hands out jobs: set by {@code evalctl topics}, and by a worker on a group that
 * has none of its own (see {@link ShareGroups#configure}).
 *
 * @param deliveryLimit {@code share.delivery.count.limit}: a job is delivered at most this often. Every
 *                      delivery but the last runs the job; the last publishes an {@code engine_crash}
 *                      result instead, so a job that ends every worker that takes it costs {@code
 *                      deliveryLimit - 1} workers, not the pool. Kafka allows 2 to 10.
 * @param lockDuration  {@code share.record.lock.duration.ms}: how long a job stays with a worker that
 *                      stops answering without closing its connection (a frozen machine). Workers renew
 *                      it every third of it while they generate. Brokers allow 15 s to 60 s by default
 *                      ({@code group.share.min/max.record.lock.duration.ms}, which can go from 1 s to 1 h).
 */
public record QueueSettings(int deliveryLimit, Duration lockDuration) {

    public static final QueueSettings DEFAULT = new QueueSettings(3, Duration.ofSeconds(30));

    public QueueSettings {
        if (deliveryLimit < 2 || deliveryLimit > 10) {
            throw new IllegalArgumentException("the delivery limit must be between 2 and 10 (Kafka's bounds), not " + deliveryLimit);
        }
        if (lockDuration.compareTo(Duration.ofSeconds(1)) < 0 || lockDuration.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("the lock duration must be between 1 s and 1 h (Kafka's bounds; a broker allows"
                    + " 15-60 s unless configured otherwise), not " + lockDuration.toMillis() + " ms");
        }
    }
}
