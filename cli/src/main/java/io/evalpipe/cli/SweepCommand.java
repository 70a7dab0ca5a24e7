package io.evalpipe.cli;

import io.evalpipe.launch.EngineOptions;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.Preflight;
import io.evalpipe.launch.KafkaOptions;
import io.evalpipe.launch.CliException;
import io.evalpipe.sweep.SweepPlan;
import io.evalpipe.sweep.ModelWorkers;
import io.evalpipe.sweep.SweepNotes;
import io.evalpipe.sweep.SweepReport;
import io.evalpipe.sweep.SweepRun;

import io.evalpipe.report.compare.ReportFolder;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.RunProducer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One run per combination of parameter values, on one broker and one loaded model (or, varying the
 * model, one worker process per model), and a table of what each combination did: the experiment
 * "which max tokens / mode / temperature removes the tail without costing passes", or "which model",
 * in one command.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Runs a prompt set once per combination of the --vary values (their cartesian product) on this machine, as `run` does,"
                + " and writes sweep.md and sweep.html into REPORTS/sweep-<time>/: one row per variant with its model (file size, load"
                + " time, peak RSS), pass rate (95%% CI), E2E p50, p95 and max with N, TTFT p50, decode tok/s, mean completion tokens,"
                + " failures by reason and a link to its report; sweep.html adds charts of pass rate and p95.",
                "Variants run one after another on the same model and workers. A prompt's own params still override the run's,"
                        + " so a varied key a prompt sets itself is not varied for that prompt (sweep.md lists them).",
                "--vary model=A.gguf,B.gguf runs each model in a worker process of its own (evalctl worker, on a pool of its own),"
                        + " one model after another, and adds its file size, load time and peak RSS to its rows; model varies slowest."})
final class SweepCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    GenerationOptions generation;

    @Mixin
    EngineOptions engine;

    @Mixin
    RunOptions run;

    @Mixin
    LocalRunOptions local;

    @Option(names = "--vary", required = true, paramLabel = "KEY=V1,V2,...",
            description = "A parameter and its values; repeatable. KEY: max_tokens, temperature, top_p, top_k, repeat_penalty, seed,"
                    + " timeout_ms, output_mode, or model (GGUF files). E.g. --vary max_tokens=128,256 --vary output_mode=free,schema.")
    List<String> vary;

    @Override
    public Integer call() throws IOException {
        local.apply();
        // Input first: a bad prompt file, option or --vary value must fail before anything is started.
        PromptSet set = Preflight.readPrompts(run.prompts);
        GenerationParams base = generation.params();
        set = generation.withAssertions(set);
        SweepPlan plan = SweepPlan.parse(vary, base);
        refuseVariedOptions(plan);
        Properties clientSettings = kafka.check(run.pool);
        String suite = run.suiteName(set);
        // Every run id of a suite has the same length, so one made now stands for each variant's.
        String sampleRunId = RunProducer.newRunId(suite, Clock.systemUTC().instant());
        for (SweepPlan.Variant v : plan.variants()) {
            Preflight.recordSizes(set, sampleRunId, v.params(), clientSettings);
        }
        engine.check(true);
        // The model and engine, before the broker starts: each varied model, else --model or the default.
        Map<String, ModelWorkers.Model> models = plan.variesModel()
                ? ModelWorkers.check(plan, engine, kafka, run.pool, local.workers) : null;
        if (models == null) {
            engine.precheck();
        }
        Preflight.writableFolder(local.reports, "--reports"); // last: it creates the folder
        Instant started = Clock.systemUTC().instant();
        PrintStream err = System.err;
        err.println("Sweep of " + plan.variants().size() + " variants over " + set.prompts().size() + " prompts");

        List<SweepReport.Entry> done = new ArrayList<>();
        SweepRun sweep = new SweepRun(kafka, engine, local.workers, run.pool, run.deadline, run.slo, local.reports, EvalCtl.class.getName(), err);
        try {
            if (models == null) {
                sweep.inProcess(plan, set, suite, done);
            } else {
                sweep.perModel(plan, models, set, suite, done);
            }
        } catch (CliException e) {
            if (done.isEmpty()) {
                throw e;
            }
            // The variants that finished are worth their table; the exit code still says the sweep failed.
            try {
                writeReport(plan, base, set, done, started, e.getMessage());
            } catch (IOException | RuntimeException written) {
                e.addSuppressed(written);
            }
            throw e;
        }
        Path dir = writeReport(plan, base, set, done, started, null);
        print(done, dir);
        return ExitCode.OK;
    }

    /** A value given both as an option and in --vary would silently lose one of them. */
    private void refuseVariedOptions(SweepPlan plan) {
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("max_tokens", generation.maxTokens);
        given.put("temperature", generation.temperature);
        given.put("top_p", generation.topP);
        given.put("top_k", generation.topK);
        given.put("repeat_penalty", generation.repeatPenalty);
        given.put("seed", generation.seed);
        given.put("timeout_ms", generation.timeout);
        given.put("output_mode", generation.outputMode);
        given.put(SweepPlan.MODEL, engine.model);
        for (String key : plan.keys()) {
            if (given.get(key) != null) {
                throw new CliException(ExitCode.USAGE, key + " is both set by its option (--" + key.replace('_', '-')
                        .replace("timeout-ms", "timeout") + ") and varied; give it in --vary only");
            }
        }
    }

    private Path writeReport(SweepPlan plan, GenerationParams base, PromptSet set, List<SweepReport.Entry> done, Instant started,
                             String stoppedBecause) throws IOException {
        Path dir = SweepReport.createFolder(local.reports, started);
        List<String> notes = SweepNotes.of(plan, base, set, done.size(), stoppedBecause, run.pool, local.workers);
        List<Path> files = SweepReport.write(dir, plan.keys(), done, notes);
        files.forEach(f -> System.err.println("Wrote " + f.toAbsolutePath()));
        return dir;
    }

    private static void print(List<SweepReport.Entry> done, Path dir) {
        PrintStream out = System.out;
        for (SweepReport.Entry e : done) {
            ReportFolder f = e.report();
            out.printf(Locale.ROOT, "%d. %s: %d/%d passed (%.1f%%)%s%n", e.variant().number(), e.variant().label(), f.passed(), f.n(),
                    f.passRate() == null ? 0.0 : 100 * f.passRate(),
                    f.e2e() == null ? "" : String.format(Locale.ROOT, ", E2E p50 %.1f ms, p95 %.1f ms (N=%d)", f.e2e().p50(), f.e2e().p95(), f.e2e().n()));
        }
        out.println("Sweep: " + dir.resolve(SweepReport.MARKDOWN).toAbsolutePath());
    }
}
