package io.evalpipe.cli;

import io.evalpipe.launch.Pipeline;

import io.evalpipe.aggregator.AggregatorTopology;
import io.evalpipe.contracts.Topics;
import io.evalpipe.worker.Worker;
import io.evalpipe.worker.engine.InferenceEngine;
import io.evalpipe.worker.validate.ReplyValidator;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;

/** {@link Pipeline}'s roles for tests in other packages (Pipeline itself is internal to the CLI). */
public final class InProcessPipeline {
    private InProcessPipeline() {}

    public static void ensureTopics(Properties kafka, Topics topics, String pool, int jobPartitions) {
        Pipeline.ensureTopics(kafka, topics, pool, jobPartitions);
    }

    public static KafkaStreams startAggregator(Properties kafka, Topics topics, String applicationId, Path stateDir, Path reports) {
        return Pipeline.startAggregator(kafka, topics, applicationId, stateDir, reports, null, null, AggregatorTopology.threadsForCores());
    }

    /** A worker of the pool on {@code engine}, already running on its own thread. */
    public static Worker startWorker(Properties kafka, Topics topics, String pool, String workerId, InferenceEngine engine,
                                     ReplyValidator validator) {
        Worker worker = Pipeline.newWorker(kafka, topics, pool, workerId, 1, engine, "test-model", validator, ReplyValidator.Mode.STRICT);
        Pipeline.startThread(worker, workerId);
        return worker;
    }
}
