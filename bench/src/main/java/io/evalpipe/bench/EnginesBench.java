package io.evalpipe.bench;

import io.evalpipe.launch.CliException;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.bench.Bench.Stats;
import io.evalpipe.contracts.EngineTimings;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.producer.Prompt;
import io.evalpipe.worker.engine.Completion;
import io.evalpipe.worker.engine.CompletionRequest;
import io.evalpipe.worker.engine.InferenceEngine;
import io.evalpipe.worker.engine.LlamaCppEngine;
import io.evalpipe.worker.engine.LlamaCppOptions;
import io.evalpipe.worker.engine.NativeBackend;
import io.evalpipe.worker.engine.NativeLibrary;
import io.evalpipe.worker.engine.llamaserver.LlamaServerBinary;
import io.evalpipe.worker.engine.llamaserver.LlamaServerEngine;
import java.io.PrintStream;
import java.nio.file.Path;
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
 * The same prompts on each engine: in-process llama.cpp on the jar's generic library ({@code bundled}),
 * in-process on a build for this CPU ({@code native}, when scripts/build-native-jllama.sh has made one),
 * and the supervised {@code llama-server}. Each pass of each engine runs in a JVM of its own (a process
 * loads one native library), and the order of the engines rotates from round to round, so that none
 * always runs on a warmer or a quieter machine.
 *
 * <p>What is measured, per pass over the prompts, one request at a time, after one warm-up request:
 * prefill is prompt tokens over TTFT, decode is the tokens after the first over E2E minus TTFT, both on
 * the worker's clock, which is the same for every engine. The prompt cache is off on every engine, so
 * that every prompt token is evaluated: with it on, 19 of the 20 interview prompts would reuse their
 * shared 270-token system prompt, and prompt tokens over TTFT would overstate prefill about 1.7 times.
 * llama-server's own timings (evaluated tokens over its prompt time, decoded tokens over its decode
 * time) are printed beside its figures.
 */
@Command(name = "engines", mixinStandardHelpOptions = true,
        description = "Prefill and decode tokens/s of in-process llama.cpp (bundled and native builds) and llama-server on the same prompts,"
                + " alternating, each pass in its own JVM.")
final class EnginesBench implements Callable<Integer> {
    static final String RESULT = "BENCH-ENGINES";
    private static final List<String> ALL = List.of("bundled", "native", "llama-server");

    @Option(names = "--engines", defaultValue = "bundled,native,llama-server", paramLabel = "LIST",
            description = "Engines to compare, of bundled, native and llama-server. Default: ${DEFAULT-VALUE}.")
    String engines;

    @Option(names = "--size", defaultValue = "small", paramLabel = "tiny|small", description = "Synthetic model size. Default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = "--model", paramLabel = "FILE.gguf", description = "A real GGUF model instead of the synthetic one.")
    Path model;

    @Option(names = "--prompts", defaultValue = "prompts/interview_chat_20.jsonl", paramLabel = "FILE.jsonl",
            description = "Prompt set; each prompt's own params are ignored. Default: ${DEFAULT-VALUE}.")
    Path prompts;

    @Option(names = "--max-tokens", defaultValue = "64", paramLabel = "N", description = "Max tokens per reply (temperature 0). Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "Inference threads, the same for every engine. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N", description = "Passes of each engine, alternating. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--llama-server", paramLabel = "PATH", description = "The llama-server executable. Default: $EVALPIPE_LLAMA_SERVER, else on the PATH.")
    Path llamaServer;

    @Option(names = "--native-lib", paramLabel = "DIR", description = "The native build to compare. Default: the one for this CPU in the evalpipe cache.")
    Path nativeLib;

    /** One pass's sums; rates are computed over the sums (all tokens over all the time). */
    record Pass(long promptTokens, double ttftMs, long decodeTokens, double decodeMs, double e2eMs,
                long serverPromptTokens, double serverPromptMs, long serverDecodeTokens, double serverDecodeMs) {
        double prefill() {
            return promptTokens * 1000.0 / ttftMs;
        }

        double decode() {
            return decodeTokens * 1000.0 / decodeMs;
        }

        Double serverPrefill() {
            return serverPromptMs > 0 ? serverPromptTokens * 1000.0 / serverPromptMs : null;
        }

        Double serverDecode() {
            return serverDecodeMs > 0 ? serverDecodeTokens * 1000.0 / serverDecodeMs : null;
        }

        String line() {
            return String.format(Locale.ROOT, "%d %.3f %d %.3f %.3f %d %.3f %d %.3f", promptTokens, ttftMs, decodeTokens, decodeMs,
                    e2eMs, serverPromptTokens, serverPromptMs, serverDecodeTokens, serverDecodeMs);
        }

        static Pass parse(String line) {
            String[] f = line.trim().split(" ");
            return new Pass(Long.parseLong(f[0]), Double.parseDouble(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Long.parseLong(f[5]), Double.parseDouble(f[6]), Long.parseLong(f[7]),
                    Double.parseDouble(f[8]));
        }
    }

    @Override
    public Integer call() {
        Bench.checkRepeat(rounds);
        List<String> chosen = List.of(engines.split(","));
        if (chosen.isEmpty() || !ALL.containsAll(chosen)) {
            throw new CliException(ExitCode.USAGE, "--engines must list some of " + String.join(", ", ALL) + ", got '" + engines + "'");
        }
        PrintStream out = System.out;
        Path file = Bench.model(model, size);
        Bench.prompts(prompts); // a bad file fails here, before any child starts
        Bench.header(out, "engines");
        List<String> variants = new ArrayList<>();
        Map<String, List<String>> extra = new LinkedHashMap<>();
        for (String engine : chosen) {
            switch (engine) {
                case "bundled" -> extra.put(engine, List.of("--native-lib", NativeLibrary.BUNDLED));
                case "native" -> {
                    NativeLibrary lib = nativeLib != null ? NativeLibrary.choose(nativeLib.toString(), null, null, java.util.Set.of())
                            : NativeLibrary.choose(null, NativeLibrary.cacheRoot(System.getenv()), NativeBackend.bindingVersion(), NativeLibrary.cpuFlags());
                    if (lib.bundled()) {
                        out.println("native: skipped, no build for this CPU in " + NativeLibrary.cacheRoot(System.getenv()).resolve("native")
                                + " (scripts/build-native-jllama.sh makes one)");
                        continue;
                    }
                    out.println("native: " + lib.description());
                    extra.put(engine, List.of("--native-lib", lib.folder().toString()));
                }
                default -> {
                    LlamaServerBinary binary = LlamaServerBinary.resolve(llamaServer, System.getenv());
                    out.println("llama-server: " + binary.describe() + " at " + binary.path());
                    extra.put(engine, List.of("--llama-server", binary.path().toString()));
                }
            }
            variants.add(engine);
        }
        out.printf(Locale.ROOT, "model %s, prompts %s, max tokens %d, temperature 0, %d thread(s), prompt cache off, one request at a time,"
                + " %d rounds in rotating order, each pass in its own JVM%n", file.getFileName(), prompts, maxTokens, threads, rounds);

        Map<String, List<Pass>> passes = new LinkedHashMap<>();
        variants.forEach(v -> passes.put(v, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < variants.size(); i++) {
                String v = variants.get((i + r) % variants.size());
                List<String> args = new ArrayList<>(List.of("bench", "engines-child", "--engine", v, "--model", file.toString(),
                        "--prompts", prompts.toString(), "--max-tokens", String.valueOf(maxTokens), "--threads", String.valueOf(threads)));
                args.addAll(extra.get(v));
                Pass p = Pass.parse(Bench.child(RESULT, args).get(0));
                passes.get(v).add(p);
                out.printf(Locale.ROOT, "  round %d, %s: prefill %.1f tok/s, decode %.1f tok/s, E2E sum %.2f s; load %s%n",
                        r + 1, v, p.prefill(), p.decode(), p.e2eMs() / 1000, Bench.load());
            }
        }

        out.println();
        Bench.Table table = new Bench.Table();
        Map<String, Stats> prefill = new LinkedHashMap<>();
        Map<String, Stats> decode = new LinkedHashMap<>();
        passes.forEach((v, list) -> {
            prefill.put(v, Stats.of(list.stream().map(Pass::prefill).toList()));
            decode.put(v, Stats.of(list.stream().map(Pass::decode).toList()));
            table.add(v + " prefill", prefill.get(v), "tok/s");
            table.add(v + " decode", decode.get(v), "tok/s");
            table.add(v + " E2E sum", Stats.of(list.stream().map(p -> p.e2eMs() / 1000).toList()), "s");
            if (list.stream().allMatch(p -> p.serverPrefill() != null)) {
                table.add(v + " prefill, server's clock", Stats.of(list.stream().map(Pass::serverPrefill).toList()), "tok/s");
                table.add(v + " decode, server's clock", Stats.of(list.stream().map(Pass::serverDecode).toList()), "tok/s");
            }
        });
        table.print(out);
        ratio(out, "native", "llama-server", prefill, decode, 0.95);
        ratio(out, "native", "bundled", prefill, decode, null);
        ratio(out, "llama-server", "bundled", prefill, decode, null);
        Bench.footer(out);
        return ExitCode.OK;
    }

    private static void ratio(PrintStream out, String a, String b, Map<String, Stats> prefill, Map<String, Stats> decode, Double target) {
        if (!prefill.containsKey(a) || !prefill.containsKey(b)) {
            return;
        }
        double p = prefill.get(a).median() / prefill.get(b).median();
        double d = decode.get(a).median() / decode.get(b).median();
        String verdict = target == null ? "" : String.format(Locale.ROOT, "  target >= %.2fx on both: %s", target,
                p >= target && d >= target ? "met" : "NOT met");
        out.printf(Locale.ROOT, "%s / %s (medians): prefill %.3fx, decode %.3fx%s%n", a, b, p, d, verdict);
    }

    /** One pass of one engine in this JVM: prints one {@value #RESULT} line. */
    @Command(name = "engines-child", hidden = true, description = "One pass of one engine (run by `bench engines`).")
    static final class Child implements Callable<Integer> {
        @Option(names = "--engine", required = true)
        String engine;

        @Option(names = "--model", required = true)
        Path model;

        @Option(names = "--prompts", required = true)
        Path prompts;

        @Option(names = "--max-tokens", required = true)
        int maxTokens;

        @Option(names = "--threads", required = true)
        int threads;

        @Option(names = "--native-lib")
        String nativeLib;

        @Option(names = "--llama-server")
        Path llamaServer;

        @Override
        public Integer call() throws Exception {
            List<Prompt> list = Bench.prompts(prompts).prompts();
            GenerationParams params = Bench.params(maxTokens);
            LlamaCppOptions options = LlamaCppOptions.builder().threads(threads).promptCache(false).build();
            try (InferenceEngine e = engine.equals("llama-server")
                    ? LlamaServerEngine.start(LlamaServerBinary.resolve(llamaServer, System.getenv()), model, options, Duration.ofMinutes(5))
                    : LlamaCppEngine.load(model, options, NativeLibrary.choose(nativeLib, null, null, java.util.Set.of()))) {
                e.complete(new CompletionRequest(list.get(0).messages(), params, null)); // warm-up, not counted
                long promptTokens = 0;
                long decodeTokens = 0;
                double ttft = 0;
                double decodeMs = 0;
                double e2e = 0;
                long sp = 0;
                long sd = 0;
                double spMs = 0;
                double sdMs = 0;
                for (Prompt p : list) {
                    Completion c = e.complete(new CompletionRequest(p.messages(), params, null));
                    if (c.ttftNanos() == null || c.completionTokens() < 2) {
                        throw new CliException(ExitCode.INFRASTRUCTURE, "prompt " + p.id() + " gave no reply to time");
                    }
                    promptTokens += c.promptTokens();
                    ttft += c.ttftNanos() / 1e6;
                    decodeTokens += c.completionTokens() - 1;
                    decodeMs += (c.e2eNanos() - c.ttftNanos()) / 1e6;
                    e2e += c.e2eNanos() / 1e6;
                    EngineTimings t = c.engineTimings();
                    if (t != null) {
                        sp += t.promptTokens();
                        spMs += t.promptMs();
                        sd += t.predictedTokens();
                        sdMs += t.predictedMs();
                    }
                }
                System.out.println(RESULT + " " + new Pass(promptTokens, ttft, decodeTokens, decodeMs, e2e, sp, spMs, sd, sdMs).line());
            }
            return ExitCode.OK;
        }
    }
}
