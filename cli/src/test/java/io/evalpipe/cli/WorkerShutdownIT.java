package io.evalpipe.cli;

import io.evalpipe.launch.Pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.evalpipe.broker.EmbeddedKafkaBroker;
import io.evalpipe.broker.TopicReader;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.Slo;
import io.evalpipe.contracts.Topics;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real worker process in the middle of a generation: it cancels the job, hands it back
 * to the pool's share group at once and exits within 10 s; another worker then runs that job, and
 * every job has exactly one result.
 */
class WorkerShutdownIT {
    private static final Pattern STARTS = Pattern.compile("Job [^/ ]+/([A-Za-z0-9._-]+) starts on the engine");

    @TempDir
    Path dir;
    @RegisterExtension
    final WorkerProcesses processes = new WorkerProcesses();

    private Process startWorker(String bootstrap, String prefix, String id) throws Exception {
        return processes.logTo(dir).worker(id, bootstrap, prefix, Map.of("EVALPIPE_LOG_LEVEL", "DEBUG"));
    }

    @Test
    void shouldHandBackTheJobInHandAndExitWithinTenSecondsOnSigterm() throws Exception {
        String prefix = "t-" + UUID.randomUUID();
        Topics topics = new Topics(prefix);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Properties kafka = new Properties();
            kafka.put("bootstrap.servers", broker.bootstrapServers());
            Pipeline.ensureTopics(kafka, topics, "default", 2);
            Process first = startWorker(broker.bootstrapServers(), prefix, "first");
            // Long replies (the synthetic model never stops by itself), so that the signal lands mid-generation.
            new RunProducer(kafka, topics, Clock.systemUTC()).enqueue("sigterm-run", TestPrompts.set("sigterm", TestPrompts.questions(4)),
                    "sigterm", "default", TestPrompts.maxTokens(1_500), null, null, Slo.NONE);

            await().atMost(Duration.ofMinutes(2)).until(() -> STARTS.matcher(Files.readString(processes.log("first"))).find());
            long t0 = System.nanoTime();
            first.destroy(); // SIGTERM
            assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
            Duration exit = Duration.ofNanos(System.nanoTime() - t0);
            System.out.printf("WorkerShutdownIT: the worker exited %d ms after SIGTERM%n", exit.toMillis());
            assertThat(exit).isLessThanOrEqualTo(Worker.STOP_WITHIN);
            String log = Files.readString(processes.log("first"));
            Matcher m = STARTS.matcher(log);
            String interrupted = null;
            while (m.find()) {
                interrupted = m.group(1);
            }
            assertThat(log).doesNotContain(interrupted + ": ");

            startWorker(broker.bootstrapServers(), prefix, "second");
            List<EvalResult> results = new ArrayList<>();
            try (TopicReader reader = TopicReader.fromBeginning(kafka, topics.results())) {
                await().atMost(Duration.ofMinutes(3)).pollInSameThread().until(() -> {
                    reader.poll(Duration.ofMillis(200)).forEach(r -> results.add(Messages.RESULT.deserializer().deserialize(null, r.value())));
                    return results.size() >= 4;
                });
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).pollInSameThread().until(() -> {
                    reader.poll(Duration.ofMillis(200)).forEach(r -> results.add(Messages.RESULT.deserializer().deserialize(null, r.value())));
                    return results.size() == 4;
                });
            }
            assertThat(results).extracting(EvalResult::promptId).containsExactlyInAnyOrder("q-1", "q-2", "q-3", "q-4");
            String handedBack = interrupted;
            assertThat(results).filteredOn(r -> r.promptId().equals(handedBack)).singleElement()
                    .satisfies(r -> assertThat(r.workerId()).isEqualTo("second"));
        }
    }
}
