package io.evalpipe.cli;

import io.evalpipe.launch.Pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.evalpipe.broker.EmbeddedKafkaBroker;
import io.evalpipe.broker.TopicReader;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Slo;
import io.evalpipe.contracts.TopicSetup;
import io.evalpipe.contracts.Topics;
import io.evalpipe.producer.Prompt;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.worker.TestModels;
import io.evalpipe.worker.Worker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A job that ends every worker process that runs it (as a native abort does), in real worker processes
 * on real llama.cpp: it may cost at most two workers, then it is reported as {@code engine_crash}, and
 * the rest of the run completes. In both queue modes: the share group counts deliveries; on a
 * consumer group the attempts topic counts starts.
 */
class PoisonJobIT {
    private static final String POISON = "POISON-PILL";

    @TempDir
    Path dir;
    @RegisterExtension
    final WorkerProcesses processes = new WorkerProcesses();

    private Process startWorker(String bootstrap, String prefix, String id, Worker.Mode mode) throws Exception {
        return processes.logTo(dir).main(id, HaltingWorker.class, bootstrap, prefix, id, POISON, mode.name());
    }

    @ParameterizedTest
    @EnumSource(value = Worker.Mode.class, names = {"SHARE", "CLASSIC"})
    void shouldCostAtMostTwoWorkersThenReportThePoisonJobAndFinishTheRun(Worker.Mode mode) throws Exception {
        TestModels.tiny(); // written once, before three processes want it
        String prefix = "t-" + UUID.randomUUID();
        Topics topics = new Topics(prefix);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Properties kafka = new Properties();
            kafka.put("bootstrap.servers", broker.bootstrapServers());
            if (mode == Worker.Mode.CLASSIC) {
                // A consumer group on this share-group broker: give it the partitions a cluster without share groups would.
                try (Admin admin = Admin.create(kafka)) {
                    TopicSetup.ensureTopics(admin, topics, "default", 2, (short) 1);
                }
            } else {
                Pipeline.ensureTopics(kafka, topics, "default", 2);
            }
            KafkaStreams aggregator = Pipeline.startAggregator(kafka, topics, "agg-" + UUID.randomUUID(),
                    dir.resolve("state"), dir.resolve("reports"), null, null, 1);
            try {
                for (int i = 1; i <= 3; i++) {
                    startWorker(broker.bootstrapServers(), prefix, "w" + i, mode);
                }
                List<Prompt> prompts = new ArrayList<>(TestPrompts.questions(11));
                prompts.add(5, new Prompt("poison", List.of(new ChatMessage("user", "Please say " + POISON)), null));
                String runId = new RunProducer(kafka, topics, Clock.systemUTC())
                        .enqueue("poison-run", TestPrompts.set("poison", prompts), "poison", "default", TestPrompts.maxTokens(16), null, null,
                                Slo.NONE).runId();

                RunSummary summary = awaitSummary(kafka, topics, runId);
                assertThat(summary.complete()).isTrue();
                assertThat(summary.n()).isEqualTo(12);
                Map<String, String> reasons = new HashMap<>();
                ReportChecks.readCsv(Path.of(summary.reportDir())).forEach(r -> reasons.put(r.get("prompt_id"), r.get("failure_reason")));
                assertThat(reasons).hasSize(12).containsEntry("poison", "engine_crash");
                assertThat(reasons.entrySet().stream().filter(e -> !e.getKey().equals("poison")).toList())
                        .allSatisfy(e -> assertThat(e.getValue()).isNotIn("engine_crash", "engine_error"));
                List<Process> workers = processes.started();
                long died = workers.stream().filter(p -> !p.isAlive()).count();
                assertThat(died).as("worker processes the poison job ended").isBetween(1L, 2L);
                assertThat(workers.stream().filter(p -> !p.isAlive())).allSatisfy(p -> assertThat(p.exitValue()).isEqualTo(134));
            } finally {
                aggregator.close(Duration.ofSeconds(30));
            }
        }
    }

    private RunSummary awaitSummary(Properties kafka, Topics topics, String runId) throws Exception {
        AtomicReference<RunSummary> found = new AtomicReference<>();
        try (TopicReader reader = TopicReader.fromBeginning(kafka, topics.runs())) {
            await().atMost(Duration.ofMinutes(3)).pollInSameThread().until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(r -> {
                    RunSummary s = Messages.SUMMARY.deserializer().deserialize(null, r.value());
                    if (s != null && runId.equals(s.runId())) {
                        found.set(s);
                    }
                });
                if (found.get() == null && processes.started().stream().noneMatch(Process::isAlive)) {
                    throw new AssertionError("every worker died; w3's log:\n" + processes.tail("w3", 40));
                }
                return found.get() != null;
            });
        }
        return found.get();
    }
}
