package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.CliException;
import io.evalpipe.bench.BenchCommand;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code evalctl}: one entry point for every role of the pipeline. {@code main} only wires. */
@Command(name = "evalctl", mixinStandardHelpOptions = true, version = "evalctl 0.1.0",
        description = "Batch evaluation of local LLMs over Kafka: enqueue a prompt set, run it on llama.cpp workers, report pass rate and latency.",
        subcommands = {RunCommand.class, ProduceCommand.class, WorkerCommand.class, AggregateCommand.class, TopicsCommand.class, ModelCommand.class, io.evalpipe.bench.BenchCommand.class, ScheduleCommand.class, ApproveCommand.class, RunsCommand.class, CompareCommand.class, SweepCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:the evaluation ran but a gate failed", "2:usage or input error", "3:infrastructure error (broker, model)"})
public final class EvalCtl implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // llama.cpp's binding leaves a native thread running that keeps the JVM alive: exit explicitly.
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code; tests call this instead of {@link #main}. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, with error lines going to {@code err}. */
    public static int execute(PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new EvalCtl());
        cli.setErr(err);
        cli.setParameterExceptionHandler(new UsageErrors());
        cli.setExecutionExceptionHandler(CommandErrors.forLogLevel(System.getenv("EVALPIPE_LOG_LEVEL")));
        cli.setExitCodeExceptionMapper(e -> ExitCode.USAGE);
        return cli.execute(args);
    }

    @Override
    public void run() {
        // A ParameterException, not a CliException: it is a usage mistake, so it gets the Try line, not the whole usage.
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
