package io.evalpipe.scheduler;

import io.evalpipe.report.compare.GateResult;
import io.evalpipe.report.compare.ReportFolder;
import io.evalpipe.report.compare.UnreadableReportException;
import io.evalpipe.report.ReportWriter;
import io.evalpipe.contracts.Approval;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Topics;
import io.evalpipe.producer.PromptFileException;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.PromptSetReader;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.worker.ModelIdentity;
import io.evalpipe.models.ModelFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduled run of a suite: enqueue it, wait for its summary, compare it with the suite's
 * approved baseline and report the outcome. Workers and the aggregator are services of their own;
 * this only talks to Kafka and reads report folders.
 */
public final class RegressionJob {
    private static final Logger log = LoggerFactory.getLogger(RegressionJob.class);

    private final Suite suite;
    private final Properties kafka;
    private final Topics topics;
    private final Clock clock;
    private final Path reportsRoot;
    private final Alerts alerts;
    private final Duration maxWait;

    /**
     * @param reportsRoot where the aggregator's report folders are seen from this machine; null: at
     *                    the path each run's summary names (the aggregator runs on this machine)
     * @param maxWait     how long to wait for a run's summary before giving it up as failed
     */
    public RegressionJob(Suite suite, Properties kafka, Topics topics, Clock clock, Path reportsRoot,
                         Alerts alerts, Duration maxWait) {
        this.suite = suite;
        this.kafka = kafka;
        this.topics = topics;
        this.clock = clock;
        this.reportsRoot = reportsRoot;
        this.alerts = alerts;
        this.maxWait = maxWait;
    }

    /**
     * Never throws for a failed run: a failure is an outcome (and an alert), and the service goes on
     * to the next tick.
     *
     * @param keepWaiting false once the service is stopping; the run is then reported as failed
     */
    public RegressionOutcome run(Instant tick, BooleanSupplier keepWaiting) {
        RegressionOutcome outcome;
        try {
            outcome = runAndCompare(tick, keepWaiting);
        } catch (RuntimeException e) {
            log.warn("Scheduled run of suite {} failed unexpectedly", suite.name(), e);
            outcome = RegressionOutcome.failed(suite.name(), tick, null, null, null, "unexpected error: " + e);
        }
        alerts.report(outcome);
        return outcome;
    }

    private RegressionOutcome runAndCompare(Instant tick, BooleanSupplier keepWaiting) {
        PromptSet prompts;
        ModelInfo model;
        try {
            // Read again at every tick: an edited prompt file or a replaced model is what the next run should measure.
            prompts = PromptSetReader.read(suite.prompts()).withAssertions(suite.assertions());
            model = suite.model() == null ? null : ModelIdentity.of(suite.model());
        } catch (PromptFileException | ModelFileException e) {
            return RegressionOutcome.failed(suite.name(), tick, null, null, null, e.getMessage());
        }
        String runId = RunProducer.newRunId(suite.name(), clock.instant());
        RunSummary run;
        RunsTopic runsTopic = new RunsTopic(kafka, topics);
        try (RunsTopic.SummaryWatch watch = runsTopic.watch()) {
            new RunProducer(kafka, topics, clock).enqueue(runId, prompts, suite.name(), suite.pool(), suite.runParams(), model, suite.deadline(),
                    suite.slo());
            log.info("Suite {}: enqueued run {} ({} prompts on pool {}); waiting up to {} for its report",
                    suite.name(), runId, prompts.prompts().size(), suite.pool(), maxWait);
            run = watch.await(runId, maxWait, keepWaiting);
        } catch (KafkaException e) {
            return RegressionOutcome.failed(suite.name(), tick, runId, null, null, "Kafka: " + e.getMessage());
        }
        if (run == null) {
            return RegressionOutcome.failed(suite.name(), tick, runId, null, null, keepWaiting.getAsBoolean()
                    ? "no report within " + maxWait + " (are the workers of pool " + suite.pool() + " and the aggregator running?)"
                    : "the scheduler stopped before the run reported");
        }
        try {
            return withLimits(compareWithBaseline(tick, run, runsTopic));
        } catch (KafkaException e) {
            return RegressionOutcome.failed(suite.name(), tick, runId, run, null, "Kafka, while looking up the baseline: " + e.getMessage());
        }
    }

    private RegressionOutcome compareWithBaseline(Instant tick, RunSummary run, RunsTopic runsTopic) {
        // Looked up after the run, not before: an approval made while it ran is the one to compare with.
        RunHistory history = runsTopic.read();
        Optional<Approval> approval = history.approval(suite.name());
        if (approval.isEmpty()) {
            return new RegressionOutcome(RegressionOutcome.Status.NO_BASELINE, suite.name(), tick, run.runId(), run, null, null, List.of());
        }
        Approval baseline = approval.get();
        Optional<RunSummary> baselineRun = history.run(baseline.runId());
        if (baselineRun.isEmpty()) {
            return RegressionOutcome.failed(suite.name(), tick, run.runId(), run, baseline,
                    "the approved baseline run " + baseline.runId() + " has no summary on " + topics.runs());
        }
        Path baseDir = reportDir(baselineRun.get());
        Path runDir = reportDir(run);
        for (Path dir : List.of(baseDir, runDir)) {
            if (!Files.isDirectory(dir)) {
                return RegressionOutcome.failed(suite.name(), tick, run.runId(), run, baseline, "report folder " + dir
                        + " is not on this machine (point --reports at the aggregator's report folder)");
            }
        }
        BaselineComparer.Result comparison;
        try {
            comparison = BaselineComparer.compare(baseDir, runDir, suite);
        } catch (UnreadableReportException | IOException e) {
            return RegressionOutcome.failed(suite.name(), tick, run.runId(), run, baseline, "cannot compare: " + e.getMessage());
        }
        return new RegressionOutcome(comparison.failed() ? RegressionOutcome.Status.GATE_FAILED : RegressionOutcome.Status.PASSED,
                suite.name(), tick, run.runId(), run, baseline, comparison.file(), comparison.details());
    }

    /**
     * The suite's absolute limits on the run, whatever its baseline said: a run below them alerts even
     * before a baseline is approved, and even when the baseline was as bad.
     */
    private RegressionOutcome withLimits(RegressionOutcome outcome) {
        if (!suite.limits().isSet() || outcome.status() == RegressionOutcome.Status.FAILED) {
            return outcome;
        }
        List<GateResult> limits;
        try {
            limits = suite.limits().evaluate(ReportFolder.read(reportDir(outcome.run())));
        } catch (UnreadableReportException e) {
            return RegressionOutcome.failed(suite.name(), outcome.tick(), outcome.runId(), outcome.run(), outcome.baseline(),
                    "cannot judge the run's limits: " + e.getMessage());
        }
        List<String> details = new ArrayList<>(outcome.details());
        limits.forEach(g -> details.add("limit " + g.name() + " " + g.verdict().label() + ": " + g.finding()));
        boolean failed = limits.stream().anyMatch(GateResult::failed);
        RegressionOutcome.Status status = failed ? RegressionOutcome.Status.GATE_FAILED : outcome.status();
        return new RegressionOutcome(status, outcome.suite(), outcome.tick(), outcome.runId(), outcome.run(), outcome.baseline(),
                outcome.comparison(), details);
    }

    private Path reportDir(RunSummary run) {
        return reportsRoot != null ? ReportWriter.reportDir(reportsRoot, run.runId()) : Path.of(run.reportDir());
    }
}
