package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.evalpipe.report.compare.CompareOutput;
import io.evalpipe.broker.EmbeddedKafkaBroker;
import io.evalpipe.contracts.Topics;
import io.evalpipe.scheduler.Alerts;
import io.evalpipe.scheduler.CronSchedule;
import io.evalpipe.scheduler.LogAlerts;
import io.evalpipe.scheduler.RegressionJob;
import io.evalpipe.scheduler.RegressionOutcome;
import io.evalpipe.scheduler.Scheduler;
import io.evalpipe.scheduler.Suite;
import io.evalpipe.scheduler.SuiteFile;
import io.evalpipe.scheduler.Ticker;
import io.evalpipe.worker.TestModels;
import io.evalpipe.worker.Worker;
import io.evalpipe.worker.validate.ReplyValidator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly job, two nights in a minute: a real broker, the aggregator and one llama.cpp worker
 * in-process, and a scheduler whose clock and ticker the test drives. The first night has no
 * baseline; it is approved with `evalctl approve`; the second night is compared with it.
 */
class ScheduleIT {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void shouldCompareTheSecondScheduledRunWithTheApprovedFirstAndListBoth() throws Exception {
        Topics topics = new Topics("t-" + UUID.randomUUID());
        Path reports = Files.createDirectories(dir.resolve("reports"));
        Suite suite = SuiteFile.read(writeSuite());
        ReplyValidator validator = ReplyValidator.fromFile(Path.of(System.getProperty("evalpipe.root", ".."))
                .resolve("schemas/interview_chat.schema.json"));

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Properties kafka = new Properties();
            kafka.put("bootstrap.servers", broker.bootstrapServers());
            InProcessPipeline.ensureTopics(kafka, topics, suite.pool(), 2);
            KafkaStreams aggregator = InProcessPipeline.startAggregator(kafka, topics, "agg-" + UUID.randomUUID(),
                    Files.createDirectories(dir.resolve("state")), reports);
            Worker worker = InProcessPipeline.startWorker(kafka, topics, suite.pool(), "w1", TestModels.tinyEngine(), validator);
            ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));
            ManualTicker ticker = new ManualTicker(clock);
            RecordingAlerts alerts = new RecordingAlerts();
            RegressionJob job = new RegressionJob(suite, kafka, topics, clock, null, alerts, RUN_TIMEOUT);
            Scheduler scheduler = new Scheduler(suite.name(), CronSchedule.parse("0 2 * * *", ZoneOffset.UTC), clock, ticker, job);
            Thread service = new Thread(scheduler, "scheduler");
            service.start();
            try {
                ticker.fire();
                RegressionOutcome first = alerts.awaitOutcome(1);
                assertThat(first.status()).as("first night: %s", first.details()).isEqualTo(RegressionOutcome.Status.NO_BASELINE);
                assertThat(first.run().n()).isEqualTo(4);
                assertThat(first.runId()).startsWith("sched-20261124-020000-");

                String[] where = {"--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", topics.prefix()};
                assertThat(evalctl(cat("approve", first.runId(), "--by", "tester"), where)).isEqualTo(ExitCode.OK);

                ticker.fire();
                RegressionOutcome second = alerts.awaitOutcome(2);
                assertThat(second.status()).as("second night: %s", second.details())
                        .isIn(RegressionOutcome.Status.PASSED, RegressionOutcome.Status.GATE_FAILED);
                assertThat(second.baseline().runId()).isEqualTo(first.runId());
                assertThat(second.baseline().approvedBy()).isEqualTo("tester");
                Path runDir = Path.of(second.run().reportDir());
                assertThat(second.comparison()).isEqualTo(runDir.resolve(CompareOutput.MARKDOWN));
                assertThat(Files.readString(second.comparison())).contains("# Comparison: " + second.runId() + " vs baseline " + first.runId());
                assertThat(runDir.resolve(CompareOutput.JUNIT)).exists();
                assertThat(second.details()).anySatisfy(d -> assertThat(d).startsWith("goodput (pass within E2E ≤ 15000 ms, TTFT ≤ 2000 ms)"));
                assertThat(ticker.requested).startsWith(Instant.parse("2026-11-24T02:00:00Z"), Instant.parse("2026-11-25T02:00:00Z"));

                List<String> table = runsTable(where);
                assertThat(table).anySatisfy(line -> assertThat(line).startsWith("*").contains(first.runId()));
                assertThat(table).anySatisfy(line -> assertThat(line).doesNotStartWith("*").contains(second.runId()).contains("(N=4)"));
            } finally {
                scheduler.stop();
                await().atMost(Duration.ofSeconds(30)).until(() -> !service.isAlive());
                worker.close();
                aggregator.close(Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void shouldRefuseToApproveAnUnknownRunWithExitTwo() {
        Topics topics = new Topics("t-" + UUID.randomUUID());
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            StringWriter err = new StringWriter();

            int code = EvalCtl.execute(new PrintWriter(err, true), "approve", "no-such-run",
                    "--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", topics.prefix());

            assertThat(code).isEqualTo(ExitCode.USAGE);
            assertThat(err.toString()).contains("unknown run id 'no-such-run'");
        }
    }

    /** Four short prompts and 16 tokens: the pipeline is under test, not the model. */
    private Path writeSuite() throws Exception {
        StringBuilder prompts = new StringBuilder();
        for (int i = 1; i <= 4; i++) {
            prompts.append("{\"id\": \"P-").append(i).append("\", \"messages\": [{\"role\": \"user\", \"content\": \"Question ")
                    .append(i).append(": what is your name?\"}]}\n");
        }
        Files.writeString(dir.resolve("four.jsonl"), prompts);
        return Files.writeString(dir.resolve("sched.yaml"), """
                name: sched
                prompts: four.jsonl
                pool: sched
                params: {max_tokens: 16, temperature: 0}
                slo: {e2e: 15s, ttft: 2s}
                gates: {max_pass_rate_drop: 0.02, max_p95_increase: 20%}
                """);
    }

    private static String[] cat(String... a) {
        return a;
    }

    private static int evalctl(String[] args, String[] where) {
        StringWriter err = new StringWriter();
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(where)).toArray(String[]::new);
        int code = EvalCtl.execute(new PrintWriter(err, true), all);
        assertThat(err.toString()).as("stderr of %s", String.join(" ", all)).doesNotContain("unexpected error");
        return code;
    }

    /** `evalctl runs`, its table as lines. */
    private static List<String> runsTable(String[] where) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(evalctl(cat("runs", "--suite", "sched"), where)).isEqualTo(ExitCode.OK);
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** A clock that only moves when the ticker says a fire time has come. */
    static final class ManualClock extends Clock {
        private final AtomicReference<Instant> now;

        ManualClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void set(Instant instant) {
            now.set(instant);
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Fires when the test says so, and moves the clock to the fire time the scheduler asked for. */
    static final class ManualTicker implements Ticker {
        final List<Instant> requested = new CopyOnWriteArrayList<>();
        private final BlockingQueue<Boolean> permits = new LinkedBlockingQueue<>();
        private final ManualClock clock;

        ManualTicker(ManualClock clock) {
            this.clock = clock;
        }

        void fire() {
            permits.add(true);
        }

        @Override
        public boolean awaitUntil(Instant at) throws InterruptedException {
            requested.add(at);
            boolean fire = permits.take();
            if (fire) {
                clock.set(at);
            }
            return fire;
        }

        @Override
        public void stop() {
            permits.add(false);
        }
    }

    /** Keeps every outcome, and logs it as the service would. */
    static final class RecordingAlerts implements Alerts {
        final List<RegressionOutcome> outcomes = new CopyOnWriteArrayList<>();
        private final LogAlerts log = new LogAlerts();

        @Override
        public void report(RegressionOutcome outcome) {
            log.report(outcome);
            outcomes.add(outcome);
        }

        RegressionOutcome awaitOutcome(int nth) {
            await().atMost(RUN_TIMEOUT.plusSeconds(30)).until(() -> outcomes.size() >= nth);
            return outcomes.get(nth - 1);
        }
    }
}
