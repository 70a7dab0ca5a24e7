package io.evalpipe.aggregator;

import io.evalpipe.aggregator.report.RunReport;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects each run's latest result per prompt and writes the report once every prompt of the
 * manifest has one, or once the run's deadline passes.
 */
final class RunCollector implements Processor<String, RunEvent, String, RunSummary> {
    private static final Logger log = LoggerFactory.getLogger(RunCollector.class);

    private final Duration defaultDeadline;
    private final Duration checkEvery;
    private final ReportSink sink;
    private ProcessorContext<String, RunSummary> context;
    private KeyValueStore<String, RunProgress> progress;
    private KeyValueStore<String, EvalResult> results;

    RunCollector(Duration defaultDeadline, Duration checkEvery, ReportSink sink) {
        this.defaultDeadline = defaultDeadline;
        this.checkEvery = checkEvery;
        this.sink = sink;
    }

    @Override
    public void init(ProcessorContext<String, RunSummary> context) {
        this.context = context;
        this.progress = context.getStateStore(AggregatorTopology.PROGRESS_STORE);
        this.results = context.getStateStore(AggregatorTopology.RESULTS_STORE);
        context.schedule(checkEvery, PunctuationType.WALL_CLOCK_TIME, this::reportOverdueRuns);
    }

    @Override
    public void process(Record<String, RunEvent> record) {
        RunEvent event = record.value();
        if (event == null) {
            return;
        }
        String runId = event.manifest() != null ? event.manifest().runId() : event.result().runId();
        RunProgress run = progress.get(runId);
        run = run == null ? RunProgress.EMPTY : run;
        if (run.reported()) {
            log.debug("Ignoring a late {} for run {}, already reported", event.manifest() != null ? "manifest" : "result", runId);
            return;
        }
        if (event.manifest() != null) {
            run = run.withManifest(event.manifest());
        } else {
            EvalResult result = event.result();
            String key = resultKey(runId, result.promptId());
            run = results.get(key) == null ? run.withOneMore() : run.withRetry();
            // A redone job's result replaces the earlier one: one result per prompt, never two.
            results.put(key, result);
        }
        progress.put(runId, run);
        if (run.manifest() != null && run.received() >= run.manifest().promptCount()) {
            reportIfComplete(runId, run);
        }
    }

    private void reportIfComplete(String runId, RunProgress run) {
        RunReport report = collect(run);
        if (report.complete()) {
            emit(runId, run, report);
        }
    }

    private void reportOverdueRuns(long nowMs) {
        List<KeyValue<String, RunProgress>> overdue = new ArrayList<>();
        try (KeyValueIterator<String, RunProgress> all = progress.all()) {
            all.forEachRemaining(kv -> {
                if (isOverdue(kv.value, nowMs)) {
                    overdue.add(kv);
                }
            });
        }
        for (KeyValue<String, RunProgress> kv : overdue) {
            RunReport report = collect(kv.value);
            log.warn("Run {} passed its deadline with {} of {} prompts missing; reporting what arrived",
                    kv.key, report.missing().size(), kv.value.manifest().promptCount());
            emit(kv.key, kv.value, report);
        }
    }

    private boolean isOverdue(RunProgress run, long nowMs) {
        if (run.reported() || run.manifest() == null) {
            return false;
        }
        Long deadlineMs = run.manifest().deadlineMs() != null ? run.manifest().deadlineMs()
                : defaultDeadline != null ? Long.valueOf(defaultDeadline.toMillis()) : null;
        return deadlineMs != null && nowMs >= run.manifest().createdAt().toEpochMilli() + deadlineMs;
    }

    private RunReport collect(RunProgress run) {
        RunManifest manifest = run.manifest();
        Map<String, EvalResult> byPrompt = new TreeMap<>();
        String prefix = manifest.runId() + "/";
        try (KeyValueIterator<String, EvalResult> it = results.prefixScan(prefix, new StringSerializer())) {
            it.forEachRemaining(kv -> byPrompt.put(kv.value.promptId(), kv.value));
        }
        List<EvalResult> ordered = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String promptId : manifest.promptIds()) {
            EvalResult r = byPrompt.get(promptId);
            if (r == null) {
                missing.add(promptId);
            } else {
                ordered.add(r);
            }
        }
        return new RunReport(manifest, ordered, missing, missing.isEmpty(), run.retried());
    }

    private void emit(String runId, RunProgress run, RunReport report) {
        RunSummary summary = sink.write(report);
        progress.put(runId, run.asReported());
        // The report is on disk; the results need not stay in the store.
        for (String promptId : run.manifest().promptIds()) {
            results.delete(resultKey(runId, promptId));
        }
        log.info("Run {} reported: {}/{} passed, {} missing -> {}", runId, summary.passed(), summary.n(),
                summary.missing().size(), summary.reportDir());
        context.forward(new Record<>(runId, summary, Instant.now().toEpochMilli()));
    }

    private static String resultKey(String runId, String promptId) {
        return runId + "/" + promptId;
    }
}
