package io.evalpipe.launch;

import io.evalpipe.contracts.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.security.JaasContext;
import picocli.CommandLine.Option;

/**
 * How to reach the cluster: shared by every command that talks to Kafka. The option fields are public
 * because the commands that mix them in, and their tests, live in the cli module.
 */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "${env:EVALPIPE_BOOTSTRAP_SERVERS}",
            description = "Kafka cluster to use (default: $EVALPIPE_BOOTSTRAP_SERVERS). For `run`, leaving both out starts an embedded broker.")
    public String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*) passed through as they are.")
    public Path kafkaConfig;

    @Option(names = "--topic-prefix", defaultValue = "eval", paramLabel = "PREFIX",
            description = "Prefix of every topic name (default: ${DEFAULT-VALUE}).")
    public String topicPrefix;

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /**
     * What can be found wrong in these options without a cluster: the config file (readable, each
     * known setting of the right type, the JAAS line parseable) and the topic names the prefix and
     * {@code pool} make. Call it first, before a broker or a model is started.
     *
     * @param pool the worker pool the command uses; null when it uses none
     * @return the client settings as checked, for further checks only: without a cluster yet, the
     *         bootstrap servers may be a placeholder
     * @throws CliException exit 2 with one line
     */
    public Properties check(String pool) {
        Properties settings = clientProperties(bootstrapServers != null ? bootstrapServers : "localhost:9092");
        Topics topics = topics();
        List<String> names = new ArrayList<>(List.of(topics.manifests(), topics.results(), topics.runs(), topics.attempts(),
                topics.deadLetters()));
        if (pool != null) {
            names.add(topics.jobs(pool));
        }
        for (String name : names) {
            try {
                Topic.validate(name);
            } catch (InvalidTopicException e) {
                String option = pool != null && name.equals(topics.jobs(pool)) ? "--pool '" + pool + "'" : "--topic-prefix '" + topicPrefix + "'";
                throw new CliException(ExitCode.USAGE, option + " makes an illegal Kafka topic name: " + e.getMessage());
            }
        }
        return settings;
    }

    /**
     * Client properties for the given servers, checked as a Kafka client would check them (but
     * without logging them: the config file's secrets are never logged).
     *
     * @throws CliException exit 2 when the config file cannot be read or holds a setting Kafka refuses
     */
    public Properties clientProperties(String servers) {
        Properties props = new Properties();
        if (kafkaConfig != null) {
            try (InputStream in = Files.newInputStream(kafkaConfig)) {
                props.load(in);
            } catch (NoSuchFileException e) {
                throw new CliException(ExitCode.USAGE, "cannot read --kafka-config " + kafkaConfig + ": no such file");
            } catch (IOException | IllegalArgumentException e) { // IllegalArgumentException: a malformed backslash-u escape
                throw new CliException(ExitCode.USAGE, "cannot read --kafka-config " + kafkaConfig + ": " + e.getMessage());
            }
        }
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers);
        checkClientConfig(props);
        return props;
    }

    /**
     * Kafka checks a client's settings only when the client is created, and then reports a bad JAAS
     * line as "Failed to create new KafkaAdminClient": check them here and say the reason.
     */
    private void checkClientConfig(Properties props) {
        String source = kafkaConfig != null ? "--kafka-config " + kafkaConfig : "the Kafka client settings";
        try {
            // The protected constructor: parsed without logging every value.
            Map<String, ?> parsed = new AdminClientConfig(props, false) { }.values();
            if (parsed.get(SaslConfigs.SASL_JAAS_CONFIG) != null) {
                JaasContext.loadClientContext(parsed);
            }
        } catch (ConfigException | IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, source + ": " + e.getMessage(), e);
        }
    }

    public String requireBootstrapServers() {
        if (bootstrapServers == null) {
            throw new CliException(ExitCode.USAGE, "--bootstrap-servers is required");
        }
        return bootstrapServers;
    }
}
