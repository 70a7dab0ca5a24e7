package io.evalpipe.bench;

import io.evalpipe.launch.CliException;
import io.evalpipe.launch.DurationConverter;
import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.Schemas;
import io.evalpipe.bench.Bench.Stats;
import io.evalpipe.contracts.Slo;
import io.evalpipe.producer.PromptSet;
import io.evalpipe.producer.RunProducer;
import io.evalpipe.worker.Worker;
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
 * Jobs/s for N workers of one pool against one broker. The engine is simulated (a fixed sleep per
 * job, no CPU), so N workers in one process measure how the pipeline spreads work, not how a
 * 2-core machine shares its cores. Timed from enqueue to the run's last result on the results topic.
 */
@Command(name = "scaleout", mixinStandardHelpOptions = true,
        description = "Jobs/s for 1, 2, 4, 8 workers against one embedded broker, with a simulated engine of fixed latency.")
final class ScaleoutBench implements Callable<Integer> {

    @Option(names = "--workers", defaultValue = "1,2,4,8", paramLabel = "N,N,...", description = "Worker counts. Default: ${DEFAULT-VALUE}.")
    String workers;

    @Option(names = "--jobs", defaultValue = "400", paramLabel = "N", description = "Jobs per repetition. Default: ${DEFAULT-VALUE}.")
    int jobs;

    @Option(names = "--latency", defaultValue = "100ms", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Simulated time per job. Default: ${DEFAULT-VALUE}.")
    Duration latency;

    @Option(names = "--partitions", defaultValue = "8", paramLabel = "N", description = "Partitions of the job topic. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--slots", defaultValue = "1", paramLabel = "K", description = "Slots per worker. Default: ${DEFAULT-VALUE}.")
    int slots;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "N", description = "Repetitions per worker count. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--schema", paramLabel = "FILE",
            description = "Schema the workers validate against. Default: the built-in interview_chat schema.")
    Path schema;

    @Override
    public Integer call() throws Exception {
        Bench.checkRepeat(repeat);
        if (jobs < 1 || partitions < 1 || slots < 1) {
            throw new CliException(ExitCode.USAGE, "--jobs, --partitions and --slots must be at least 1");
        }
        List<Integer> counts = Bench.ints(workers, "--workers");
        ReplyValidator validator = Schemas.validator(schema);
        PrintStream out = System.out;
        Bench.header(out, "scaleout");
        out.printf(Locale.ROOT, "engine: simulated, %d ms per job (a sleep, no CPU); %d jobs per repetition; %d job partitions; %d slot(s) per worker; %d repetitions%n",
                latency.toMillis(), jobs, partitions, slots, repeat);
        PromptSet set = jobSet(jobs);
        Bench.Table table = new Bench.Table();
        List<String> verdicts = new ArrayList<>();
        double base = Double.NaN;
        try (BenchPipeline pipeline = BenchPipeline.start()) {
            boolean share = pipeline.shareGroups();
            out.println("queue: " + (share ? "share groups (any number of workers share one partition's jobs)"
                    : "consumer groups (at most one worker slot per partition)"));
            for (int n : counts) {
                String pool = "scale-" + n;
                pipeline.ensureTopics(pool, partitions);
                SimulatedEngine engine = new SimulatedEngine(latency);
                List<Worker> started = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    started.add(pipeline.startWorker(pool, pool + "-w" + i, slots, engine, null, validator));
                }
                pipeline.awaitWorkersAssigned(pool, share ? n * slots : n, partitions);
                timeRun(pipeline, pool, jobSet(Math.min(jobs, 2 * partitions))); // warm-up, not counted
                List<Double> rates = new ArrayList<>();
                List<Double> busiest = new ArrayList<>();
                for (int r = 0; r < repeat; r++) {
                    Timed t = timeRun(pipeline, pool, set);
                    rates.add(jobs / t.seconds());
                    busiest.add((double) t.busiest());
                }
                started.forEach(Worker::close); // idle workers of this pool must not share the CPU with the next
                Stats s = Stats.of(rates);
                table.add(n + " worker(s)", s, "jobs/s");
                if (n == 1) {
                    base = s.median();
                    out.printf(Locale.ROOT, "  1 worker: %.1f jobs/s = %.1f ms per job, of which %d ms simulated; load %s%n",
                            s.median(), 1000.0 * slots / s.median(), latency.toMillis(), Bench.load());
                } else {
                    // The busiest worker sets the pace: with a consumer group, partitions (and the workers holding them) get uneven shares.
                    double even = (double) jobs / (share ? n : Math.min(n, partitions));
                    double most = Stats.of(busiest).median();
                    out.printf(Locale.ROOT, "  %d workers: %.1f jobs/s; busiest worker did %.0f of %d jobs (even share %.0f, so at best %.0f%% of ideal); load %s%n",
                            n, s.median(), most, jobs, even, 100 * even / most, Bench.load());
                }
                if (!Double.isNaN(base) && n > 1) {
                    double speedup = s.median() / base;
                    boolean inTarget = share || n * slots <= partitions;
                    verdicts.add(String.format(Locale.ROOT, "%d workers: %.2fx of 1 worker (%.1f%% of %d)%s", n, speedup, 100 * speedup / n, n,
                            !inTarget ? "  (more slots than partitions: not a target)"
                                    : speedup >= 0.9 * n ? "  target >= 0.9 x N: met" : "  target >= 0.9 x N: NOT met"));
                }
            }
        }
        out.println();
        table.print(out);
        verdicts.forEach(out::println);
        Bench.footer(out);
        return ExitCode.OK;
    }

    /** Jobs with short, distinct prompts: the engine ignores them, Kafka and the validator do not. */
    private static PromptSet jobSet(int n) {
        return new PromptSet("scaleout", Path.of("simulated"), "0".repeat(64), Bench.shortPrompts(n));
    }

    /** @param busiest jobs done by the worker that did the most */
    private record Timed(double seconds, int busiest) {}

    /** From enqueue to the run's last result on the results topic. */
    private static Timed timeRun(BenchPipeline pipeline, String pool, PromptSet set) {
        try (BenchPipeline.ResultWatch watch = pipeline.watchResults()) {
            String runId = RunProducer.newRunId("scaleout", Clock.systemUTC().instant());
            long t0 = System.nanoTime();
            new RunProducer(pipeline.kafka(), BenchPipeline.TOPICS, Clock.systemUTC())
                    .enqueue(runId, set, "scaleout", pool, Bench.params(16), null, null, Slo.NONE);
            watch.await(runId, set.prompts().size(), Duration.ofMinutes(30));
            return new Timed(Bench.seconds(System.nanoTime() - t0), watch.busiestWorker());
        }
    }
}
