package io.evalpipe.launch;

import io.evalpipe.broker.TopicReader;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.contracts.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Follows one run from the outside, as a user would: counts its results as they are published and
 * returns the summary the aggregator announces once the report is written.
 */
public final class RunWatcher implements AutoCloseable {
    private final TopicReader reader;
    private final Topics topics;
    private final Map<String, Boolean> passedByPrompt = new HashMap<>();

    /** Positions at the current end of both topics, so nothing of a run enqueued afterwards is missed. */
    public RunWatcher(Properties kafka, Topics topics) {
        this.topics = topics;
        this.reader = TopicReader.fromNow(kafka, topics.results(), topics.runs());
    }

    public interface Listener {
        void onProgress(int done, int passed);
    }

    /**
     * @param keepWaiting checked between polls: false gives up and returns null
     * @return the run's summary, or null when {@code keepWaiting} said stop
     */
    public RunSummary awaitSummary(String runId, Listener listener, BooleanSupplier keepWaiting) {
        while (keepWaiting.getAsBoolean()) {
            for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(200))) {
                if (!runId.equals(record.key())) {
                    continue;
                }
                if (record.topic().equals(topics.runs())) {
                    return Messages.SUMMARY.deserializer().deserialize(record.topic(), record.value());
                }
                EvalResult result = Messages.RESULT.deserializer().deserialize(record.topic(), record.value());
                passedByPrompt.put(result.promptId(), result.status() == ResultStatus.PASS);
                listener.onProgress(passedByPrompt.size(), (int) passedByPrompt.values().stream().filter(b -> b).count());
            }
        }
        return null;
    }

    @Override
    public void close() {
        reader.close();
    }
}
