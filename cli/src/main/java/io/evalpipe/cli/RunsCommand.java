package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.Preflight;
import io.evalpipe.launch.KafkaOptions;
import io.evalpipe.launch.CliException;
import io.evalpipe.launch.Pipeline;

import io.evalpipe.scheduler.ReportFolders;
import io.evalpipe.scheduler.RunHistory;
import io.evalpipe.scheduler.RunsTable;
import io.evalpipe.scheduler.RunsTopic;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "Lists past runs: id, suite, model, pass rate, E2E p95 (with N), when; from the runs topic (* marks each suite's"
                + " approved baseline), or with --reports from a reports folder, without a cluster.")
final class RunsCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--suite", paramLabel = "NAME", description = "Only this suite's runs.")
    String suite;

    @Option(names = "--reports", paramLabel = "DIR",
            description = "List the runs whose reports are in this folder (their summary.json), without a cluster."
                    + " Baselines are kept in the runs topic, so none is marked.")
    Path reports;

    @Override
    public Integer call() {
        System.out.print(RunsTable.render(reports != null ? fromReports() : fromTopic(), suite));
        return ExitCode.OK;
    }

    private RunHistory fromReports() {
        if (!Files.isDirectory(reports)) {
            throw new CliException(ExitCode.USAGE, "--reports " + reports + " is not a folder");
        }
        try {
            return ReportFolders.read(reports, skipped -> System.err.println("evalctl: skipping " + ControlChars.escape(skipped)));
        } catch (UncheckedIOException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage() + ": " + Preflight.reason(e.getCause()), e);
        }
    }

    private RunHistory fromTopic() {
        Properties props = kafka.clientProperties(kafka.requireBootstrapServers());
        Pipeline.ensureTopics(props, kafka.topics(), null, 0);
        try {
            return new RunsTopic(props, kafka.topics()).read();
        } catch (KafkaException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "Kafka: " + e.getMessage(), e);
        }
    }
}
