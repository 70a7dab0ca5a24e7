package io.evalpipe.bench;

import io.evalpipe.launch.CliException;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.Schemas;
import io.evalpipe.bench.Bench.Stats;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.Slo;
import io.evalpipe.producer.Prompt;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.worker.ModelIdentity;
import io.evalpipe.worker.engine.Completion;
import io.evalpipe.worker.engine.CompletionRequest;
import io.evalpipe.worker.engine.InferenceException;
import io.evalpipe.worker.engine.LlamaCppEngine;
import io.evalpipe.worker.engine.LlamaCppOptions;
import io.evalpipe.worker.validate.ReplyValidator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the pipeline costs over calling llama.cpp directly: the same prompts, model, params and
 * threads, (a) through broker, worker and aggregator until the report is on disk, and (b) as a
 * plain loop over {@link LlamaCppEngine#complete}. Both share one loaded model, because two models
 * in one JVM are not isolated by the binding; the a/b order alternates so that neither always
 * runs on a warmer machine.
 */
@Command(name = "overhead", mixinStandardHelpOptions = true,
        description = "Wall time of the full pipeline (enqueue to report on disk) against a direct loop over the engine, same prompts, model and threads.")
final class OverheadBench implements Callable<Integer> {
    private static final String POOL = "bench-overhead";

    @Option(names = "--prompts", defaultValue = "prompts/interview_chat_200.jsonl", paramLabel = "FILE.jsonl",
            description = "Prompt set; each prompt's own params are ignored. Default: ${DEFAULT-VALUE}.")
    Path prompts;

    @Option(names = "--size", defaultValue = "tiny", paramLabel = "tiny|small",
            description = "Synthetic model size. Default: ${DEFAULT-VALUE}; the issue's target is on small.")
    String size;

    @Option(names = "--model", paramLabel = "FILE.gguf", description = "A real GGUF model instead of the synthetic one.")
    Path model;

    @Option(names = "--max-tokens", defaultValue = "32", paramLabel = "N", description = "Max tokens per reply (temperature 0). Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--threads", paramLabel = "N", description = "Inference threads, for both. Default: cores - 1.")
    Integer threads;

    @Option(names = "--ctx-size", defaultValue = "4096", paramLabel = "N", description = "Context per slot. Default: ${DEFAULT-VALUE}.")
    int contextSize;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "N", description = "Repetitions of each. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--schema", paramLabel = "FILE",
            description = "Schema the worker validates against. Default: the built-in interview_chat schema.")
    Path schema;

    @Override
    public Integer call() throws Exception {
        Bench.checkRepeat(repeat);
        PrintStream out = System.out;
        PromptSet set = Bench.prompts(prompts);
        GenerationParams params = Bench.params(maxTokens);
        ReplyValidator validator = Schemas.validator(schema);
        Path file = Bench.model(model, size);
        ModelInfo info = ModelIdentity.of(file);
        int n = threads != null ? threads : LlamaCppOptions.defaultThreads();
        Bench.header(out, "overhead");
        out.printf(Locale.ROOT, "model %s (%s), %d prompts from %s, max tokens %d, temperature 0, %d thread(s), 1 slot, %d repetitions%n",
                info.fileName(), Bench.mb(info.sizeBytes()), set.prompts().size(), prompts, maxTokens, n, repeat);

        long rssBefore = Bench.rssBytes();
        // The one model of this process, shared by (a) and (b).
        LlamaCppEngine engine = LlamaCppEngine.load(file, LlamaCppOptions.builder().threads(n).contextSize(contextSize).build());
        long rssLoaded = Bench.rssBytes();
        try (BenchPipeline pipeline = BenchPipeline.start()) {
            pipeline.ensureTopics(POOL, 8);
            pipeline.startAggregator("evalpipe-bench-overhead", 1); // as `evalctl run` runs it
            pipeline.startWorker(POOL, "bench-1", 1, engine, info.sha256(), validator);
            pipeline.awaitWorkersAssigned(POOL, 1, 8);

            // Not counted: JIT, the producer's first transaction, the model's first batches.
            PromptSet warm = Bench.first(set, 3);
            viaPipeline(pipeline, warm, params, info);
            direct(engine, warm, params);

            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            List<Double> ratio = new ArrayList<>();
            List<Double> engineA = new ArrayList<>();
            List<Double> engineB = new ArrayList<>();
            for (int r = 0; r < repeat; r++) {
                Timed ta;
                Timed tb;
                if (r % 2 == 0) {
                    ta = viaPipeline(pipeline, set, params, info);
                    tb = direct(engine, set, params);
                } else {
                    tb = direct(engine, set, params);
                    ta = viaPipeline(pipeline, set, params, info);
                }
                a.add(ta.seconds);
                b.add(tb.seconds);
                ratio.add(ta.seconds / tb.seconds);
                engineA.add(ta.engineSeconds);
                engineB.add(tb.engineSeconds);
                out.printf(Locale.ROOT, "repetition %d (%s first): pipeline %.2f s (engine %.2f s), %d completion tokens;"
                                + " direct %.2f s (engine %.2f s), %d completion tokens; load %s%n",
                        r + 1, r % 2 == 0 ? "pipeline" : "direct", ta.seconds, ta.engineSeconds, ta.tokens,
                        tb.seconds, tb.engineSeconds, tb.tokens, Bench.load());
            }
            out.println();
            new Bench.Table()
                    .add("(a) pipeline: enqueue to report on disk", Stats.of(a), "s")
                    .add("(b) direct loop over LlamaCppEngine.complete", Stats.of(b), "s")
                    .add("ratio a/b (per repetition)", Stats.of(ratio), "x")
                    .add("(a) engine time inside the pipeline (sum of E2E)", Stats.of(engineA), "s")
                    .add("(b) engine time in the direct loop (sum of E2E)", Stats.of(engineB), "s")
                    .print(out);
            double median = Stats.of(ratio).median();
            out.printf(Locale.ROOT, "target ratio <= 1.03 (set for the small synthetic model): %s here, median %.3f on %s%n",
                    median <= 1.03 ? "met" : "NOT met", median, info.fileName());
            out.printf("memory: model file %s; process RSS before load %s, after load %s (+%s), after the runs %s (broker and aggregator included)%n",
                    Bench.mb(info.sizeBytes()), Bench.mb(rssBefore), Bench.mb(rssLoaded), Bench.mb(rssLoaded - rssBefore), Bench.mb(Bench.rssBytes()));
            Bench.footer(out);
        }
        return ExitCode.OK;
    }

    /** @param engineSeconds the engine's own E2E times, summed: what is left of {@code seconds} is around the engine */
    private record Timed(double seconds, long tokens, double engineSeconds) {}

    private static Timed viaPipeline(BenchPipeline pipeline, PromptSet set, GenerationParams params, ModelInfo info) {
        String runId = RunProducer.newRunId("bench-overhead", Clock.systemUTC().instant());
        pipeline.reportFuture(runId);
        long t0 = System.nanoTime();
        new RunProducer(pipeline.kafka(), BenchPipeline.TOPICS, Clock.systemUTC()).enqueue(runId, set, set.name(), POOL, params, info, null, Slo.NONE);
        BenchPipeline.Reported done = pipeline.awaitReport(runId, Duration.ofHours(2));
        long tokens = done.report().results().stream().mapToLong(EvalResult::completionTokens).sum();
        double engineMs = done.report().results().stream().mapToDouble(EvalResult::e2eMs).sum();
        if (!done.report().complete()) {
            throw new CliException(ExitCode.INFRASTRUCTURE, "run " + runId + " reported with prompts missing");
        }
        return new Timed(Bench.seconds(done.atNanos() - t0), tokens, engineMs / 1000);
    }

    /** What a caller of bare llama.cpp would write: one request after another, same params. */
    private static Timed direct(LlamaCppEngine engine, PromptSet set, GenerationParams params) throws InferenceException {
        long tokens = 0;
        long engineNanos = 0;
        long t0 = System.nanoTime();
        for (Prompt p : set.prompts()) {
            Completion c = engine.complete(new CompletionRequest(p.messages(), params, null));
            tokens += c.completionTokens();
            engineNanos += c.e2eNanos();
        }
        return new Timed(Bench.seconds(System.nanoTime() - t0), tokens, Bench.seconds(engineNanos));
    }
}
