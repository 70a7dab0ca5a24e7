package io.evalpipe.bench;

import io.evalpipe.launch.CliException;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.bench.Bench.Stats;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.producer.Prompt;
import io.evalpipe.worker.engine.CompletionRequest;
import io.evalpipe.worker.engine.LlamaCppEngine;
import io.evalpipe.worker.engine.LlamaCppOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Aggregate completion tokens/s with K llama.cpp slots and K concurrent callers. Each (model, K)
 * runs in its own JVM ({@link Child}): an engine's slot count is fixed at load, and one process
 * must hold one model.
 */
@Command(name = "batching", mixinStandardHelpOptions = true,
        description = "Completion tokens/s with K parallel llama.cpp slots (and K callers), each configuration in its own JVM.")
final class BatchingBench implements Callable<Integer> {
    static final String RESULT = "BENCH-BATCHING";
    /** Told to the child instead of a prompt file: one-line questions, so the prompt is a few tokens. */
    static final String SHORT = "(short)";

    @Option(names = "--parallel", defaultValue = "1,2,4,8", paramLabel = "K,K,...", description = "Slot counts. Default: ${DEFAULT-VALUE}.")
    String parallel;

    @Option(names = "--sizes", defaultValue = "tiny,small", paramLabel = "tiny,small", description = "Synthetic models. Default: ${DEFAULT-VALUE}.")
    String sizes;

    @Option(names = "--prompts", defaultValue = "prompts/interview_chat_20.jsonl", paramLabel = "FILE.jsonl",
            description = "Prompts, used in turn. Default: ${DEFAULT-VALUE}.")
    Path prompts;

    @Option(names = "--short-prompts", description = "Use one-line questions instead of --prompts: nearly all time is then decoding, which is what slots batch.")
    boolean shortPrompts;

    @Option(names = "--requests", defaultValue = "16", paramLabel = "N", description = "Requests per repetition, whatever K. Default: ${DEFAULT-VALUE}.")
    int requests;

    @Option(names = "--max-tokens", defaultValue = "64", paramLabel = "N", description = "Tokens per reply (the synthetic model always uses them all). Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--threads", paramLabel = "N", description = "Inference threads. Default: cores - 1.")
    Integer threads;

    @Option(names = "--ctx-size", defaultValue = "2048", paramLabel = "N", description = "Context per slot. Default: ${DEFAULT-VALUE}.")
    int contextSize;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "N", description = "Repetitions per configuration. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--flash-attn", description = "Turn on llama.cpp flash attention, as `worker --flash-attn` does. Default: off, as in the worker.")
    boolean flashAttention;

    @Override
    public Integer call() {
        Bench.checkRepeat(repeat);
        List<Integer> ks = Bench.ints(parallel, "--parallel");
        int n = threads != null ? threads : LlamaCppOptions.defaultThreads();
        PrintStream out = System.out;
        Bench.header(out, "batching");
        out.printf(Locale.ROOT, "%d requests per repetition from %s, max tokens %d, temperature 0, %d thread(s), flash attention %s, %d repetitions, each configuration in its own JVM%n",
                requests, shortPrompts ? "one-line questions (--short-prompts)" : prompts, maxTokens, n, flashAttention ? "on" : "off", repeat);
        Bench.Table table = new Bench.Table();
        List<String> targets = new ArrayList<>();
        for (String size : sizes.split(",")) {
            Path file = Bench.model(null, size.trim());
            out.printf("model %s: %s%n", file.getFileName(), Bench.mb(size(file)));
            Map<Integer, Stats> bySlots = new HashMap<>();
            for (int k : ks) {
                List<String> lines = Bench.child(RESULT, List.of("bench", "batching-child", "--model", file.toString(),
                        "--parallel", String.valueOf(k), "--threads", String.valueOf(n), "--ctx-size", String.valueOf(contextSize),
                        "--prompts", shortPrompts ? SHORT : prompts.toString(), "--requests", String.valueOf(requests),
                        "--max-tokens", String.valueOf(maxTokens), "--repeat", String.valueOf(repeat),
                        "--flash-attn=" + flashAttention));
                List<Double> rates = new ArrayList<>();
                String rss = "";
                for (String line : lines) {
                    if (line.startsWith("rss ")) {
                        rss = line.substring(4);
                    } else {
                        rates.add(Double.parseDouble(line));
                    }
                }
                Stats s = Stats.of(rates);
                bySlots.put(k, s);
                table.add(size + ", " + k + " slot(s)", s, "completion tok/s");
                out.printf(Locale.ROOT, "  %s, %d slot(s): median %.1f tok/s; child RSS after load %s; load %s%n", size, k, s.median(), rss, Bench.load());
            }
            Stats one = bySlots.get(1);
            for (int k : ks) {
                if (one != null && k != 1) {
                    double speedup = bySlots.get(k).median() / one.median();
                    String line = String.format(Locale.ROOT, "%s: %d slots / 1 slot = %.2fx (medians)", size, k, speedup);
                    if (k == 4 && size.trim().equals("small")) {
                        line += speedup >= 1.7 ? "  target >= 1.7x: met" : "  target >= 1.7x: NOT met";
                    }
                    targets.add(line);
                }
            }
        }
        out.println();
        table.print(out);
        targets.forEach(out::println);
        Bench.footer(out);
        return ExitCode.OK;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** One configuration in this JVM: prints one {@value #RESULT} line per repetition. */
    @Command(name = "batching-child", hidden = true, description = "One batching configuration (run by `bench batching`).")
    static final class Child implements Callable<Integer> {
        @Option(names = "--model", required = true)
        Path model;

        @Option(names = "--parallel", required = true)
        int parallel;

        @Option(names = "--threads", required = true)
        int threads;

        @Option(names = "--ctx-size", required = true)
        int contextSize;

        @Option(names = "--prompts", required = true)
        Path prompts;

        @Option(names = "--requests", required = true)
        int requests;

        @Option(names = "--max-tokens", required = true)
        int maxTokens;

        @Option(names = "--repeat", required = true)
        int repeat;

        @Option(names = "--flash-attn", required = true, arity = "1")
        boolean flashAttention;

        @Override
        public Integer call() throws Exception {
            List<Prompt> list = SHORT.equals(prompts.toString()) ? Bench.shortPrompts(20) : Bench.prompts(prompts).prompts();
            GenerationParams params = Bench.params(maxTokens);
            LlamaCppEngine engine = LlamaCppEngine.load(model,
                    LlamaCppOptions.builder().threads(threads).contextSize(contextSize).parallel(parallel).flashAttention(flashAttention).build());
            System.out.println(RESULT + " rss " + Bench.mb(Bench.rssBytes()));
            ExecutorService callers = Executors.newFixedThreadPool(parallel);
            try {
                round(engine, callers, list, params, parallel); // warm-up: every slot once, not counted
                for (int r = 0; r < repeat; r++) {
                    long t0 = System.nanoTime();
                    long tokens = round(engine, callers, list, params, requests);
                    double rate = tokens / Bench.seconds(System.nanoTime() - t0);
                    System.out.println(RESULT + " " + rate);
                }
            } finally {
                callers.shutdownNow();
            }
            return ExitCode.OK;
        }

        /** {@code count} requests shared by the callers as they free up; returns completion tokens. */
        private long round(LlamaCppEngine engine, ExecutorService callers, List<Prompt> list, GenerationParams params, int count)
                throws Exception {
            AtomicInteger next = new AtomicInteger();
            AtomicLong tokens = new AtomicLong();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < parallel; c++) {
                running.add(callers.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < count; ) {
                        Prompt p = list.get(i % list.size());
                        tokens.addAndGet(engine.complete(new CompletionRequest(p.messages(), params, null)).completionTokens());
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            if (tokens.get() == 0) {
                throw new CliException(ExitCode.INFRASTRUCTURE, "no tokens were generated");
            }
            return tokens.get();
        }
    }
}
