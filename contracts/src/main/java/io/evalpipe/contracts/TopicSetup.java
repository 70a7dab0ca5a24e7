package io.evalpipe.contracts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the pipeline's topics when they are missing. Every role calls it at start, so any of them
 * may come up first; creating an existing topic is not an error.
 */
public final class TopicSetup {

    /**
     * Manifests and results must have the same count: the aggregator joins them by run id. Each
     * partition is one aggregator task; 6 share out evenly over 1, 2, 3 or 6 stream threads.
     * Topics that exist already keep their count.
     */
    public static final int RUN_PARTITIONS = 6;

    private TopicSetup() {}

    /**
     * Partitions of a new job topic for a pool: one where the cluster has share groups, else {@code
     * withoutShareGroups}.
     *
     * <p>Why one: every member of the pool's share group is then assigned that partition, and the broker
     * hands its jobs out one at a time to whichever slot is free. With more, Kafka's share assignor
     * ({@code SimpleAssignor}) gives each partition to as few members as balance allows, one each while
     * there are no more members than partitions, so an idle slot waits while jobs queue in the
     * partitions of a busy one (seen in WorkerIT: two slots, four partitions, one slot idle for a
     * minute). One share partition handed out 71 jobs/s to 8 workers (BENCHMARKS.md), far more than a
     * local model takes. Without share groups a pool's partitions cap how many of its slots work at once.
     */
    public static int jobPartitions(ShareGroups.Support support, int withoutShareGroups) {
        return support.available() ? 1 : withoutShareGroups;
    }

    /**
     * @param jobPartitions partitions of the pool's job topic, if it is missing; {@link #jobPartitions} says how many
     */
    public static void ensureTopics(Admin admin, Topics topics, String pool, int jobPartitions, short replication) {
        List<NewTopic> wanted = new ArrayList<>();
        wanted.add(new NewTopic(topics.manifests(), RUN_PARTITIONS, replication));
        wanted.add(new NewTopic(topics.results(), RUN_PARTITIONS, replication));
        // One summary per run, and later runs are looked up by id: keep only the latest per key.
        wanted.add(new NewTopic(topics.runs(), 1, replication)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        wanted.add(new NewTopic(topics.deadLetters(), 1, replication));
        // Only the latest count per job matters.
        wanted.add(new NewTopic(topics.attempts(), RUN_PARTITIONS, replication)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        if (pool != null) {
            wanted.add(new NewTopic(topics.jobs(pool), jobPartitions, replication));
        }
        create(admin, wanted);
    }

    private static void create(Admin admin, List<NewTopic> wanted) {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
        }
        List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
        if (missing.isEmpty()) {
            return;
        }
        admin.createTopics(missing).values().forEach((name, future) -> {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating " + name, e);
            } catch (ExecutionException e) {
                // Another role created it between our list and our create: that is the goal anyway.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
        });
    }
}
