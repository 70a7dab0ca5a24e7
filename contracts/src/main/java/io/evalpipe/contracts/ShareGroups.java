package io.evalpipe.contracts;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Share groups (KIP-932, Kafka's queues) as the pipeline uses them for jobs: whether the cluster has
 * them, and the group configuration every pool's queue needs.
 */
public final class ShareGroups {

    static final String OFFSET_RESET = "share.auto.offset.reset";
    static final String ISOLATION = "share.isolation.level";
    static final String RENEW = "share.renew.acknowledge.enable";
    static final String DELIVERY_LIMIT = "share.delivery.count.limit";
    static final String LOCK_DURATION = "share.record.lock.duration.ms";
    private static final long TIMEOUT_SECONDS = 30;

    private ShareGroups() {}

    /** Whether share groups can be used, and why not when they cannot, for the worker's first log line. */
    public record Support(boolean available, String why) {}

    /**
     * Asks the cluster for its {@code share.version} feature: finalized at 1 or more on Kafka 4.2 and later
     * clusters formatted with it (the default), absent on older ones or where an operator turned it off.
     */
    public static Support detect(Admin admin) {
        try {
            FinalizedVersionRange v = admin.describeFeatures().featureMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .finalizedFeatures().get("share.version");
            if (v != null && v.maxVersionLevel() >= 1) {
                return new Support(true, "the cluster has share groups (feature share.version " + v.maxVersionLevel() + ")");
            }
            return new Support(false, "the cluster has no share groups (feature share.version is not enabled: Kafka before 4.2,"
                    + " or turned off)");
        } catch (ExecutionException e) {
            return new Support(false, "the cluster did not say whether it has share groups (" + e.getCause() + ")");
        } catch (TimeoutException e) {
            return new Support(false, "the cluster did not say within " + TIMEOUT_SECONDS + " s whether it has share groups");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the cluster for its features", e);
        }
    }

    /**
     * Gives a pool's share group the configuration the pipeline depends on, and returns the settings in
     * force. Always set, because without them the queue is wrong: jobs enqueued before the group's
     * first worker start are skipped ({@code latest} is Kafka's default), jobs of aborted runs are
     * delivered ({@code read_uncommitted} is), and a long generation loses its job ({@code
     * share.renew.acknowledge.enable}). The delivery limit and lock duration are set when {@code
     * overwrite} (evalctl topics, a local run) or when the group has none of its own, and read back.
     * Kafka accepts group configuration before the group exists, and applies it when it is created.
     */
    public static QueueSettings configure(Admin admin, String group, QueueSettings wanted, boolean overwrite) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        try {
            Config current = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
            Collection<AlterConfigOp> ops = new ArrayList<>(List.of(
                    set(OFFSET_RESET, "earliest"), set(ISOLATION, "read_committed"), set(RENEW, "true")));
            int limit = wanted.deliveryLimit();
            long lockMs = wanted.lockDuration().toMillis();
            if (overwrite || !ownValue(current, DELIVERY_LIMIT)) {
                ops.add(set(DELIVERY_LIMIT, String.valueOf(limit)));
            } else {
                limit = Integer.parseInt(current.get(DELIVERY_LIMIT).value());
            }
            if (overwrite || !ownValue(current, LOCK_DURATION)) {
                ops.add(set(LOCK_DURATION, String.valueOf(lockMs)));
            } else {
                lockMs = Long.parseLong(current.get(LOCK_DURATION).value());
            }
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            awaitVisible(admin, resource, limit, lockMs);
            return new QueueSettings(limit, java.time.Duration.ofMillis(lockMs));
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot configure share group " + group + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot configure share group " + group + " within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while configuring share group " + group, e);
        }
    }

    /**
     * Waits until the broker serves the new configuration. It is committed by the controller when the
     * alter call returns, but a broker applies it a moment later, and a share partition takes its start
     * offset from {@code share.auto.offset.reset} once, when its first member fetches: a worker that
     * started fetching in between would skip every job enqueued before it (seen in tests).
     */
    private static void awaitVisible(Admin admin, ConfigResource resource, int limit, long lockMs)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            Config c = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
            if (is(c, OFFSET_RESET, "earliest") && is(c, ISOLATION, "read_committed") && is(c, RENEW, "true")
                    && is(c, DELIVERY_LIMIT, String.valueOf(limit)) && is(c, LOCK_DURATION, String.valueOf(lockMs))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the broker did not show the configuration of share group " + resource.name()
                        + " within " + TIMEOUT_SECONDS + " s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static boolean is(Config config, String name, String value) {
        ConfigEntry e = config == null ? null : config.get(name);
        return e != null && value.equals(e.value());
    }

    private static boolean ownValue(Config config, String name) {
        ConfigEntry e = config == null ? null : config.get(name);
        return e != null && e.source() == ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG;
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }
}
