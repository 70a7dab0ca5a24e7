package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.KafkaOptions;
import io.evalpipe.launch.CliException;
import io.evalpipe.launch.Pipeline;

import io.evalpipe.scheduler.Approver;
import io.evalpipe.scheduler.RunsTopic;
import io.evalpipe.contracts.Approval;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "approve", mixinStandardHelpOptions = true,
        description = "Makes a finished run its suite's baseline: `evalctl schedule` compares the suite's later runs with it.")
final class ApproveCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "A finished run, as `evalctl runs` lists it.")
    String runId;

    @Option(names = "--suite", paramLabel = "NAME", description = "Suite to approve it for. Default: the run's own suite.")
    String suite;

    @Option(names = "--by", paramLabel = "NAME", defaultValue = "${sys:user.name}", description = "Who approves, for the record. Default: ${DEFAULT-VALUE}.")
    String by;

    @Override
    public Integer call() {
        Properties props = kafka.clientProperties(kafka.requireBootstrapServers());
        Pipeline.ensureTopics(props, kafka.topics(), null, 0);
        Approval approval;
        try {
            approval = new Approver(new RunsTopic(props, kafka.topics()), Clock.systemUTC()).approve(runId, suite, by);
        } catch (KafkaException e) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "Kafka: " + e.getMessage(), e);
        }
        System.out.println("Run " + approval.runId() + " is now the baseline of suite " + approval.suite());
        return ExitCode.OK;
    }
}
