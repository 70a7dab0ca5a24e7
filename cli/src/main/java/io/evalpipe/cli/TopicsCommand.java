package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.DurationConverter;
import io.evalpipe.launch.KafkaOptions;
import io.evalpipe.launch.CliException;
import io.evalpipe.launch.Pipeline;

import io.evalpipe.contracts.QueueSettings;
import io.evalpipe.contracts.ShareGroups;
import io.evalpipe.contracts.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "topics", mixinStandardHelpOptions = true,
        description = {"Creates the pipeline's topics and a job topic for each pool, configures each pool's share group, then prints"
                + " every topic's partition count.",
                "Run it once before the workers start. With share groups a job topic has one partition, which every worker of the"
                        + " pool shares; without them its partitions cap how many worker slots can work at once."})
final class TopicsCommand implements Callable<Integer> {
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--partitions", defaultValue = "8", paramLabel = "N",
            description = "Job partitions per pool on a cluster without share groups: at least the sum of --parallel over the pool's"
                    + " workers, or some slots stay idle. With share groups a job topic gets one. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--pool", paramLabel = "P", defaultValue = "default",
            description = "Worker pool whose job topic to create; repeatable. Default: ${DEFAULT-VALUE}.")
    List<String> pools = new ArrayList<>();

    @Option(names = "--delivery-limit", defaultValue = "3", paramLabel = "N",
            description = "Share groups: deliveries of a job before it is reported engine_crash instead of run again (2-10)."
                    + " Each pool's workers then survive N-1 deaths from one job. Default: ${DEFAULT-VALUE}.")
    int deliveryLimit;

    @Option(names = "--lock-duration", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Share groups: how long a worker that stops answering keeps its jobs (15s-60s); workers renew it while"
                    + " they generate. Default: ${DEFAULT-VALUE}.")
    Duration lockDuration;

    @Override
    public Integer call() {
        if (partitions < 1) {
            throw new CliException(ExitCode.USAGE, "--partitions must be at least 1");
        }
        QueueSettings queue;
        try {
            queue = new QueueSettings(deliveryLimit, lockDuration);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        kafka.check(null);
        pools.forEach(kafka::check);
        Properties props = kafka.clientProperties(kafka.requireBootstrapServers());
        Topics topics = kafka.topics();
        Pipeline.ensureTopics(props, topics, null, 0);
        for (String pool : pools) {
            Pipeline.ensureTopics(props, topics, pool, partitions);
        }
        boolean share = configureQueues(props, topics, queue);
        List<String> names = new ArrayList<>(List.of(topics.manifests(), topics.results(), topics.runs(), topics.deadLetters(),
                topics.attempts()));
        pools.forEach(pool -> names.add(topics.jobs(pool)));
        Map<String, TopicDescription> described = describe(props, names);
        for (String name : names) {
            int count = described.get(name).partitions().size();
            System.out.println(name + " " + count);
            // An existing topic keeps its count: say so rather than let workers sit idle unnoticed.
            boolean jobTopic = pools.stream().map(topics::jobs).anyMatch(name::equals);
            if (jobTopic && share && count > 1) {
                System.err.println("evalctl: " + name + " has " + count + " partitions: in a share group Kafka gives each of them to only"
                        + " some of the pool's workers, so a worker can idle while jobs wait in a busy one's; delete it while no run is in"
                        + " flight and run evalctl topics again to get one partition");
            } else if (jobTopic && !share && count < partitions) {
                System.err.println("evalctl: " + name + " already exists with " + count + " partitions, fewer than " + partitions
                        + "; grow it with kafka-topics.sh --alter --topic " + name + " --partitions " + partitions);
            }
        }
        return ExitCode.OK;
    }

    /**
     * Each pool's share group gets its settings, where the cluster has share groups; says which way the workers will go.
     *
     * @return whether the cluster has share groups
     */
    private boolean configureQueues(Properties props, Topics topics, QueueSettings queue) {
        try (Admin admin = Admin.create(props)) {
            ShareGroups.Support support = ShareGroups.detect(admin);
            if (!support.available()) {
                System.out.println("queue: consumer groups, because " + support.why());
                return false;
            }
            for (String pool : pools) {
                QueueSettings set = ShareGroups.configure(admin, topics.workerQueue(pool), queue, true);
                System.out.println("queue: share group " + topics.workerQueue(pool) + ", delivery limit " + set.deliveryLimit()
                        + ", lock " + set.lockDuration().toSeconds() + " s");
            }
            return true;
        } catch (IllegalStateException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, e.getMessage(), e);
        }
    }

    private static Map<String, TopicDescription> describe(Properties props, List<String> names) {
        long deadline = System.nanoTime() + DESCRIBE_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    return admin.describeTopics(names).allTopicNames().get();
                } catch (ExecutionException e) {
                    // A topic created a moment ago is not in every broker's metadata yet.
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw new CliException(ExitCode.INFRASTRUCTURE, "cannot describe topics: " + e.getCause().getMessage(), e.getCause());
                    }
                    TimeUnit.MILLISECONDS.sleep(200);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INFRASTRUCTURE, "interrupted");
        }
    }
}
