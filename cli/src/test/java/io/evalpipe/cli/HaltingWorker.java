package io.evalpipe.cli;

import io.evalpipe.launch.Pipeline;

import io.evalpipe.contracts.Topics;
import io.evalpipe.worker.TestModels;
import io.evalpipe.worker.Worker;
import io.evalpipe.worker.engine.Completion;
import io.evalpipe.worker.engine.CompletionRequest;
import io.evalpipe.worker.engine.EngineInfo;
import io.evalpipe.worker.engine.InferenceEngine;
import io.evalpipe.worker.engine.InferenceException;
import io.evalpipe.worker.engine.LlamaCppEngine;
import io.evalpipe.worker.engine.LlamaCppOptions;
import io.evalpipe.worker.validate.ReplyValidator;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A real worker process (real Kafka, real llama.cpp on the tiny model) whose engine ends the process
 * the way a native abort does, on one prompt: {@code Runtime.halt(134)}, no shutdown hook, no goodbye to
 * the broker beyond the closed socket. For PoisonJobIT, which starts several.
 *
 * <pre>java -cp TEST_CLASSPATH io.evalpipe.cli.HaltingWorker BOOTSTRAP PREFIX WORKER_ID PROMPT_ID QUEUE</pre>
 */
public final class HaltingWorker {
    private HaltingWorker() {}

    public static void main(String[] args) {
        String bootstrap = args[0];
        Topics topics = new Topics(args[1]);
        String workerId = args[2];
        String haltOn = args[3];
        Worker.Mode mode = Worker.Mode.valueOf(args[4]);
        LlamaCppEngine llama = LlamaCppEngine.load(TestModels.tiny(), LlamaCppOptions.builder().threads(1).build());
        InferenceEngine halting = new InferenceEngine() {
            @Override
            public Completion complete(CompletionRequest request) throws InferenceException {
                if (request.messages().stream().anyMatch(m -> m.content().contains(haltOn))) {
                    System.err.println(java.time.LocalTime.now() + " HaltingWorker " + workerId + ": halting on " + haltOn);
                    Runtime.getRuntime().halt(134);
                }
                return llama.complete(request);
            }

            @Override
            public EngineInfo info() {
                return llama.info();
            }

            @Override
            public void close() {
                llama.close();
            }
        };
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", bootstrap);
        // A dead consumer-group member's partitions move on when its session times out: the broker's minimum here.
        kafka.put("session.timeout.ms", "6000");
        kafka.put("heartbeat.interval.ms", "1000");
        ReplyValidator validator = ReplyValidator.fromFile(Path.of(System.getProperty("evalpipe.root", ".."), "schemas/interview_chat.schema.json"));
        Worker.Settings settings = new Worker.Settings(1, io.evalpipe.worker.JobLimits.forEngine(llama.info()), mode,
                io.evalpipe.contracts.QueueSettings.DEFAULT, java.time.Duration.ofMinutes(5));
        Worker worker = Pipeline.newWorker(kafka, topics, "default", workerId, settings, halting, "sha", validator, ReplyValidator.Mode.STRICT);
        worker.run();
        System.exit(worker.failed() ? 3 : 0);
    }
}
