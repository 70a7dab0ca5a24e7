package io.evalpipe.contracts;

/**
 * Every topic name the pipeline uses, in one place. A prefix lets tests (and teams sharing a
 * cluster) run side by side without seeing each other's messages.
 *
 * <pre>
 *   producer --(manifest, jobs)--> {prefix}.manifests, {prefix}.jobs.{pool}
 *   worker   --(results)---------> {prefix}.results      (poison jobs -> {prefix}.dlq;
 *                                                          attempts, on clusters without share groups -> {prefix}.attempts)
 *   aggregator reads manifests + results --(run summaries)--> {prefix}.runs
 *   evalctl approve --(baseline approvals)--> {prefix}.runs
 * </pre>
 */
public record Topics(String prefix) {

    public static final Topics DEFAULT = new Topics("eval");
    public static final String DEFAULT_POOL = "default";

    /** Keyed by run id; one record per run. */
    public String manifests() {
        return prefix + ".manifests";
    }

    /** Keyed by run id, so all of a run's jobs can be spread by prompt but traced by run. */
    public String jobs(String pool) {
        return prefix + ".jobs." + pool;
    }

    /** Keyed by run id, co-partitioned with manifests so the aggregator joins them locally. */
    public String results() {
        return prefix + ".results";
    }

    /**
     * Compacted history of runs: under key {@code <run id>} the {@link RunSummary} the aggregator
     * publishes once a run's report is written; under {@link #approvalKey} the approved baseline
     * of a suite. Compaction keeps the latest of each, so any machine can list runs and find baselines.
     */
    public String runs() {
        return prefix + ".runs";
    }

    public static String approvalKey(String suite) {
        return "approval/" + suite;
    }

    /**
     * The share group (KIP-932) of a pool's workers: each job goes to one of them, however many there
     * are, whatever the partition count. Not the consumer group's name: a group id has one type.
     */
    public String workerQueue(String pool) {
        return prefix + ".queue." + pool;
    }

    /** The consumer group of a pool's workers on a cluster without share groups: they share its partitions. */
    public String workerGroup(String pool) {
        return prefix + ".workers." + pool;
    }

    /**
     * Compacted, keyed by {@code <run id>/<prompt id>}: how often a job has been started on an engine,
     * written before it starts. Used by workers on clusters without share groups to stop a job that
     * keeps ending its worker; share groups count deliveries themselves.
     */
    public String attempts() {
        return prefix + ".attempts";
    }

    /** Jobs that could not be run, with the reason in a header. */
    public String deadLetters() {
        return prefix + ".dlq";
    }
}
