package io.evalpipe.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.evalpipe.report.ReportWriter;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The runs a reports folder holds, read from each run folder's summary.json: what `evalctl runs
 * --reports DIR` lists without a cluster. Approvals live only in the runs topic, so this history
 * has none.
 */
public final class ReportFolders {
    private ReportFolders() {}

    /**
     * @param skipped told of each folder that has no readable summary.json (a report being written,
     *                or not a report), which is left out of the history
     * @throws UncheckedIOException when the reports folder itself cannot be listed
     */
    public static RunHistory read(Path reports, Consumer<String> skipped) {
        Map<String, RunSummary> runs = new HashMap<>();
        try (Stream<Path> folders = Files.list(reports)) {
            for (Path dir : folders.filter(Files::isDirectory).sorted().toList()) {
                Path file = dir.resolve(ReportWriter.SUMMARY_JSON);
                if (!Files.isRegularFile(file)) {
                    continue; // sweep folders, snapshots of other tools: not run reports
                }
                try {
                    RunSummary summary = summary(Json.WIRE.readTree(file.toFile()), dir);
                    runs.put(summary.runId(), summary);
                } catch (IOException | RuntimeException e) {
                    skipped.accept(file + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + reports, e);
        }
        return new RunHistory(runs, Map.of());
    }

    /** The fields `runs` shows, from summary.json's names (see SummaryJson). */
    static RunSummary summary(JsonNode s, Path dir) {
        JsonNode e2e = s.path("latency_ms").path("e2e");
        List<String> missing = new ArrayList<>();
        s.path("missing").forEach(m -> missing.add(m.asText()));
        return new RunSummary(
                Messages.SCHEMA_VERSION,
                required(s, "run_id").asText(),
                s.path("expected").asInt(),
                required(s, "n").asInt(),
                required(s, "passed").asInt(),
                s.path("pass_rate").asDouble(0.0),
                s.path("complete").asBoolean(false),
                missing,
                e2e.hasNonNull("p50") ? e2e.get("p50").asDouble() : null,
                e2e.hasNonNull("p95") ? e2e.get("p95").asDouble() : null,
                dir.toAbsolutePath().toString(),
                text(s.get("suite")),
                text(s.get("pool")),
                text(s.path("model").get("file_name")),
                instant(s.get("created_at")),
                s.path("retried").asInt(0),
                s.path("late_results").path("after_report").asInt(0));
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("no '" + field + "'");
        }
        return value;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static Instant instant(JsonNode node) {
        try {
            return node == null || node.isNull() ? null : Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("created_at is not an instant: " + node.asText());
        }
    }
}
