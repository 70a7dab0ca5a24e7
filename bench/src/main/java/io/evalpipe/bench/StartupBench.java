package io.evalpipe.bench;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.bench.Bench.Stats;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.Slo;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.worker.ModelIdentity;
import io.evalpipe.worker.engine.LlamaCppEngine;
import io.evalpipe.worker.engine.LlamaCppOptions;
import io.evalpipe.worker.validate.ReplyValidator;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long `evalctl run` takes to be useful, in its own order: broker, model, aggregator, worker,
 * first result. Each repetition is a fresh JVM ({@link Child}), because start-up is what a fresh
 * process pays; times are seconds since that JVM started. The child also reads its RSS before and
 * after loading the model, to set against the model file's size.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = "Seconds from JVM start to broker ready, model loaded, worker ready and first result; RSS against model size.")
final class StartupBench implements Callable<Integer> {
    static final String RESULT = "BENCH-STARTUP";

    @Option(names = "--sizes", defaultValue = "tiny,small", paramLabel = "tiny,small", description = "Synthetic models. Default: ${DEFAULT-VALUE}.")
    String sizes;

    @Option(names = "--threads", paramLabel = "N", description = "Inference threads. Default: cores - 1.")
    Integer threads;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "N", description = "Fresh JVMs per model. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Override
    public Integer call() {
        Bench.checkRepeat(repeat);
        int n = threads != null ? threads : LlamaCppOptions.defaultThreads();
        PrintStream out = System.out;
        Bench.header(out, "startup");
        out.printf("each repetition a fresh JVM running broker, model load, aggregator, one worker and a one-prompt run (max tokens 16), in `evalctl run`'s order; %d thread(s)%n", n);
        Bench.Table table = new Bench.Table();
        Bench.Table memory = new Bench.Table();
        for (String size : sizes.split(",")) {
            Path file = Bench.model(null, size.trim()); // generated here, so no child pays for writing it
            Map<String, List<Double>> figures = new LinkedHashMap<>();
            for (int r = 0; r < repeat; r++) {
                for (String line : Bench.child(RESULT, List.of("bench", "startup-child", "--model", file.toString(), "--threads", String.valueOf(n)))) {
                    int space = line.lastIndexOf(' ');
                    figures.computeIfAbsent(line.substring(0, space), k -> new ArrayList<>()).add(Double.parseDouble(line.substring(space + 1)));
                }
                out.printf("  %s, repetition %d done; load %s%n", size, r + 1, Bench.load());
            }
            figures.forEach((what, values) -> (what.startsWith("MB ") ? memory : table)
                    .add(size + ": " + what.replaceFirst("^MB ", ""), Stats.of(values), what.startsWith("MB ") ? "MB" : "s since JVM start"));
        }
        out.println();
        table.print(out);
        out.println();
        memory.print(out);
        out.println("(RSS is the whole process: JVM, embedded broker, aggregator and worker; the model is memory-mapped, so its pages count once touched)");
        Bench.footer(out);
        return ExitCode.OK;
    }

    /** One cold start: prints one {@value #RESULT} line per milestone. */
    @Command(name = "startup-child", hidden = true, description = "One cold start (run by `bench startup`).")
    static final class Child implements Callable<Integer> {
        private static final String POOL = "bench-startup";

        @Option(names = "--model", required = true)
        Path model;

        @Option(names = "--threads", required = true)
        int threads;

        @Override
        public Integer call() throws Exception {
            mark("command started");
            try (BenchPipeline pipeline = BenchPipeline.start()) {
                pipeline.ensureTopics(POOL, 8);
                mark("broker ready");
                ModelInfo info = ModelIdentity.of(model); // `run` hashes the model for the manifest before loading it
                megabytes("model file", info.sizeBytes());
                long before = Bench.rssBytes();
                LlamaCppEngine engine = LlamaCppEngine.load(model, LlamaCppOptions.builder().threads(threads).build());
                mark("model loaded");
                long after = Bench.rssBytes();
                megabytes("RSS before model load", before);
                megabytes("RSS after model load", after);
                megabytes("RSS added by the model load", after - before);
                pipeline.startAggregator("evalpipe-bench-startup", 1); // as `evalctl run` runs it
                mark("aggregator running");
                pipeline.startWorker(POOL, "bench-1", 1, engine, info.sha256(), ReplyValidator.builtIn());
                pipeline.awaitWorkersAssigned(POOL, 1, 8);
                mark("worker ready (partitions assigned)");
                PromptSet one = Bench.first(Bench.prompts(Path.of("prompts/interview_chat_20.jsonl")), 1);
                String runId = RunProducer.newRunId("bench-startup", Clock.systemUTC().instant());
                pipeline.reportFuture(runId);
                try (BenchPipeline.ResultWatch watch = pipeline.watchResults()) {
                    new RunProducer(pipeline.kafka(), BenchPipeline.TOPICS, Clock.systemUTC())
                            .enqueue(runId, one, "bench-startup", POOL, Bench.params(16), info, null, Slo.NONE);
                    watch.await(runId, 1, Duration.ofMinutes(5));
                }
                mark("first result");
                pipeline.awaitReport(runId, Duration.ofMinutes(5));
                mark("first report on disk");
                megabytes("RSS after the first report", Bench.rssBytes());
            }
            return ExitCode.OK;
        }

        private static void megabytes(String what, long bytes) {
            System.out.println(RESULT + " MB " + what + " " + String.format(Locale.ROOT, "%.1f", bytes / 1048576.0));
        }

        private static void mark(String what) {
            System.out.println(RESULT + " " + what + " " + String.format(Locale.ROOT, "%.3f", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0));
        }
    }
}
