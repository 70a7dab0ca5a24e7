package io.evalpipe.cli;

import io.evalpipe.contracts.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/** How to reach the cluster: shared by every command that talks to Kafka. */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "${env:EVALPIPE_BOOTSTRAP_SERVERS}",
            description = "Kafka cluster to use (default: $EVALPIPE_BOOTSTRAP_SERVERS). For `run`, leaving both out starts an embedded broker.")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*) passed through as they are.")
    Path kafkaConfig;

    @Option(names = "--topic-prefix", defaultValue = "eval", paramLabel = "PREFIX",
            description = "Prefix of every topic name (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    Topics topics() {
        return new Topics(topicPrefix);
    }

    /** Client properties for the given servers; the config file's secrets are never logged. */
    Properties clientProperties(String servers) {
        Properties props = new Properties();
        if (kafkaConfig != null) {
            try (InputStream in = Files.newInputStream(kafkaConfig)) {
                props.load(in);
            } catch (IOException e) {
                throw new CliException(ExitCode.USAGE, "cannot read --kafka-config " + kafkaConfig + ": " + e.getMessage());
            }
        }
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers);
        return props;
    }

    String requireBootstrapServers() {
        if (bootstrapServers == null) {
            throw new CliException(ExitCode.USAGE, "--bootstrap-servers is required");
        }
        return bootstrapServers;
    }
}
