package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.EmbeddedBroker;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.broker.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evalctl-slim.jar, the images' build: no broker, no Scala, and every role still runs; a command that
 * needs the embedded broker says so in one line.
 */
class SlimJarIT {
    static final Path SLIM = EndToEndIT.ROOT.resolve("cli/target/evalctl-slim.jar");

    @TempDir
    Path dir;

    @Test
    void shouldHoldEveryRoleAndNoBrokerOrScala() throws Exception {
        try (JarFile jar = new JarFile(SLIM.toFile())) {
            List<String> names = jar.stream().map(e -> e.getName()).toList();
            // kafka/server is the Scala broker; org/apache/kafka/server holds interfaces that kafka-clients ships itself.
            assertThat(names).noneMatch(n -> n.startsWith("kafka/server/") || n.startsWith("scala/")
                    || n.startsWith("org/apache/kafka/raft/") || n.startsWith("org/apache/kafka/metadata/")
                    || n.startsWith("org/apache/kafka/coordinator/") || n.startsWith("org/apache/kafka/storage/")
                    || n.startsWith("io/evalpipe/broker/"));
            assertThat(names).contains("io/evalpipe/cli/EvalCtl.class", "io/evalpipe/worker/Worker.class",
                    "io/evalpipe/aggregator/AggregatorTopology.class", "io/evalpipe/producer/RunProducer.class",
                    "io/evalpipe/report/ReportWriter.class", "org/apache/kafka/clients/consumer/KafkaShareConsumer.class",
                    "org/apache/kafka/streams/KafkaStreams.class", "io/evalpipe/worker/validate/interview_chat.schema.json");
        }
        assertThat(Files.size(SLIM)).isLessThan(Files.size(WorkerProcesses.JAR));
    }

    @Test
    void shouldRunARoleAndRefuseTheEmbeddedBrokerInOneLine() throws Exception {
        assertThat(slim("worker", "--help").exit).isZero();
        // Check first: the prompt file is read before the broker would start, so it must be a good one.
        Result run = slim("run", "--prompts", EndToEndIT.ROOT.resolve("prompts/interview_chat_20.jsonl").toString(),
                "--reports", dir.resolve("reports").toString());
        assertThat(run.exit).as(run.output).isEqualTo(ExitCode.USAGE);
        assertThat(run.output.strip()).isEqualTo("evalctl: a one-machine run (no --bootstrap-servers) needs the embedded Kafka"
                + " broker, which this build of evalctl (evalctl-slim.jar, the images' build) leaves out: give --bootstrap-servers"
                + " HOST:PORT, or use evalctl.jar");
    }

    @Test
    void shouldNameTheBrokerClassItLooksFor() {
        // EmbeddedBroker names it as a string, so that naming it does not load it: this keeps the string right.
        assertThat(EmbeddedBroker.bundled()).isTrue();
        assertThat(EmbeddedBroker.BROKER_CLASS).isEqualTo(EmbeddedKafkaBroker.class.getName());
    }

    private record Result(int exit, String output) {}

    private Result slim(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", SLIM.toString()));
        command.addAll(List.of(args));
        Path log = dir.resolve("slim-" + args[0] + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
