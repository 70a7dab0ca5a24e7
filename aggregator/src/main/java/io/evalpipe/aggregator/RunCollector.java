package io.evalpipe.aggregator;

import io.evalpipe.report.LateResult;
import io.evalpipe.report.RunReport;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.MessageFormatException;
import io.evalpipe.contracts.RunManifest;
import io.evalpipe.contracts.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * manifest has one, or once the run's deadline passes. A result after that is noted beside the
 * report ({@link #noteLate}).
 *
 * <p>A result costs two small reads and two writes whatever the size of its run: its own key in
 * the results store (to tell a first result from a repeat) and the run's {@link RunProgress}. The
 * result is stored as the bytes that arrived and decoded once, when its run is reported; the
 * manifest is read only then too, and the deadline check looks only at open runs that have a
 * deadline.
 */
final class RunCollector implements Processor<String, RunEvent, String, RunSummary> {
    private static final Logger log = LoggerFactory.getLogger(RunCollector.class);
    /** The stores this processor reads and writes; the topology creates them under these names. */
    static final String PROGRESS_STORE = "run-progress";
    static final String MANIFESTS_STORE = "run-manifests";
    static final String DEADLINES_STORE = "run-deadlines";
    static final String RESULTS_STORE = "run-results";

    private final Duration defaultDeadline;
    private final Duration checkEvery;
    private final ReportSink sink;
    private ProcessorContext<String, RunSummary> context;
    private KeyValueStore<String, RunProgress> progress;
    private KeyValueStore<String, RunManifest> manifests;
    private KeyValueStore<String, Long> deadlines;
    private KeyValueStore<String, byte[]> results;

    RunCollector(Duration defaultDeadline, Duration checkEvery, ReportSink sink) {
        this.defaultDeadline = defaultDeadline;
        this.checkEvery = checkEvery;
        this.sink = sink;
    }

    @Override
    public void init(ProcessorContext<String, RunSummary> context) {
        this.context = context;
        this.progress = context.getStateStore(PROGRESS_STORE);
        this.manifests = context.getStateStore(MANIFESTS_STORE);
        this.deadlines = context.getStateStore(DEADLINES_STORE);
        this.results = context.getStateStore(RESULTS_STORE);
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
            if (event.result() != null) {
                noteLate(runId, run, event.result(), record.timestamp());
            } else {
                log.debug("Ignoring a manifest for run {}, already reported", runId);
            }
            return;
        }
        if (event.manifest() != null) {
            RunManifest m = event.manifest();
            manifests.put(runId, m);
            Long deadlineAt = deadlineAt(m);
            if (deadlineAt != null) {
                deadlines.put(runId, deadlineAt);
            }
            run = run.expecting(m.promptCount());
        } else {
            ReceivedResult result = event.result();
            String key = resultKey(runId, result.promptId());
            run = results.get(key) == null ? run.withOneMore() : run.withRetry();
            // A redone job's result replaces the earlier one: one result per prompt, never two.
            results.put(key, result.json());
        }
        progress.put(runId, run);
        if (run.mayBeComplete()) {
            Collected c = collect(runId, run);
            if (c.report().complete()) {
                emit(runId, run, c, record.timestamp());
            }
        }
    }

    private Long deadlineAt(RunManifest m) {
        Long after = m.deadlineMs() != null ? m.deadlineMs() : defaultDeadline != null ? Long.valueOf(defaultDeadline.toMillis()) : null;
        return after == null ? null : m.createdAt().toEpochMilli() + after;
    }

    private void reportOverdueRuns(long nowMs) {
        List<String> overdue = new ArrayList<>();
        try (KeyValueIterator<String, Long> open = deadlines.all()) {
            open.forEachRemaining(kv -> {
                if (nowMs >= kv.value) {
                    overdue.add(kv.key);
                }
            });
        }
        for (String runId : overdue) {
            RunProgress run = progress.get(runId);
            Collected c = collect(runId, run);
            log.warn("Run {} passed its deadline with {} of {} prompts missing; reporting what arrived",
                    runId, c.report().missing().size(), run.expected());
            emit(runId, run, c, nowMs);
        }
    }

    /**
     * A run's report, and the prompt ids it has a stored result for: the manifest's and any other,
     * so that all of them are deleted without reading the store a second time.
     */
    private record Collected(RunReport report, Set<String> storedPromptIds) {}

    private Collected collect(String runId, RunProgress run) {
        RunManifest manifest = manifests.get(runId);
        Map<String, EvalResult> byPrompt = new HashMap<>();
        Set<String> stored = new HashSet<>();
        String prefix = runId + "/";
        try (KeyValueIterator<String, byte[]> it = results.prefixScan(prefix, new StringSerializer())) {
            it.forEachRemaining(kv -> {
                String promptId = kv.key.substring(prefix.length());
                stored.add(promptId);
                try {
                    byPrompt.put(promptId, Json.decode(kv.value, EvalResult.class));
                } catch (MessageFormatException e) {
                    // Its ids were readable, the rest is not: the prompt counts as missing, and says why.
                    log.warn("Result of prompt {} of run {} cannot be read, so the prompt counts as missing: {}",
                            promptId, runId, e.getMessage());
                }
            });
        }
        List<EvalResult> ordered = new ArrayList<>(manifest.promptIds().size());
        List<String> missing = new ArrayList<>();
        for (String promptId : manifest.promptIds()) {
            EvalResult r = byPrompt.get(promptId);
            if (r == null) {
                missing.add(promptId);
            } else {
                ordered.add(r);
            }
        }
        return new Collected(new RunReport(manifest, ordered, missing, missing.isEmpty(), run.retried()), stored);
    }

    /** @param timestampMs the summary's record time: the last result's, or the punctuation's (the test driver controls both) */
    private void emit(String runId, RunProgress run, Collected collected, long timestampMs) {
        RunReport report = collected.report();
        RunSummary summary = sink.write(report);
        // Only the small progress record and the summary stay, so that a late result is recognised and noted.
        progress.put(runId, run.asReported(summary));
        deadlines.delete(runId);
        // Every result of the run goes, also one for a prompt the manifest does not name.
        collected.storedPromptIds().forEach(promptId -> results.delete(resultKey(runId, promptId)));
        manifests.delete(runId);
        log.info("Run {} reported: {}/{} passed, {} missing -> {}", runId, summary.passed(), summary.n(),
                summary.missing().size(), summary.reportDir());
        context.forward(new Record<>(runId, summary, timestampMs));
    }

    /**
     * A result after the run's report changes no figure, but it is not dropped unseen: the report folder
     * lists it and its summary counts it ({@code retried} for a duplicate), and the summary is
     * announced again, so that a result that came twice never reads as {@code retried = 0}.
     */
    private void noteLate(String runId, RunProgress run, ReceivedResult result, long timestampMs) {
        RunSummary reported = run.summary();
        if (reported == null) {
            log.info("A result for prompt {} of run {} arrived after its report, which an earlier version wrote: not noted",
                    result.promptId(), runId);
            return;
        }
        EvalResult decoded = null;
        try {
            decoded = Json.decode(result.json(), EvalResult.class);
        } catch (MessageFormatException e) {
            log.warn("A late result of prompt {} of run {} cannot be read: {}", result.promptId(), runId, e.getMessage());
        }
        // A prompt the report counts as missing has had no result, unless one already came late.
        boolean firstForMissing = reported.missing().contains(result.promptId()) && run.late().listed().stream()
                .noneMatch(l -> l.promptId().equals(result.promptId()));
        LateResult late = new LateResult(Instant.ofEpochMilli(timestampMs), result.promptId(),
                decoded == null ? null : decoded.workerId(),
                decoded == null || decoded.status() == null ? null : decoded.status().wireName(),
                firstForMissing ? LateResult.Kind.AFTER_REPORT : LateResult.Kind.DUPLICATE);
        RunProgress next = run.withLate(late);
        RunSummary announced;
        try {
            announced = sink.amend(reported, next.retried(), next.late());
        } catch (java.io.UncheckedIOException e) {
            log.error("Run {}: {}; the summary on the runs topic still counts it", runId, e.getMessage());
            announced = reported.withLate(next.retried(), next.late().afterReport());
        }
        progress.put(runId, next.announcing(announced));
        context.forward(new Record<>(runId, announced, timestampMs));
    }

    private static String resultKey(String runId, String promptId) {
        return runId + "/" + promptId;
    }
}
