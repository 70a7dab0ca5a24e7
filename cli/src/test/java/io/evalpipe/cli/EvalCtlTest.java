package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Usage mistakes: what they print (exactly: at most three lines) and exit with, not the usage. */
class EvalCtlTest {
    private final StringWriter err = new StringWriter();

    private int evalctl(String... args) {
        return EvalCtl.execute(new PrintWriter(err, true), args);
    }

    private static String lines(String... lines) {
        return Stream.of(lines).map(l -> l + System.lineSeparator()).collect(Collectors.joining());
    }

    @Test
    void shouldNameAnUnknownOptionEvenWhenARequiredOptionIsMissing() {
        int code = evalctl("run", "--prompt", "x.jsonl");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).isEqualTo(lines(
                "evalctl: Unknown option: '--prompt'",
                "Did you mean: --prompts?",
                "Try 'evalctl run --help' for usage."));
    }

    @Test
    void shouldSuggestTheNearestOptionForSwappedLetters() {
        int code = evalctl("run", "--prompts", "p.jsonl", "--modle", "m.gguf");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).isEqualTo(lines(
                "evalctl: Unknown option: '--modle'",
                "Did you mean: --model?",
                "Try 'evalctl run --help' for usage."));
    }

    @Test
    void shouldReportAMissingRequiredOptionInOneLine() {
        int code = evalctl("run");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).isEqualTo(lines(
                "evalctl: Missing required option: '--prompts=FILE.jsonl'",
                "Try 'evalctl run --help' for usage."));
    }

    @Test
    void shouldReportABadOptionValueInOneLine() {
        int code = evalctl("run", "--prompts", "p.jsonl", "--workers", "x");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).isEqualTo(lines(
                "evalctl: Invalid value for option '--workers': 'x' is not an int",
                "Try 'evalctl run --help' for usage."));
    }

    @Test
    void shouldSuggestTheNearestCommandForAMistypedOne() {
        int code = evalctl("rn");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).isEqualTo(lines(
                "evalctl: unknown command 'rn'",
                "Did you mean: run?",
                "Try 'evalctl --help' for usage."));
    }

    @Test
    void shouldSuggestOnlyTheNearestCommandForSwappedLetters() {
        int code = evalctl("wroker");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).isEqualTo(lines(
                "evalctl: unknown command 'wroker'",
                "Did you mean: worker?",
                "Try 'evalctl --help' for usage."));
    }

    @Test
    void shouldNameAMistypedCommandRatherThanTheOptionsAfterIt() {
        int code = evalctl("rnu", "--prompts", "x.jsonl");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).isEqualTo(lines(
                "evalctl: unknown command 'rnu'",
                "Did you mean: run?",
                "Try 'evalctl --help' for usage."));
    }

    @Test
    void shouldSuggestASubcommandAndPointAtItsParentsHelp() {
        int code = evalctl("bench", "scaleot");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).isEqualTo(lines(
                "evalctl: unknown command 'scaleot'",
                "Did you mean: scaleout?",
                "Try 'evalctl bench --help' for usage."));
    }

    @Test
    void shouldAskForACommandInsteadOfPrintingTheUsage() {
        int code = evalctl();

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).isEqualTo(lines(
                "evalctl: a command is required",
                "Try 'evalctl --help' for usage."));
    }

    @Test
    void shouldAskForABenchmarkInsteadOfPrintingTheUsage() {
        int code = evalctl("bench");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).isEqualTo(lines(
                "evalctl: a benchmark is required: overhead, batching, scaleout, aggregator, startup or engines",
                "Try 'evalctl bench --help' for usage."));
    }

    @Test
    void shouldEscapeControlCharactersInAnUnknownOption() {
        int code = evalctl("run", "--prompts", "p.jsonl", "--x\u001b]0;owned\u0007");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).isEqualTo(lines(
                "evalctl: Unknown option: '--x\\x1b]0;owned\\x07'",
                "Try 'evalctl run --help' for usage."));
    }

    @Test
    void shouldEscapeControlCharactersInACommandsError() {
        // produce, not run: it reads the prompts first too, and leaves the test JVM's log levels alone.
        int code = evalctl("produce", "--prompts", "a\u001bb\u0007.jsonl");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).isEqualTo(lines("evalctl: a\\x1bb\\x07.jsonl: no such file"));
    }
}
