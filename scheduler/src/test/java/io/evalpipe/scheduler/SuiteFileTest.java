package io.evalpipe.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.report.compare.Thresholds;
import io.evalpipe.contracts.Slo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuiteFileTest {
    private static final Path ROOT = Path.of(System.getProperty("evalpipe.root", "..")).toAbsolutePath().normalize();
    private static final String VALID = """
            name: nightly
            prompts: p.jsonl
            gates: {max_pass_rate_drop: 0.02}
            """;

    @TempDir
    Path dir;

    @Test
    void shouldReadTheExampleSuiteWithPathsRelativeToItsFile() {
        Suite suite = SuiteFile.read(ROOT.resolve("suites/nightly.yaml"));

        assertThat(suite.name()).isEqualTo("nightly");
        assertThat(suite.prompts()).isEqualTo(ROOT.resolve("prompts/interview_chat_20.jsonl")).exists();
        assertThat(suite.pool()).isEqualTo("cpu");
        assertThat(suite.params().maxTokens()).isEqualTo(192);
        assertThat(suite.params().outputMode()).isEqualTo("schema");
        assertThat(suite.runParams().topK()).as("unset params keep the defaults").isEqualTo(40);
        assertThat(suite.slo()).isEqualTo(new Slo(15_000.0, 2_000.0));
        assertThat(suite.gates().maxPassRateDrop()).isEqualTo(0.02);
        assertThat(suite.gates().maxP95Increase()).isEqualTo(0.2);
        assertThat(suite.deadline()).isEqualTo(Duration.ofMinutes(30));
        assertThat(suite.model()).isNull();
    }

    @Test
    void shouldDefaultEverythingOptional() throws IOException {
        Suite suite = SuiteFile.read(write(VALID));

        assertThat(suite.pool()).isEqualTo("default");
        assertThat(suite.params()).isEqualTo(io.evalpipe.contracts.GenerationParams.NONE);
        assertThat(suite.slo()).isEqualTo(Slo.NONE);
        assertThat(suite.gates().maxP95Increase()).as("compare's default").isEqualTo(Thresholds.DEFAULTS.maxP95Increase());
        assertThat(suite.deadline()).isNull();
        assertThat(suite.prompts()).isEqualTo(dir.resolve("p.jsonl"));
    }

    @Test
    void shouldGiveMissingGatesTheDefaultsOfCompare() throws IOException {
        Suite suite = SuiteFile.read(write("name: s\nprompts: p.jsonl\n"));

        assertThat(suite.gates()).isEqualTo(Thresholds.DEFAULTS);
    }

    @Test
    void shouldReadAFractionAndAPercentageAlike() throws IOException {
        Suite suite = SuiteFile.read(write("""
                name: s
                prompts: p.jsonl
                gates: {max_pass_rate_drop: 2%, max_p95_increase: 0.5}
                """));

        assertThat(suite.gates().maxPassRateDrop()).isEqualTo(0.02);
        assertThat(suite.gates().maxP95Increase()).isEqualTo(0.5);
    }

    @Test
    void shouldReadAbsoluteLimitsAmongTheGates() throws IOException {
        Suite suite = SuiteFile.read(write("""
                name: s
                prompts: p.jsonl
                slo: {e2e: 15s}
                gates: {max_pass_rate_drop: 2%, min_pass_rate: 90%, min_goodput: 0.8, max_p95: 15s, max_errors: 0}
                """));

        assertThat(suite.gates().maxPassRateDrop()).isEqualTo(0.02);
        assertThat(suite.limits()).isEqualTo(new io.evalpipe.report.compare.RunGates(0.9, 0.8, Duration.ofSeconds(15), 0));
        assertThat(SuiteFile.read(write(VALID)).limits().isSet()).as("no limit unless one is given").isFalse();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "name: s\\nprompts: p.jsonl\\ngates: {max_pass_rate_drop: 0.02}\\ngate: {}                 | unknown key 'gate'",
            "name: s\\nprompts: p.jsonl\\ngates: {max_pass_rate_dorp: 0.02}                          | unknown key 'gates.max_pass_rate_dorp'",
            "name: s\\nprompts: p.jsonl\\ngates: {max_pass_rate_drop: 0.02}\\nslo: {p95: 2s}           | unknown key 'slo.p95'",
            "name: s\\nprompts: p.jsonl\\ngates: {max_pass_rate_drop: 0.02}\\nparams: {max_token: 5}   | unknown key 'params.max_token'",
            "name: s\\nprompts: p.jsonl\\ngates: {max_pass_rate_drop: 0.02}\\nparams: {temperature: 3} | params.temperature: must be between 0 and 2",
            "name: s\\nprompts: p.jsonl\\ngates: {max_pass_rate_drop: 0.02}\\nslo: {e2e: 15}           | slo.e2e: must be a duration",
            "name: s\\nprompts: p.jsonl\\ngates: {max_pass_rate_drop: 0.02}\\nslo: {e2e: 0s}           | slo.e2e: must be more than 0",
            "name: s\\nprompts: p.jsonl\\ngates: {max_pass_rate_drop: 0.02}\\ndeadline: soon           | deadline:",
            "name: s\\nprompts: p.jsonl\\ngates: {max_p95_increase: twenty}                          | gates.max_p95_increase: must be a fraction",
            "name: s\\nprompts: p.jsonl\\ngates: {max_p95_increase: -0.1}                            | gates.max_p95_increase: must not be negative",
            "name: s\\nprompts: p.jsonl\\ngates: {max_pass_rate_drop: 1.5}                           | cannot drop by more than 1",
            "name: s\\nprompts: p.jsonl\\ngates: 0.02                                                | 'gates' must be a mapping",
            "prompts: p.jsonl\\ngates: {max_pass_rate_drop: 0.02}                                    | missing key 'name'",
            "name: s\\ngates: {max_pass_rate_drop: 0.02}                                             | missing key 'prompts'",
            "name: ../up\\nprompts: p.jsonl\\ngates: {max_pass_rate_drop: 0.02}                      | name '../up' must be",
            "name: s\\npool: [a, b]\\nprompts: p.jsonl\\ngates: {max_pass_rate_drop: 0.02}           | 'pool' must be a non-empty string",
            "name: s\\nname: t\\nprompts: p.jsonl\\ngates: {max_pass_rate_drop: 0.02}                | not valid YAML",
            "name: [s\\nprompts: p.jsonl                                                             | not valid YAML",
            "- name: s                                                                               | expected a mapping",
            "''                                                                                      | the file is empty",
            "name: s\\nprompts: p.jsonl\\ngates: {min_pass_rate: 1.5}                               | gates: the minimum pass rate must be within [0, 1]",
            "name: s\\nprompts: p.jsonl\\ngates: {max_errors: 1.5}                                  | gates.max_errors: must be a whole number",
            "name: s\\nprompts: p.jsonl\\ngates: {max_p95: 15}                                      | gates.max_p95: must be a duration",
            "name: s\\nprompts: p.jsonl\\ngates: {min_goodput: 0.8}                                 | gates.min_goodput needs an slo",
    })
    void shouldRejectABadSuiteWithExitTwoNamingTheFile(String yaml, String expected) throws IOException {
        Path file = write(yaml.strip().replace("\\n", "\n"));

        assertThatThrownBy(() -> SuiteFile.read(file))
                .isInstanceOf(ScheduleInputException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(expected);
    }

    @Test
    void shouldRejectAMissingFileWithExitTwo() {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> SuiteFile.read(missing))
                .isInstanceOf(ScheduleInputException.class)
                .hasMessage(missing + ": no such file");
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("suite.yaml"), yaml);
    }
}
