package io.evalpipe.sweep;

import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.launch.CliException;
import io.evalpipe.launch.EngineOptions;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.KafkaOptions;
import io.evalpipe.launch.LocalCluster;
import io.evalpipe.launch.Preflight;
import io.evalpipe.launch.WorkerProcess;
import io.evalpipe.report.compare.ModelFigures;
import io.evalpipe.report.compare.ReportFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The worker processes of a sweep that varies the model: one {@code evalctl worker} per model, on a
 * pool of its own, started for that model's variants (which the plan puts together) and stopped
 * before the next model's, its peak RSS read just before. The sweep's broker and aggregators stay
 * in the sweep's process; no model is loaded there.
 */
public final class ModelWorkers implements AutoCloseable {

    /** A model of the sweep, checked: its file as given and as found, what reports name it, its pool. */
    public record Model(String given, Path file, ModelInfo info, String pool) {}

    private final Map<String, Model> models;
    private final LocalCluster cluster;
    private final KafkaOptions kafka;
    private final EngineOptions engine;
    private final PrintStream err;
    private final Path logs;
    /** The main class a worker process runs ({@code evalctl}'s), given by the command line, which this module cannot name. */
    private final String mainClass;
    /** Where a model's variants go once its worker has stopped and its peak RSS is known. */
    private final List<SweepReport.Entry> done;
    private final List<Finished> pending = new ArrayList<>();
    private Model current;
    private WorkerProcess process;
    private boolean failed;

    private record Finished(SweepPlan.Variant variant, ReportFolder report, ModelFigures figures) {}

    public ModelWorkers(Map<String, Model> models, LocalCluster cluster, KafkaOptions kafka, EngineOptions engine,
                        List<SweepReport.Entry> done, String mainClass, PrintStream err) throws IOException {
        this.models = models;
        this.mainClass = mainClass;
        this.cluster = cluster;
        this.kafka = kafka;
        this.engine = engine;
        this.done = done;
        this.err = err;
        this.logs = Files.createTempDirectory("evalpipe-sweep-workers");
    }

    /**
     * Every model of the plan, checked as {@code --model} is before anything starts: the file is
     * there and readable, whole GGUF, of an architecture the engine runs (exit 3 and one line naming
     * it otherwise); two values naming one file, or an engine without model files, are exit 2.
     */
    public static Map<String, Model> check(SweepPlan plan, EngineOptions engine, KafkaOptions kafka, String basePool, int workers) {
        if (engine.engine.equals("openai")) {
            throw new CliException(ExitCode.USAGE, "--vary model needs model files: use --engine llamacpp or llama-server"
                    + " (an openai server serves its own model)");
        }
        if (workers != 1) {
            throw new CliException(ExitCode.USAGE, "--workers does not apply with --vary model: each model runs in one worker"
                    + " process of its own; give --parallel for more jobs at once");
        }
        Map<String, Model> models = new LinkedHashMap<>();
        Map<Path, String> byFile = new LinkedHashMap<>();
        for (SweepPlan.Variant v : plan.variants()) {
            String given = v.model();
            if (models.containsKey(given)) {
                continue;
            }
            Path file = Path.of(given).toAbsolutePath().normalize();
            String problem = !Files.isRegularFile(file) ? "does not exist" : !Files.isReadable(file) ? "is not readable" : null;
            if (problem != null) {
                throw new CliException(ExitCode.INFRASTRUCTURE, "--vary model: model file " + given + " " + problem);
            }
            Path real = realPath(file);
            String same = byFile.putIfAbsent(real, given);
            if (same != null) {
                throw new CliException(ExitCode.USAGE, "--vary model: " + same + " and " + given + " are the same file");
            }
            ModelInfo info = named(given, () -> {
                engine.precheck(file);
                return Preflight.describeModel(file);
            });
            String pool = basePool + "-model-" + (models.size() + 1);
            kafka.check(pool);
            models.put(given, new Model(given, file, info, pool));
        }
        return models;
    }

    /**
     * Runs one variant on its model's worker, starting that worker first (and stopping the previous
     * model's) when the variant is the first of its model.
     *
     * @param run the run on a target: the cluster's {@code run} with everything else already given
     * @throws CliException exit 3 naming the model when its worker stops before the run's report is written
     */
    public RunSummary run(SweepPlan.Variant variant, Function<LocalCluster.Target, RunSummary> run) {
        Model model = models.get(variant.model());
        if (current != model) {
            stopCurrent();
            start(model);
        }
        WorkerProcess p = process;
        try {
            return run.apply(new LocalCluster.Target(model.pool(), model.info(), 1, p::isAlive));
        } catch (CliException e) {
            if (p.isAlive()) {
                throw e;
            }
            failed = true;
            String why = p.lastErrorLine();
            throw new CliException(ExitCode.INFRASTRUCTURE, "model " + model.given() + ": its worker process exited with code "
                    + p.exitCode() + " before variant " + variant.number() + " finished" + (why == null ? "" : " (" + why + ")")
                    + "; its log: " + p.logFile(), e);
        }
    }

    /** A variant whose report is read: it joins the table once its model's worker has stopped. */
    public void finished(SweepPlan.Variant variant, ReportFolder report, ModelFigures figures) {
        pending.add(new Finished(variant, report, figures));
    }

    private void start(Model model) {
        current = model;
        // As a local run's pool: without share groups, partitions cap how many slots work at once (TopicSetup.jobPartitions).
        cluster.ensurePool(model.pool(), Math.max(8, engine.parallel));
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", cluster.bootstrapServers(),
                "--topic-prefix", kafka.topicPrefix, "--pool", model.pool(), "--worker-id", "sweep-" + model.pool()));
        if (kafka.kafkaConfig != null) {
            args.addAll(List.of("--kafka-config", kafka.kafkaConfig.toAbsolutePath().toString()));
        }
        args.addAll(engine.workerArguments(model.file()));
        err.println("Starting a worker process for model " + model.given() + " (pool " + model.pool() + ")...");
        process = WorkerProcess.startWorker(mainClass, args, logs.resolve(model.pool() + ".log"));
    }

    /** Reads the worker's peak RSS, stops it, and hands its model's variants to the table. */
    private void stopCurrent() {
        if (process == null) {
            return;
        }
        Long rss = process.peakRssBytes();
        process.close();
        pending.forEach(f -> done.add(new SweepReport.Entry(f.variant(), f.report(), f.figures(), rss)));
        pending.clear();
        process = null;
        current = null;
    }

    /** Stops the last worker; its log is kept where one failed (the error line names it), else removed. */
    @Override
    public void close() {
        stopCurrent();
        if (!failed) {
            try (var files = Files.list(logs)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(logs);
            } catch (IOException e) {
                // a log left in the temporary folder is harmless
            }
        }
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }

    /** A check's one line, prefixed with the --vary value it is about. */
    private static ModelInfo named(String given, java.util.function.Supplier<ModelInfo> check) {
        try {
            return check.get();
        } catch (CliException e) {
            String message = e.getMessage().contains(given) ? e.getMessage() : given + ": " + e.getMessage();
            throw new CliException(e.exitCode(), "--vary model: " + message, e);
        }
    }
}
