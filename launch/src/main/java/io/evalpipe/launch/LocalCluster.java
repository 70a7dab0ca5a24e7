package io.evalpipe.launch;

import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Slo;
import io.evalpipe.contracts.Topics;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.worker.Worker;
import io.evalpipe.worker.engine.InferenceEngine;
import io.evalpipe.worker.validate.ReplyValidator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-machine pipeline of `run` and `sweep`: a broker (embedded unless one is given), one
 * loaded model, workers sharing it in this process, and for each run a private aggregator that
 * reports that run only. Closing stops everything in the reverse order it started.
 */
public final class LocalCluster implements AutoCloseable {
    /** What asks for the embedded broker, in the line a build without one answers with. */
    private static final String NEEDS_BROKER = "a one-machine run (no --bootstrap-servers)";
    private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final Thread shutdownHook = new Thread(this::close, "local-cluster-shutdown");
    private final List<Worker> workers = new ArrayList<>();
    private final Path stateDir;
    private final String pool;
    private final PrintStream err;
    private Properties props;
    private Topics topics;
    /** Whether the broker is this process's own: its data goes with it, so nothing on it needs deleting. */
    private boolean embedded;
    private ModelInfo model;
    private String bootstrapServers;

    /**
     * Where a run's jobs go and what serves them: this cluster's own workers ({@link #ownWorkers}), or
     * a worker elsewhere on a pool of its own.
     *
     * @param model   the model the manifest names, as the reports will
     * @param workers how many workers serve the pool, for the progress line
     * @param serving checked while the run is awaited: false gives up on it (a worker stopped)
     */
    public record Target(String pool, ModelInfo model, int workers, BooleanSupplier serving) {}

    private LocalCluster(Path stateDir, String pool, PrintStream err) {
        this.stateDir = stateDir;
        this.pool = pool;
        this.err = err;
    }

    /**
     * Starts the broker (unless {@code --bootstrap-servers} names one), creates the topics, loads
     * the model and starts {@code workerCount} workers on it. Input problems (the schema, the
     * validation mode) fail before anything is started.
     */
    public static LocalCluster start(KafkaOptions kafka, EngineOptions engine, int workerCount, String pool, PrintStream err)
            throws IOException {
        return start(kafka, engine, workerCount, pool, err, true);
    }

    /**
     * The broker, the topics and the runs' aggregators, without a model or a worker: for runs served
     * by workers elsewhere (a sweep's worker process per model, {@link WorkerProcess}), each run
     * naming its own pool and model ({@link Target}).
     */
    public static LocalCluster startWithoutWorkers(KafkaOptions kafka, EngineOptions engine, PrintStream err) throws IOException {
        return start(kafka, engine, 0, null, err, false);
    }

    private static LocalCluster start(KafkaOptions kafka, EngineOptions engine, int workerCount, String pool, PrintStream err,
                                      boolean loadModel) throws IOException {
        if (kafka.bootstrapServers == null) {
            EmbeddedBroker.requireBundled(NEEDS_BROKER); // before the model is loaded
        }
        ReplyValidator validator = engine.validator();
        ReplyValidator.Mode mode = engine.validationMode();
        LocalCluster cluster = new LocalCluster(Files.createTempDirectory("evalpipe-streams"), pool, err);
        // Ctrl-C must not leave the broker's data, the Streams state or the engine's files in the temp folder.
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.startRoles(kafka, engine, workerCount, validator, mode, loadModel);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startRoles(KafkaOptions kafka, EngineOptions engine, int workerCount, ReplyValidator validator,
                            ReplyValidator.Mode mode, boolean loadModel) {
        String servers = kafka.bootstrapServers;
        if (servers == null) {
            err.println("Starting an embedded Kafka broker...");
            EmbeddedBroker broker = EmbeddedBroker.start(NEEDS_BROKER);
            toClose.push(broker);
            servers = broker.bootstrapServers();
            embedded = true;
        }
        bootstrapServers = servers;
        props = kafka.clientProperties(servers);
        topics = kafka.topics();
        if (!loadModel) {
            Pipeline.ensureTopics(props, topics, null, 0); // each run's pool is made for the worker that serves it
            return;
        }
        Pipeline.ensureTopics(props, topics, pool, Math.max(8, workerCount * engine.parallel));

        err.println("Loading model " + (engine.model != null ? engine.model : "(synthetic default)") + "...");
        EngineOptions.Opened opened = engine.open(workerCount);
        InferenceEngine llm = opened.engine();
        model = opened.model();
        toClose.push(llm);

        for (int i = 1; i <= workerCount; i++) {
            Worker w = Pipeline.newWorker(props, topics, pool, "local-" + i, engine.parallel, llm, model.sha256(), validator, mode);
            Pipeline.startThread(w, "worker-" + i);
            workers.add(w);
            toClose.push(w);
        }
    }

    public ModelInfo model() {
        return model;
    }

    /** The broker's address, for workers started outside this process. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The pool and model of this cluster's own workers, serving while none of them failed. */
    public Target ownWorkers() {
        return new Target(pool, model, workers.size(), () -> workers.stream().noneMatch(Worker::failed));
    }

    /** Creates another pool's job topic, for a worker started outside this process to serve. */
    public void ensurePool(String otherPool, int partitions) {
        Pipeline.ensureTopics(props, topics, otherPool, partitions);
    }

    /**
     * Enqueues one run, shows its progress on stderr (when {@code progress}) and returns its summary once its report is
     * written under {@code reports}. The run gets an aggregator of its own, stopped afterwards, so
     * that on a shared cluster it never reports anyone else's run; there its consumer group and
     * internal topics are deleted afterwards, since nothing reads them again.
     *
     * @throws CliException exit 3 when the aggregator or a worker stopped before the report was written
     */
    public RunSummary run(String runId, PromptSet set, String suite, GenerationParams params, Duration deadline, Slo slo, Path reports,
                          boolean progress) {
        return run(ownWorkers(), runId, set, suite, params, deadline, slo, reports, progress);
    }

    /**
     * As above, on {@code target}'s pool and model.
     *
     * @throws CliException exit 3 when the aggregator stopped, or the target stopped serving, before the report was written
     */
    public RunSummary run(Target target, String runId, PromptSet set, String suite, GenerationParams params, Duration deadline, Slo slo,
                          Path reports, boolean progress) {
        String applicationId = "evalpipe-run-" + runId;
        KafkaStreams aggregator = Pipeline.startAggregator(props, topics, applicationId, stateDir, reports, null, runId, 1);
        try {
            RunSummary summary;
            try (RunWatcher watcher = new RunWatcher(props, topics)) {
                RunManifest manifest = new RunProducer(props, topics, Clock.systemUTC())
                        .enqueue(runId, set, suite, target.pool(), params, target.model(), deadline, slo);
                // Without progress (--quiet, --json) nothing is drawn; the summary still comes.
                ProgressBar bar = progress ? new ProgressBar(err, manifest.promptCount(), System.console() != null) : null;
                if (bar != null) {
                    err.println("Run " + runId + ": " + manifest.promptCount() + " prompts, " + target.workers() + " worker(s)");
                    bar.update(0, 0);
                }
                RunWatcher.Listener listener = bar != null ? bar::update : (done, passed) -> { };
                summary = watcher.awaitSummary(runId, listener,
                        () -> aggregator.state().isRunningOrRebalancing() && target.serving().getAsBoolean());
                if (bar != null) {
                    bar.finish();
                }
            }
            if (summary == null) {
                throw new CliException(ExitCode.INFRASTRUCTURE, "the run stopped before its report was written (aggregator state "
                        + aggregator.state() + "); see the log above");
            }
            return summary;
        } finally {
            // Leaving the group, so that it can be deleted: a Streams member otherwise stays until its session times out.
            closeQuietly(() -> Pipeline.stopAggregator(aggregator, Duration.ofSeconds(30)));
            if (!embedded) {
                Pipeline.deleteApplication(props, applicationId);
            }
        }
    }

    @Override
    public synchronized void close() {
        while (!toClose.isEmpty()) {
            closeQuietly(toClose.pop());
        }
        deleteRecursively(stateDir);
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway, and finds nothing left to do
            }
        }
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
