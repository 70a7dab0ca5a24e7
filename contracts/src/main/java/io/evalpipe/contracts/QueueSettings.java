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
 *                      stops answering without closing its connection (a frozen machine; a killed
 *                      process's jobs come back at once). Workers renew it while they generate. Kafka
 *                      allows 15 s to 60 s by default.
 */
public record QueueSettings(int deliveryLimit, Duration lockDuration) {

    public static final QueueSettings DEFAULT = new QueueSettings(3, Duration.ofSeconds(30));

    public QueueSettings {
        if (deliveryLimit < 2 || deliveryLimit > 10) {
            throw new IllegalArgumentException("the delivery limit must be between 2 and 10 (Kafka's bounds), not " + deliveryLimit);
        }
        if (lockDuration.compareTo(Duration.ofSeconds(15)) < 0 || lockDuration.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("the lock duration must be between 15 s and 60 s (Kafka's default bounds), not "
                    + lockDuration.toSeconds() + " s");
        }
    }
}
