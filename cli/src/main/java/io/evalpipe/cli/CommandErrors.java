package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.CliException;

import io.evalpipe.scheduler.ScheduleInputException;
import io.evalpipe.sweep.SweepInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * A command that threw: a {@link CliException} ends with its one line and exit code, a {@link ScheduleInputException}
 * or {@link SweepInputException} with its line and exit 2; anything else with one line and exit 3. A stack trace only on request: it is for whoever debugs evalctl, and buries the line for everyone else.
 */
final class CommandErrors implements CommandLine.IExecutionExceptionHandler {
    static final String TRACE_HINT = "(run with EVALPIPE_LOG_LEVEL=DEBUG for the stack trace)";

    private final boolean stackTraces;

    CommandErrors(boolean stackTraces) {
        this.stackTraces = stackTraces;
    }

    /** Stack traces when the logs are at DEBUG or finer: the same switch that makes the roles' logs verbose. */
    static CommandErrors forLogLevel(String logLevel) {
        return new CommandErrors("DEBUG".equalsIgnoreCase(logLevel) || "TRACE".equalsIgnoreCase(logLevel));
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine line, CommandLine.ParseResult parsed) {
        PrintWriter err = line.getErr();
        Integer oneLine = e instanceof CliException ce ? Integer.valueOf(ce.exitCode())
                : e instanceof ScheduleInputException || e instanceof SweepInputException ? Integer.valueOf(ExitCode.USAGE) : null;
        if (oneLine != null) {
            err.println("evalctl: " + ControlChars.escape(e.getMessage()));
            err.flush();
            return oneLine;
        }
        String summary = "evalctl: unexpected error: " + ControlChars.escape(e.toString());
        if (!stackTraces) {
            err.println(summary + " " + TRACE_HINT);
        } else {
            err.println(summary);
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            // The trace repeats the messages, so it is escaped too; its indenting tabs become spaces rather than \x09.
            trace.toString().lines().forEach(l -> err.println(ControlChars.escape(l.replace("\t", "    "))));
        }
        err.flush();
        return ExitCode.INFRASTRUCTURE;
    }
}
