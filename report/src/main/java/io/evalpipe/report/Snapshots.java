package io.evalpipe.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.Ids;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.RunManifest;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code snapshots/<prompt id>.json}: everything known about one {@link Outlier}, in one file a
 * person can open from the report without digging through the CSV: what was asked (the messages the
 * result carries from its job; empty for a result without them), what came back, and how.
 */
final class Snapshots {

    static final String DIR = "snapshots";

    private static final Logger log = LoggerFactory.getLogger(Snapshots.class);

    private Snapshots() {}

    /**
     * The link to a prompt's snapshot, relative to the report folder, or null for an id that is no
     * safe file name (no snapshot is written for it, so there is nothing to link).
     */
    static String href(String promptId) {
        return Ids.isSafe(promptId) ? DIR + "/" + promptId + ".json" : null;
    }

    /**
     * The snapshot file of a prompt inside {@code folder}. Prompt ids are already checked by the
     * producer; this checks again, and checks the resolved path, because a result is input from
     * another process and a file written outside the report folder could overwrite anything.
     *
     * @throws IllegalArgumentException for an id that is no safe file name or would leave the folder
     */
    static Path resolve(Path folder, String promptId) {
        if (!Ids.isSafe(promptId)) {
            throw new IllegalArgumentException("prompt id '" + promptId + "' is not a safe file name");
        }
        Path base = folder.toAbsolutePath().normalize();
        Path file = base.resolve(promptId + ".json").normalize();
        if (!base.equals(file.getParent())) {
            throw new IllegalArgumentException("prompt id '" + promptId + "' would leave " + base);
        }
        return file;
    }

    /**
     * Writes one snapshot per outlier, skipping (with a warning) ids that {@link #resolve} refuses.
     *
     * @return the files written, for {@link #removeStale}
     */
    static Set<Path> write(Path reportDir, RunReport report, RunFigures f) throws IOException {
        Path folder = reportDir.resolve(DIR);
        Set<Path> written = new HashSet<>();
        for (Outlier o : f.outliers()) {
            Path file;
            try {
                file = resolve(folder, o.result().promptId());
            } catch (IllegalArgumentException e) {
                log.warn("No snapshot of prompt {} of run {}: {}", o.result().promptId(), report.manifest().runId(),
                        e.getMessage());
                continue;
            }
            Files.createDirectories(folder);
            AtomicFiles.write(file, out -> Json.WIRE.writerWithDefaultPrettyPrinter()
                    .writeValue(out, build(report.manifest(), f, o)));
            written.add(file);
        }
        return written;
    }

    /**
     * Deletes the snapshots of an earlier report of the run that this one no longer has (a prompt
     * that failed and then passed on a late result), and the folder once it is empty, so that the
     * folder holds exactly what the report links.
     */
    static void removeStale(Path reportDir, Set<Path> keep) throws IOException {
        Path folder = reportDir.resolve(DIR);
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
            for (Path file : files) {
                if (!keep.contains(file.toAbsolutePath().normalize())) {
                    log.debug("Removing stale snapshot {}", file);
                    Files.deleteIfExists(file);
                }
            }
        }
        if (keep.isEmpty()) {
            try {
                Files.deleteIfExists(folder);
            } catch (DirectoryNotEmptyException e) {
                log.debug("Keeping {}: it holds files that are not snapshots", folder);
            }
        }
    }

    static ObjectNode build(RunManifest m, RunFigures f, Outlier o) {
        EvalResult r = o.result();
        ObjectNode s = Json.WIRE.createObjectNode();
        s.put("run_id", m.runId());
        s.put("prompt_id", r.promptId());
        s.put("status", r.status() == null ? null : r.status().wireName());
        s.put("failure_reason", r.failureReason());
        o.reasons().forEach(s.putArray("snapshot_reasons")::add);
        s.put("run_e2e_p95_ms", f.e2e() == null ? null : f.e2e().p95());
        // The run's parameters: a prompt's own overrides are not in the result.
        s.set("params", Json.WIRE.valueToTree(m.params()));
        s.set("messages", Json.WIRE.valueToTree(r.messages()));
        s.put("output", r.output());
        s.put("prompt_tokens", r.promptTokens());
        s.put("completion_tokens", r.completionTokens());
        s.put("finish_reason", r.finishReason());
        ObjectNode timings = s.putObject("timings");
        timings.put("ttft_ms", r.ttftMs());
        timings.put("e2e_ms", r.e2eMs());
        timings.put("tpot_ms", r.tpotMs());
        timings.put("queue_wait_ms", r.queueWaitMs());
        timings.put("tokens_per_s", TokenRate.of(r));
        timings.put("started_at", r.startedAt() == null ? null : r.startedAt().toString());
        timings.put("finished_at", r.finishedAt() == null ? null : r.finishedAt().toString());
        r.validationErrors().forEach(s.putArray("validation_errors")::add);
        s.set("assertions", Json.WIRE.valueToTree(r.assertions()));
        r.notes().forEach(s.putArray("notes")::add);
        s.put("worker_id", r.workerId());
        s.put("pool", r.pool());
        s.set("lineage", Json.WIRE.valueToTree(r.lineage()));
        return s;
    }
}
