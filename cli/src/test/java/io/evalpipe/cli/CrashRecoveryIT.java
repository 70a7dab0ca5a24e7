package io.evalpipe.cli;

import io.evalpipe.launch.Pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.evalpipe.aggregator.AggregatorTopology;
import io.evalpipe.broker.EmbeddedKafkaBroker;
import io.evalpipe.broker.TopicReader;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Slo;
import io.evalpipe.contracts.Topics;
import io.evalpipe.producer.PromptSetReader;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.worker.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four real worker processes (the shaded evalctl jar, real llama.cpp) on a 200-prompt run; two of them
 * are killed with SIGKILL while generating. The run must still end with exactly 200 results, one per
 * prompt, and each killed worker's job in flight must start again on another worker within 30 s.
 */
class CrashRecoveryIT {
    @TempDir
    Path dir;
    @RegisterExtension
    final WorkerProcesses processes = new WorkerProcesses();

    private Process startWorker(String bootstrap, String prefix, String id) throws Exception {
        // A killed consumer's partitions move on only when its session times out (consumer-group mode): keep that short.
        Path clientConfig = dir.resolve("client.properties");
        Files.writeString(clientConfig, "session.timeout.ms=6000\nheartbeat.interval.ms=1000\n");
        // DEBUG: each job's start and publication, for the hand-over times.
        return processes.logTo(dir).worker(id, bootstrap, prefix, Map.of("EVALPIPE_LOG_LEVEL", "DEBUG"),
                "--kafka-config", clientConfig.toString());
    }

    /**
     * The job a killed worker was running: the last one its log says started on the engine without a
     * line saying its result was published (the workers log both at DEBUG).
     */
    private static String jobInFlight(Path log) throws java.io.IOException {
        String running = null;
        for (String line : Files.readAllLines(log)) {
            java.util.regex.Matcher m = JOB_LINE.matcher(line);
            if (m.find()) {
                running = m.group(2) == null ? m.group(1) : null;
            }
        }
        return running;
    }

    private static final java.util.regex.Pattern JOB_LINE =
            java.util.regex.Pattern.compile("Job [^/ ]+/([A-Za-z0-9._-]+)(?: starts on the engine|(: \\w+ published))");

    @Test
    void shouldCompleteWithExactlyOneResultPerPromptWhenTwoOfFourWorkersAreKilled() throws Exception {
        String prefix = "t-" + UUID.randomUUID();
        Topics topics = new Topics(prefix);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Properties kafka = new Properties();
            kafka.put("bootstrap.servers", broker.bootstrapServers());
            Pipeline.ensureTopics(kafka, topics, "default", 6);
            KafkaStreams aggregator = Pipeline.startAggregator(kafka, topics, "agg-" + UUID.randomUUID(),
                    dir.resolve("state"), dir.resolve("reports"), null, null, AggregatorTopology.threadsForCores());
            try (ResultWatcher watcher = new ResultWatcher(kafka, topics)) {
                Process w1 = startWorker(broker.bootstrapServers(), prefix, "w1");
                Process w2 = startWorker(broker.bootstrapServers(), prefix, "w2");
                startWorker(broker.bootstrapServers(), prefix, "w3");
                startWorker(broker.bootstrapServers(), prefix, "w4");

                var prompts = PromptSetReader.read(EndToEndIT.ROOT.resolve("prompts/interview_chat_200.jsonl"));
                // Long enough generations that a kill almost surely lands in the middle of one.
                GenerationParams params = GenerationParams.DEFAULTS.overriddenBy(
                        new GenerationParams(160, null, null, null, null, null, null, null, null));
                String runId = new RunProducer(kafka, topics, Clock.systemUTC())
                        .enqueue("crash-run", prompts, "crash", "default", params, null, null, Slo.NONE).runId();

                watcher.awaitResults(30, Duration.ofMinutes(3));
                java.time.Instant kill1 = java.time.Instant.now();
                w1.destroyForcibly().waitFor();
                watcher.awaitResults(90, Duration.ofMinutes(3));
                java.time.Instant kill2 = java.time.Instant.now();
                w2.destroyForcibly().waitFor();

                RunSummary summary;
                try {
                    summary = watcher.awaitSummary(runId, Duration.ofMinutes(6));
                } catch (ConditionTimeoutException e) {
                    // Say why, so that a stalled run can be told from a slow one.
                    throw new AssertionError("no report: results for " + watcher.distinctPrompts().size() + " of 200 prompts; "
                            + "a survivor's log ends with:\n" + processes.tail("w3", 40), e);
                }
                assertThat(summary.complete()).isTrue();
                assertThat(summary.n()).isEqualTo(200);
                assertThat(summary.missing()).isEmpty();
                var rows = ReportChecks.readCsv(Path.of(summary.reportDir()));
                assertThat(rows).hasSize(200);
                assertThat(new HashSet<>(ReportChecks.column(rows, "prompt_id"))).hasSize(200);
                assertThat(ReportChecks.column(rows, "worker_id")).as("the survivors finished the run").contains("w3", "w4");
                assertThat(watcher.distinctPrompts()).hasSize(200);

                // Each killed worker's job in flight starts again elsewhere soon; at least one kill must have landed
                // mid-job, or the test would prove nothing about jobs in flight.
                int midJob = 0;
                for (var kill : List.of(Map.entry("w1", kill1), Map.entry("w2", kill2))) {
                    String job = jobInFlight(processes.log(kill.getKey()));
                    if (job == null) {
                        System.out.println("CrashRecoveryIT: " + kill.getKey() + " was between jobs when killed");
                        continue;
                    }
                    midJob++;
                    var row = rows.stream().filter(r -> r.get("prompt_id").equals(job)).findFirst().orElseThrow();
                    Duration handOver = Duration.between(kill.getValue(), java.time.Instant.parse(row.get("started_at")));
                    System.out.printf("CrashRecoveryIT: %s killed in job %s, which started again on %s %d ms later%n",
                            kill.getKey(), job, row.get("worker_id"), handOver.toMillis());
                    assertThat(row.get("worker_id")).isNotEqualTo(kill.getKey());
                    assertThat(handOver).as("kill of %s to its job's next start", kill.getKey()).isLessThanOrEqualTo(Duration.ofSeconds(30));
                }
                assertThat(midJob).as("kills that landed in the middle of a job").isPositive();
            } finally {
                aggregator.close(Duration.ofSeconds(30));
            }
        }
    }

    /** Reads results and summaries from the side, as an observer would. */
    private static final class ResultWatcher implements AutoCloseable {
        private final TopicReader reader;
        private final Topics topics;
        private final Set<String> prompts = new HashSet<>();
        private final AtomicInteger received = new AtomicInteger();
        private final AtomicReference<RunSummary> summary = new AtomicReference<>();

        ResultWatcher(Properties kafka, Topics topics) {
            this.topics = topics;
            reader = TopicReader.fromBeginning(kafka, topics.results(), topics.runs());
        }

        private void pollOnce() {
            reader.poll(Duration.ofMillis(200)).forEach(r -> {
                if (r.topic().equals(topics.runs())) {
                    summary.set(Messages.SUMMARY.deserializer().deserialize(null, r.value()));
                } else {
                    prompts.add(Messages.RESULT.deserializer().deserialize(null, r.value()).promptId());
                    received.incrementAndGet();
                }
            });
        }

        void awaitResults(int atLeast, Duration deadline) {
            await().atMost(deadline).pollInSameThread().pollInterval(Duration.ofMillis(50)).until(() -> {
                pollOnce();
                return prompts.size() >= atLeast;
            });
        }

        RunSummary awaitSummary(String runId, Duration deadline) {
            await().atMost(deadline).pollInSameThread().pollInterval(Duration.ofMillis(50)).until(() -> {
                pollOnce();
                return summary.get() != null && summary.get().runId().equals(runId);
            });
            return summary.get();
        }

        Set<String> distinctPrompts() {
            return prompts;
        }

        @Override
        public void close() {
            reader.close();
        }
    }

}
