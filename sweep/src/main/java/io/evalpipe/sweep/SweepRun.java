package io.evalpipe.sweep;

import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Slo;
import io.evalpipe.launch.CliException;
import io.evalpipe.launch.EngineOptions;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.KafkaOptions;
import io.evalpipe.launch.LocalCluster;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.report.compare.ReportFolder;
import io.evalpipe.report.compare.UnreadableReportException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A sweep's variants, run one after another on this machine, each as one run with its own report,
 * added to {@code done} as they finish (so that a sweep that stops halfway still has its table).
 *
 * @param workers    in-process workers sharing the one loaded model (not used with --vary model)
 * @param mainClass  what a model's worker process runs: evalctl's main class
 */
public record SweepRun(KafkaOptions kafka, EngineOptions engine, int workers, String pool, Duration deadline, Slo slo, Path reports,
                       String mainClass, PrintStream err) {

    /** Every variant on one loaded model, shared by {@code workers} workers in this process. */
    public void inProcess(SweepPlan plan, PromptSet set, String suite, List<SweepReport.Entry> done) throws IOException {
        try (LocalCluster cluster = LocalCluster.start(kafka, engine, workers, pool, err)) {
            for (SweepPlan.Variant variant : plan.variants()) {
                announce(plan, variant);
                RunSummary summary = cluster.run(runId(suite), set, suite, variant.params(), deadline, slo, reports, true);
                ReportFolder report = read(Path.of(summary.reportDir()));
                // The workers share this process with the broker and the aggregator: its RSS is not the model's.
                done.add(new SweepReport.Entry(variant, report, report.modelFigures(), null));
            }
        }
    }

    /** Each model's variants on a worker process of its own, one model after another ({@link ModelWorkers}). */
    public void perModel(SweepPlan plan, Map<String, ModelWorkers.Model> models, PromptSet set, String suite, List<SweepReport.Entry> done)
            throws IOException {
        try (LocalCluster cluster = LocalCluster.startWithoutWorkers(kafka, engine, err);
             ModelWorkers modelWorkers = new ModelWorkers(models, cluster, kafka, engine, done, mainClass, err)) {
            for (SweepPlan.Variant variant : plan.variants()) {
                announce(plan, variant);
                String runId = runId(suite);
                RunSummary summary = modelWorkers.run(variant, target -> cluster.run(target, runId, set, suite, variant.params(),
                        deadline, slo, reports, true));
                ReportFolder report = read(Path.of(summary.reportDir()));
                modelWorkers.finished(variant, report, report.modelFigures());
            }
        }
    }

    private void announce(SweepPlan plan, SweepPlan.Variant variant) {
        err.println("Variant " + variant.number() + "/" + plan.variants().size() + ": " + variant.label());
    }

    private static String runId(String suite) {
        return RunProducer.newRunId(suite, Clock.systemUTC().instant());
    }

    private static ReportFolder read(Path dir) {
        try {
            return ReportFolder.read(dir);
        } catch (UnreadableReportException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "the report of a finished run cannot be read back: " + e.getMessage(), e);
        }
    }
}
