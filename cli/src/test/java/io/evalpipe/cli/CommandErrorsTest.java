package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.CliException;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandErrorsTest {
    private final StringWriter err = new StringWriter();
    private final CommandLine line = new CommandLine(new EvalCtl()).setErr(new PrintWriter(err, true));

    @Test
    void shouldPrintACliExceptionAsOneEscapedLineWithItsExitCode() {
        int code = new CommandErrors(false).handleExecutionException(
                new CliException(ExitCode.INFRASTRUCTURE, "worker \u001b]0;owned\u0007 stopped"), line, null);

        assertThat(code).isEqualTo(ExitCode.INFRASTRUCTURE);
        assertThat(err.toString().lines()).containsExactly("evalctl: worker \\x1b]0;owned\\x07 stopped");
    }

    @Test
    void shouldPrintAnUnexpectedErrorAsOneLineAndSayHowToGetTheTrace() {
        int code = new CommandErrors(false).handleExecutionException(new IllegalStateException("bad\nstate\u001b[2J"), line, null);

        assertThat(code).isEqualTo(ExitCode.INFRASTRUCTURE);
        assertThat(err.toString().lines()).containsExactly(
                "evalctl: unexpected error: java.lang.IllegalStateException: bad\\x0astate\\x1b[2J"
                        + " (run with EVALPIPE_LOG_LEVEL=DEBUG for the stack trace)");
    }

    @Test
    void shouldPrintAnEscapedStackTraceAtDebug() {
        int code = CommandErrors.forLogLevel("debug").handleExecutionException(
                new IllegalStateException("bad\u001b[2J", new RuntimeException("cause\u0007")), line, null);

        assertThat(code).isEqualTo(ExitCode.INFRASTRUCTURE);
        List<String> lines = err.toString().lines().toList();
        assertThat(lines.subList(0, 2)).containsExactly(
                "evalctl: unexpected error: java.lang.IllegalStateException: bad\\x1b[2J",
                "java.lang.IllegalStateException: bad\\x1b[2J");
        assertThat(lines.get(2)).startsWith("    at io.evalpipe.cli.CommandErrorsTest.shouldPrintAnEscapedStackTraceAtDebug(");
        assertThat(lines).contains("Caused by: java.lang.RuntimeException: cause\\x07");
        assertThat(err.toString()).doesNotContain("\u001b", "\u0007", "\t");
    }

    @Test
    void shouldPrintNoTraceAtTheDefaultLogLevel() {
        CommandErrors.forLogLevel(null).handleExecutionException(new IllegalStateException("x"), line, null);

        assertThat(err.toString()).doesNotContain("    at ").contains(CommandErrors.TRACE_HINT);
    }
}
