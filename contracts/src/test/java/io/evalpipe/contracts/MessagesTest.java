package io.evalpipe.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.contracts.assertions.Assertion;
import io.evalpipe.contracts.assertions.AssertionOutcome;
import io.evalpipe.contracts.assertions.AssertionRules;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesTest {
    private static final Instant T = Instant.parse("2026-11-23T10:15:30.123Z");

    @Test
    void shouldRoundTripAJobAsSnakeCaseJson() {
        Job job = new Job(Messages.SCHEMA_VERSION, "run-1", "p-1", List.of(new ChatMessage("user", "hi")),
                new GenerationParams(64, 0.0, null, null, null, 7L, List.of("\n\n"), null, "schema"), T);

        byte[] bytes = Messages.JOB.serializer().serialize("t", job);
        String json = new String(bytes, StandardCharsets.UTF_8);

        assertThat(json).contains("\"schema_version\":1", "\"run_id\":\"run-1\"", "\"max_tokens\":64",
                "\"output_mode\":\"schema\"", "\"enqueued_at\":\"2026-11-23T10:15:30.123Z\"");
        assertThat(json).as("unset params are left out, so a prompt's override stays an override").doesNotContain("top_p");
        assertThat(Messages.JOB.deserializer().deserialize("t", bytes)).isEqualTo(job);
    }

    @Test
    void shouldRoundTripAResultWithItsStatusInLowerCase() {
        EvalResult r = new EvalResult(1, "run-1", "p-1", "w1", ResultStatus.FAIL, "schema_violation", "{}",
                List.of("/reply: required: missing"), "stop", 10, 3, 12.5, 40.0, 13.75, 5.0, T, T, List.of(),
                "cpu", new Lineage("llamacpp", "cpu", "de.kherud:llama 4.2.0 (llama.cpp b4916)", 1, 1, "abc", 300),
                new EngineTimings(260, 10, 20.5, 3, 30.0));

        byte[] bytes = Messages.RESULT.serializer().serialize("t", r);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"status\":\"fail\"", "\"ttft_ms\":12.5");
        assertThat(Messages.RESULT.deserializer().deserialize("t", bytes)).isEqualTo(r);
    }

    @Test
    void shouldCarryAJobsAssertionsWithTheOperatorApartFromItsValue() throws Exception {
        Assertion min = AssertionRules.parse(Json.STRICT.readTree("{\"pointer\": \"/score\", \"min\": 1, \"name\": \"scores\"}"));
        Assertion text = AssertionRules.parse(Json.STRICT.readTree("{\"text_not_contains\": \"As an AI\"}"));
        Job job = new Job(Messages.SCHEMA_VERSION, "run-1", "p-1", List.of(new ChatMessage("user", "hi")), GenerationParams.NONE, T,
                List.of(min, text));

        byte[] bytes = Messages.JOB.serializer().serialize("t", job);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"assertions\":[{\"name\":\"scores\",\"op\":\"min\","
                + "\"pointer\":\"/score\",\"value\":1},{\"op\":\"text_not_contains\",\"value\":\"As an AI\"}]");
        assertThat(Messages.JOB.deserializer().deserialize("t", bytes)).isEqualTo(job);
    }

    @Test
    void shouldReadAJobAndAResultFromBeforeAssertionsAsHavingNone() {
        String job = "{\"schema_version\":1,\"run_id\":\"r\",\"prompt_id\":\"p\",\"messages\":[],\"params\":{}}";
        String result = "{\"schema_version\":1,\"run_id\":\"r\",\"prompt_id\":\"p\",\"status\":\"pass\"}";

        assertThat(Json.decode(job.getBytes(StandardCharsets.UTF_8), Job.class).assertions()).isEmpty();
        assertThat(Json.decode(result.getBytes(StandardCharsets.UTF_8), EvalResult.class).assertions()).isEmpty();
    }

    @Test
    void shouldRoundTripAResultWithItsAssertionOutcomes() {
        EvalResult r = new EvalResult(1, "run-1", "p-1", "w1", ResultStatus.FAIL, "assertion_failed", "{}",
                List.of("/score: min (scores): expected a number of at least 1, actual absent"), "stop", 10, 3, 12.5, 40.0,
                13.75, 5.0, T, T, List.of(), "cpu", null, null, List.of(new ChatMessage("user", "hi")),
                List.of(new AssertionOutcome("scores", false), new AssertionOutcome("/reply exists", true)));

        byte[] bytes = Messages.RESULT.serializer().serialize("t", r);

        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .contains("\"assertions\":[{\"label\":\"scores\",\"held\":false},{\"label\":\"/reply exists\",\"held\":true}]");
        assertThat(Messages.RESULT.deserializer().deserialize("t", bytes)).isEqualTo(r);
    }

    @Test
    void shouldCarryARunsSloAndReadAManifestWithoutOneAsNone() {
        RunManifest m = new RunManifest(1, "run-1", "s", "ab", 1, List.of("p"), GenerationParams.DEFAULTS, null, "cpu", T, null,
                new Slo(15_000.0, 2_000.0));

        byte[] bytes = Messages.MANIFEST.serializer().serialize("t", m);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"slo\":{\"e2e_ms\":15000.0,\"ttft_ms\":2000.0}");
        assertThat(Messages.MANIFEST.deserializer().deserialize("t", bytes)).isEqualTo(m);
        // A manifest from before the field existed.
        String older = "{\"schema_version\":1,\"run_id\":\"r\",\"prompt_count\":0,\"prompt_ids\":[],\"created_at\":\"2026-11-23T10:15:30Z\"}";
        assertThat(Json.decode(older.getBytes(StandardCharsets.UTF_8), RunManifest.class).slo()).isEqualTo(Slo.NONE);
    }

    @Test
    void shouldTolerateUnknownFieldsOnTheWireButNotGarbage() {
        String newer = "{\"schema_version\":1,\"run_id\":\"r\",\"prompt_id\":\"p\",\"messages\":[],\"params\":{},\"added_later\":true}";
        assertThat(Json.decode(newer.getBytes(StandardCharsets.UTF_8), Job.class).runId()).isEqualTo("r");

        assertThatThrownBy(() -> Json.decode("{not json".getBytes(StandardCharsets.UTF_8), Job.class))
                .isInstanceOf(MessageFormatException.class)
                .hasMessageStartingWith("not a valid Job");
        assertThatThrownBy(() -> Json.decode(null, Job.class)).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void shouldLetSetFieldsOverrideAndKeepTheRest() {
        GenerationParams run = GenerationParams.DEFAULTS.overriddenBy(new GenerationParams(128, 0.7, null, null, null, null, null, null, null));
        GenerationParams prompt = new GenerationParams(32, null, null, null, null, null, List.of("END"), null, null);

        GenerationParams merged = run.overriddenBy(prompt);

        assertThat(merged.maxTokens()).isEqualTo(32);
        assertThat(merged.temperature()).isEqualTo(0.7);
        assertThat(merged.stop()).containsExactly("END");
        assertThat(merged.seed()).isEqualTo(GenerationParams.DEFAULTS.seed());
        assertThat(run.overriddenBy(null)).isSameAs(run);
    }

    @Test
    void shouldAcceptOnlyIdsThatAreSafeFileNames() {
        assertThat(Ids.isSafe("IQ-001.v2_b")).isTrue();
        assertThat(List.of("", ".", "..", "../etc", "a/b", "a b", "x".repeat(129), "é"))
                .noneMatch(Ids::isSafe);
        assertThat(Ids.isSafe(null)).isFalse();
    }
}
