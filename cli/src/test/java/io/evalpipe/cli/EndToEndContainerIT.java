package io.evalpipe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.file.Path;

/** The same end-to-end run against Kafka in a container; skipped (not failed) where Docker is absent. */
@Testcontainers(disabledWithoutDocker = true)
class EndToEndContainerIT {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @TempDir
    Path reports;

    @Test
    void shouldEvaluateTwentyPromptsOnAContainerisedBroker() throws Exception {
        Path report = EndToEndIT.runAndFindReport(reports, "--bootstrap-servers", KAFKA.getBootstrapServers());

        ReportChecks.assertSummaryMatchesCsv(report, 20);
    }
}
