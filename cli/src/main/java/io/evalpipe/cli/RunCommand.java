package io.evalpipe.cli;

import io.evalpipe.launch.EngineOptions;
import io.evalpipe.launch.LocalCluster;
import io.evalpipe.launch.Preflight;
import io.evalpipe.launch.KafkaOptions;

import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.ModelInfo;
import io.evalpipe.contracts.RunSummary;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.report.compare.RunGates;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The one-machine path: broker (embedded unless given), aggregator and workers in this process,
 * one run through them, the report on disk, everything stopped again.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Evaluates a prompt set end to end on this machine and writes its report. Without --bootstrap-servers an embedded Kafka broker is started; without --model a synthetic model is generated.")
final class RunCommand implements Callable<Integer> {

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

    @Mixin
    GateOptions gateOptions;

    @Option(names = "--json", description = "Print the run's summary (summary.json, with the report folder and the gates) as JSON on stdout, and nothing else there.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        local.apply();
        // Input first: a bad prompt file or option must fail before anything is started.
        PromptSet set = Preflight.readPrompts(run.prompts);
        var params = generation.params();
        set = generation.withAssertions(set);
        Properties clientSettings = kafka.check(run.pool);
        String suiteName = run.suiteName(set);
        String runId = RunProducer.newRunId(suiteName, Clock.systemUTC().instant());
        Preflight.recordSizes(set, runId, params, clientSettings);
        RunGates gates = gateOptions.gates(run.slo);
        engine.check(true);
        engine.precheck(); // the model and engine, before the broker starts
        Preflight.writableFolder(local.reports, "--reports"); // last: it creates the folder

        try (LocalCluster cluster = LocalCluster.start(kafka, engine, local.workers, run.pool, System.err)) {
            RunSummary summary = cluster.run(runId, set, suiteName, params, run.deadline, run.slo, local.reports, !quiet);
            RunOutcome outcome = RunOutcome.judge(Path.of(summary.reportDir()), gates);
            // With --json stdout is for the JSON alone; the lines a person reads go to stderr.
            PrintStream human = json ? System.err : System.out;
            printSummary(human, summary, cluster.model());
            outcome.printGates(human);
            if (json) {
                System.out.println(Json.WIRE.writerWithDefaultPrettyPrinter().writeValueAsString(outcome.json()));
            }
            outcome.printFailures(System.err);
            return outcome.exitCode();
        }
    }

    private static void printSummary(PrintStream out, RunSummary s, ModelInfo model) {
        out.printf("Run %s: %d/%d passed (%.1f%%)%s%n", s.runId(), s.passed(), s.n(), 100 * s.passRate(),
                s.complete() ? "" : ", " + s.missing().size() + " missing");
        if (s.e2eP50Ms() != null) {
            out.printf("E2E latency p50 %.1f ms, p95 %.1f ms (N=%d)%n", s.e2eP50Ms(), s.e2eP95Ms(), s.n());
        }
        if (model.synthetic()) {
            out.println("Model is synthetic (random weights): the replies are meaningless; the figures measure the pipeline.");
        }
        out.println("Report: " + s.reportDir());
    }
}
