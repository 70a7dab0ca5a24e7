package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.DurationConverter;
import io.evalpipe.launch.Preflight;
import io.evalpipe.launch.KafkaOptions;
import io.evalpipe.launch.CliException;
import io.evalpipe.launch.Pipeline;

import io.evalpipe.scheduler.CronSchedule;
import io.evalpipe.scheduler.LogAlerts;
import io.evalpipe.scheduler.RegressionJob;
import io.evalpipe.scheduler.Scheduler;
import io.evalpipe.scheduler.Suite;
import io.evalpipe.scheduler.SuiteFile;
import io.evalpipe.scheduler.WallClockTicker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = {"Runs a suite on a cron schedule until stopped: enqueues it, waits for its report, compares it with the suite's approved baseline (evalctl approve) "
                + "and logs INFO when its gates hold, ERROR \"ALERT ...\" when one fails.",
                "Workers and the aggregator must be running (docker compose); this only enqueues and compares."})
final class ScheduleCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--cron", required = true, paramLabel = "\"M H DOM MON DOW\"",
            description = "5-field Unix cron expression, e.g. \"0 2 * * *\" for 2 am every day.")
    String cron;

    @Option(names = "--suite", required = true, paramLabel = "FILE.yaml", description = "Suite file: prompts, pool, params, slo, gates (see suites/nightly.yaml).")
    Path suiteFile;

    @Option(names = "--reports", paramLabel = "DIR",
            description = "The aggregator's report folder as mounted here. Default: the folder each run's summary names (aggregator on this machine).")
    Path reports;

    @Option(names = "--time-zone", paramLabel = "ZONE", description = "Zone the cron expression is read in, e.g. Europe/Berlin. Default: this machine's zone.")
    String timeZone;

    @Option(names = "--max-wait", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Give a run up (and alert) when it has not reported after this long. Default: the suite's deadline plus 10m, else 6h.")
    Duration maxWait;

    @Option(names = "--partitions", defaultValue = "8", paramLabel = "N", description = "Job partitions to create if the pool's topic is missing. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Override
    public Integer call() {
        // Everything that can be wrong with the input fails now, not at 2 am.
        Suite suite = SuiteFile.read(suiteFile);
        Preflight.readPrompts(suite.prompts());
        if (suite.model() != null) {
            Preflight.describeModel(suite.model());
        }
        CronSchedule schedule = CronSchedule.parse(cron, zone());
        Duration wait = maxWait != null ? maxWait : suite.deadline() != null ? suite.deadline().plusMinutes(10) : Duration.ofHours(6);
        kafka.check(suite.pool());
        Preflight.writableFolder(reports, "--reports");

        Properties props = kafka.clientProperties(kafka.requireBootstrapServers());
        Pipeline.ensureTopics(props, kafka.topics(), suite.pool(), partitions);
        Clock clock = Clock.systemUTC();
        RegressionJob job = new RegressionJob(suite, props, kafka.topics(), clock, reports, new LogAlerts(), wait);
        Scheduler scheduler = new Scheduler(suite.name(), schedule, clock, new WallClockTicker(clock), job);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scheduler.stop();
            try {
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "scheduler-shutdown"));
        try {
            scheduler.run();
        } finally {
            stopped.countDown();
        }
        return ExitCode.OK;
    }

    private ZoneId zone() {
        try {
            return timeZone == null || timeZone.isBlank() ? ZoneId.systemDefault() : ZoneId.of(timeZone);
        } catch (java.time.DateTimeException e) {
            throw new CliException(ExitCode.USAGE, "--time-zone " + timeZone + ": " + e.getMessage());
        }
    }
}
