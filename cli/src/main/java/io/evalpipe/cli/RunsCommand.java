package io.evalpipe.cli;

import io.evalpipe.cli.schedule.RunsTable;
import io.evalpipe.cli.schedule.RunsTopic;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "Lists past runs from the runs topic: id, suite, model, pass rate, E2E p95 (with N), when; * marks each suite's approved baseline.")
final class RunsCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--suite", paramLabel = "NAME", description = "Only this suite's runs.")
    String suite;

    @Override
    public Integer call() {
        Properties props = kafka.clientProperties(kafka.requireBootstrapServers());
        Pipeline.ensureTopics(props, kafka.topics(), null, 0);
        try {
            System.out.print(RunsTable.render(new RunsTopic(props, kafka.topics()).read(), suite));
        } catch (KafkaException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "Kafka: " + e.getMessage(), e);
        }
        return ExitCode.OK;
    }
}
