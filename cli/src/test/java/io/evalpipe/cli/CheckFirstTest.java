package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to `run` and `produce` ends before anything starts: exit 2, one line naming the
 * problem (FILE:LINE for a prompt file), and no reports folder. No broker runs here: `produce`
 * points at a port nobody listens on, so getting past the checks would end in exit 3 instead, and
 * `run` creates its reports folder only after every other check.
 */
class CheckFirstTest {
    private static final String GOOD = "{\"id\": \"ok\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n";

    @TempDir
    Path dir;

    /** A bad prompt file: its bytes, and the line and reason the error must name. */
    static Stream<Arguments> badPromptFiles() {
        return Stream.of(
                Arguments.of("lone CR between prompts", GOOD + GOOD.replace("ok", "a").strip() + "\r" + GOOD.replace("ok", "b"), 2,
                        "a carriage return without a line feed"),
                Arguments.of("two objects on one line", GOOD + GOOD.strip() .replace("ok", "c") + GOOD.replace("ok", "d"), 2,
                        "a second JSON object"),
                Arguments.of("trailing garbage", GOOD.strip() + " xyz\n", 1, "unexpected text after the JSON object"),
                Arguments.of("duplicate key", "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                        + " \"params\": {\"max_tokens\": 16, \"max_tokens\": 4096}}\n", 1, "duplicate key 'params.max_tokens'"),
                Arguments.of("number as a string", "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                        + " \"params\": {\"max_tokens\": \"128\"}}\n", 1, "params.max_tokens must be an integer"),
                Arguments.of("fraction for an integer", "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                        + " \"params\": {\"max_tokens\": 12.7}}\n", 1, "no fraction or exponent"),
                Arguments.of("lone surrogate", GOOD + "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"\\uD800\"}]}\n", 2,
                        "unpaired UTF-16 surrogate"),
                Arguments.of("malformed JSON", GOOD + "{\"id\": \"a\", \"messages\": [\n", 2, "malformed JSON"),
                Arguments.of("duplicate prompt id", GOOD + GOOD, 2, "duplicate prompt id 'ok'"),
                Arguments.of("missing messages", "{\"id\": \"a\"}\n", 1, "missing field 'messages'"),
                Arguments.of("unknown field", "{\"id\": \"a\", \"mesages\": []}\n", 1, "unknown field 'mesages'"),
                Arguments.of("a line over the record limit", GOOD + "{\"id\": \"big\", \"messages\": [{\"role\": \"user\", \"content\": \""
                        + "x".repeat(1_100_000) + "\"}]}\n", 2, "over the 1048576-byte record limit"));
    }

    @ParameterizedTest(name = "run: {0}")
    @MethodSource("badPromptFiles")
    void shouldRefuseABadPromptFileInRunWithItsLineBeforeStarting(String label, String content, int line, String reason) throws Exception {
        Path prompts = write("prompts.jsonl", content);

        assertRefused(List.of("run", "--prompts", prompts.toString()), prompts + ":" + line + ": ", reason);
    }

    @ParameterizedTest(name = "produce: {0}")
    @MethodSource("badPromptFiles")
    void shouldRefuseABadPromptFileInProduceWithItsLine(String label, String content, int line, String reason) throws Exception {
        Path prompts = write("prompts.jsonl", content);

        assertRefused(List.of("produce", "--prompts", prompts.toString(), "--bootstrap-servers", "127.0.0.1:1"),
                prompts + ":" + line + ": ", reason);
    }

    /** A bad option of `run`: the arguments after the prompt file, and what the line must say. */
    static Stream<Arguments> badRunOptions() {
        return Stream.of(
                Arguments.of("missing schema", List.of("--schema", "@/no-such.schema.json"), "cannot read JSON schema"),
                Arguments.of("schema that is not JSON", List.of("--schema", "@/not-json.schema.json"), "invalid JSON schema"),
                Arguments.of("missing --kafka-config", List.of("--kafka-config", "@/none.properties"), "no such file"),
                Arguments.of("malformed JAAS line", List.of("--kafka-config", "@/jaas.properties"), "JAAS config"),
                Arguments.of("a setting of the wrong type", List.of("--kafka-config", "@/type.properties"), "request.timeout.ms"),
                Arguments.of("illegal pool", List.of("--pool", "gpu/a"), "--pool 'gpu/a' makes an illegal Kafka topic name"),
                Arguments.of("illegal prefix", List.of("--topic-prefix", "ev al"), "--topic-prefix 'ev al' makes an illegal"),
                Arguments.of("prefix too long", List.of("--topic-prefix", "p".repeat(250)), "illegal Kafka topic name"),
                Arguments.of("reports folder is a file", List.of("--reports", "@/a-file"), "is not a folder"),
                Arguments.of("reports folder under a file", List.of("--reports", "@/a-file/reports"), "is not writable"),
                Arguments.of("unknown option", List.of("--prompt", "x"), "Unknown option: '--prompt'"),
                Arguments.of("temperature out of range", List.of("--temperature", "3"), "--temperature"),
                Arguments.of("bad validation mode", List.of("--validation", "lenient"), "--validation must be strict or salvage"),
                Arguments.of("pass-rate gate above 1", List.of("--min-pass-rate", "2"), "--min-pass-rate must be at most 1 (100%), got 2.0"),
                Arguments.of("negative pass-rate gate", List.of("--min-pass-rate", "-0.1"), "--min-pass-rate"),
                Arguments.of("goodput gate without an SLO", List.of("--min-goodput", "0.8"), "--min-goodput needs --slo"),
                Arguments.of("zero p95 gate", List.of("--max-p95", "0s"), "--max-p95 must be more than 0"),
                Arguments.of("negative error gate", List.of("--max-errors", "-1"), "--max-errors must be 0 or more, got -1"));
    }

    @ParameterizedTest(name = "run: {0}")
    @MethodSource("badRunOptions")
    void shouldRefuseABadRunOptionBeforeStarting(String label, List<String> options, String reason) throws Exception {
        Path prompts = write("prompts.jsonl", GOOD);
        write("not-json.schema.json", "{\"type\": ");
        write("jaas.properties", "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule username=\"a\"\n");
        write("type.properties", "request.timeout.ms=soon\n");
        write("a-file", "");
        List<String> args = new ArrayList<>(List.of("run", "--prompts", prompts.toString()));
        options.forEach(o -> args.add(o.startsWith("@/") ? dir.resolve(o.substring(2)).toString() : o));

        assertRefused(args, "", reason);
    }

    private void assertRefused(List<String> args, String prefix, String reason) throws Exception {
        Path reports = dir.resolve("reports");
        List<String> withReports = new ArrayList<>(args);
        if (args.get(0).equals("run") && !args.contains("--reports")) {
            withReports.addAll(List.of("--reports", reports.toString()));
        }
        StringWriter err = new StringWriter();

        int code = EvalCtl.execute(new PrintWriter(err, true), withReports.toArray(String[]::new));

        List<String> lines = err.toString().lines().filter(l -> !l.startsWith("Try '") && !l.startsWith("Did you mean")).toList();
        assertThat(code).as(err.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(lines).as(err.toString()).hasSize(1);
        assertThat(lines.get(0)).startsWith("evalctl: " + prefix).contains(reason);
        assertThat(reports).doesNotExist();
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }
}
