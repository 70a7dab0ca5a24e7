package io.evalpipe.cli;

import io.evalpipe.broker.EmbeddedKafkaBroker;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Topics;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.worker.Worker;
import io.evalpipe.worker.engine.InferenceEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The one-machine path: broker (embedded unless given), aggregator and workers in this process,
 * one run through them, the report on disk, everything stopped again.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Evaluates a prompt set end to end on this machine and writes its report. Without --bootstrap-servers an embedded Kafka broker is started; without --model a synthetic model is generated.")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    KafkaOptions kafka;

    @Mixin
    GenerationOptions generation;

    @Mixin
    EngineOptions engine;

    @Option(names = "--prompts", required = true, paramLabel = "FILE.jsonl", description = "Prompt set, one JSON prompt per line.")
    Path prompts;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "N",
            description = "Worker instances in this process; they share one loaded model. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--reports", defaultValue = "reports", paramLabel = "DIR", description = "Report folder. Default: ${DEFAULT-VALUE}.")
    Path reports;

    @Option(names = "--suite", description = "Suite name in reports. Default: the prompt file's name.")
    String suite;

    @Option(names = "--pool", defaultValue = "default", description = "Worker pool to run on. Default: ${DEFAULT-VALUE}.")
    String pool;

    @Option(names = "--deadline", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Write the report this long after enqueueing even if prompts are missing (they are listed).")
    Duration deadline;

    @Option(names = {"-v", "--verbose"}, description = "Log what every role does (INFO) instead of only warnings, above the progress bar.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        if (!verbose && System.getenv("EVALPIPE_LOG_LEVEL") == null) {
            // One command, one screen: the progress bar and the summary, not every role's start-up log.
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.evalpipe")).setLevel(ch.qos.logback.classic.Level.WARN);
        }
        if (workers < 1) {
            throw new CliException(ExitCode.USAGE, "--workers must be at least 1");
        }
        // Input first: a bad prompt file or option must fail before anything is started.
        PromptSet set = ProduceCommand.readPrompts(prompts);
        var params = generation.params();
        engine.check(true);
        var validator = engine.validator();
        var mode = engine.validationMode();
        String suiteName = suite != null ? suite : set.name();
        String runId = RunProducer.newRunId(suiteName, Clock.systemUTC().instant());
        PrintStream err = System.err;

        List<AutoCloseable> toClose = new ArrayList<>();
        Path stateDir = Files.createTempDirectory("evalpipe-streams");
        try {
            String servers = kafka.bootstrapServers;
            if (servers == null) {
                err.println("Starting an embedded Kafka broker...");
                EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                toClose.add(0, broker);
                servers = broker.bootstrapServers();
            }
            Properties props = kafka.clientProperties(servers);
            Topics topics = kafka.topics();
            Pipeline.ensureTopics(props, topics, pool, Math.max(8, workers * engine.parallel));

            err.println("Loading model " + (engine.model != null ? engine.model : "(synthetic default)") + "...");
            EngineOptions.Opened opened = engine.open(workers);
            InferenceEngine llm = opened.engine();
            ModelInfo modelInfo = opened.model();
            toClose.add(0, llm);

            KafkaStreams aggregator = Pipeline.startAggregator(props, topics, "evalpipe-run-" + runId, stateDir, reports, null, runId);
            toClose.add(0, () -> aggregator.close(Duration.ofSeconds(30)));
            List<Worker> started = new ArrayList<>();
            for (int i = 1; i <= workers; i++) {
                Worker w = Pipeline.newWorker(props, topics, pool, "local-" + i, engine.parallel, llm, modelInfo.sha256(), validator, mode);
                Pipeline.startThread(w, "worker-" + i);
                started.add(w);
                toClose.add(0, w);
            }

            RunSummary summary;
            try (RunWatcher watcher = new RunWatcher(props, topics)) {
                RunManifest manifest = new RunProducer(props, topics, Clock.systemUTC())
                        .enqueue(runId, set, suiteName, pool, params, modelInfo, deadline);
                err.println("Run " + runId + ": " + manifest.promptCount() + " prompts, " + workers + " worker(s)");
                ProgressBar bar = new ProgressBar(err, manifest.promptCount(), System.console() != null);
                bar.update(0, 0);
                summary = watcher.awaitSummary(runId, bar::update,
                        () -> aggregator.state().isRunningOrRebalancing() && started.stream().noneMatch(Worker::failed));
                bar.finish();
            }
            if (summary == null) {
                throw new CliException(ExitCode.INFRASTRUCTURE, "the run stopped before its report was written (aggregator state "
                        + aggregator.state() + "); see the log above");
            }
            printSummary(summary, modelInfo);
            return ExitCode.OK;
        } finally {
            for (AutoCloseable c : toClose) {
                closeQuietly(c);
            }
            deleteRecursively(stateDir);
        }
    }

    private static void printSummary(RunSummary s, ModelInfo model) {
        PrintStream out = System.out;
        out.printf("Run %s: %d/%d passed (%.1f%%)%s%n", s.runId(), s.passed(), s.n(), 100 * s.passRate(),
                s.complete() ? "" : ", " + s.missing().size() + " missing");
        if (s.e2eP50Ms() != null) {
            out.printf("E2E latency p50 %.1f ms, p95 %.1f ms (N=%d)%n", s.e2eP50Ms(), s.e2eP95Ms(), s.n());
        }
        if (model.synthetic()) {
            out.println("Model is synthetic (random weights): the replies are meaningless; the figures measure the pipeline.");
        }
        out.println("Report: " + s.reportDir());
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("While stopping: {}", e.toString());
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("Could not delete {}: {}", dir, e.toString());
        }
    }
}
