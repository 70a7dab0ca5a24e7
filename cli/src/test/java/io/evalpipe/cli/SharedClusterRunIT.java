package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.broker.BrokerExtension;
import io.evalpipe.worker.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evalctl run --bootstrap-servers} on a cluster it shares: the run's private aggregator leaves
 * no consumer group and no internal topic behind (one of each per run, before).
 */
class SharedClusterRunIT {
    @RegisterExtension
    static final BrokerExtension broker = new BrokerExtension();

    @TempDir
    Path dir;

    @Test
    void shouldLeaveNoGroupOrTopicOfItsAggregatorOnTheCluster() throws Exception {
        Path prompts = dir.resolve("three.jsonl");
        Files.write(prompts, Files.readAllLines(EndToEndIT.ROOT.resolve("prompts/interview_chat_20.jsonl")).subList(0, 3));
        StringWriter err = new StringWriter();

        int code = EvalCtl.execute(new PrintWriter(err, true), "run", "--prompts", prompts.toString(),
                "--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", "t-" + UUID.randomUUID(),
                "--model", TestModels.tiny().toString(), "--max-tokens", "16", "--reports", dir.resolve("reports").toString());

        assertThat(code).as("stderr: %s", err).isZero();
        try (Admin admin = Admin.create(broker.clientProperties())) {
            List<String> groups = admin.listGroups().all().get().stream().map(GroupListing::groupId).toList();
            assertThat(groups).noneMatch(g -> g.startsWith("evalpipe-run-"));
            assertThat(admin.listTopics().names().get()).noneMatch(t -> t.startsWith("evalpipe-run-"))
                    .as("the run's own topics stay").anyMatch(t -> t.endsWith(".results"));
        }
    }
}
