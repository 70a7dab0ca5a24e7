package io.evalpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.Lineage;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.worker.engine.FinishReason;
import io.evalpipe.worker.validate.ReplyValidator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobRunnerTest {
    static final String VALID = "{\"reply\": \"Tell me about a time you disagreed with a teammate.\", \"question_type\": \"behavioral\", \"follow_up\": false, \"end_interview\": false}";
    private static final ReplyValidator VALIDATOR = ReplyValidator.fromText("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {"reply": {"type": "string", "maxLength": 600}, "question_type": {"type": "string", "maxLength": 40},
                            "follow_up": {"type": "boolean"}, "end_interview": {"type": "boolean"}},
             "required": ["reply", "end_interview"], "additionalProperties": false}""", "test-schema");
    private static final Lineage LINEAGE = new Lineage("fake", "none", null, 1, 1, null, 0);
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private static Job job(GenerationParams params) {
        return new Job(Messages.SCHEMA_VERSION, "run1", "p1", List.of(new ChatMessage("user", "hi")), params, NOW.minusMillis(250));
    }

    private static EvalResult run(FakeEngine engine, GenerationParams params) throws Exception {
        return new JobRunner(engine, VALIDATOR, ReplyValidator.Mode.STRICT, "w1", "cpu", LINEAGE, Clock.fixed(NOW, ZoneOffset.UTC)).run(job(params));
    }

    @Test
    void shouldPassAValidReplyAndReportVllmTimings() throws Exception {
        EvalResult r = run(FakeEngine.replying(VALID), GenerationParams.NONE);

        assertThat(r.status()).isEqualTo(ResultStatus.PASS);
        assertThat(r.failureReason()).isNull();
        assertThat(r.ttftMs()).isEqualTo(10.0);
        assertThat(r.e2eMs()).isEqualTo(50.0);
        // TPOT = (E2E - TTFT) / (completion tokens - 1) = (50 - 10) / 4
        assertThat(r.tpotMs()).isEqualTo(10.0);
        assertThat(r.queueWaitMs()).isEqualTo(250.0);
        assertThat(r.promptTokens()).isEqualTo(12);
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.workerId()).isEqualTo("w1");
        assertThat(r.pool()).isEqualTo("cpu");
        assertThat(r.lineage()).isEqualTo(LINEAGE);
        assertThat(r.messages()).as("the report shows what was asked").containsExactly(new ChatMessage("user", "hi"));
    }

    @Test
    void shouldCallACutReplyTruncated() throws Exception {
        FakeEngine engine = new FakeEngine(req -> FakeEngine.completion("{\"reply\": \"Tell me", FinishReason.LENGTH));
        EvalResult r = run(engine, GenerationParams.NONE);

        assertThat(r.status()).isEqualTo(ResultStatus.FAIL);
        assertThat(r.failureReason()).isEqualTo("truncated");
        assertThat(r.finishReason()).isEqualTo("length");
    }

    @Test
    void shouldTellInvalidJsonFromSchemaViolations() throws Exception {
        assertThat(run(FakeEngine.replying("Sure! Here is my question."), GenerationParams.NONE).failureReason()).isEqualTo("invalid_json");
        EvalResult violation = run(FakeEngine.replying("{\"reply\": \"x\"}"), GenerationParams.NONE);
        assertThat(violation.failureReason()).isEqualTo("schema_violation");
        assertThat(violation.validationErrors()).anyMatch(e -> e.contains("required"));
    }

    @Test
    void shouldCallATimeoutAnErrorAndKeepThePartialOutput() throws Exception {
        FakeEngine engine = new FakeEngine(req -> FakeEngine.completion("{\"reply\": \"Te", FinishReason.TIMEOUT));
        EvalResult r = run(engine, GenerationParams.NONE);

        assertThat(r.status()).isEqualTo(ResultStatus.ERROR);
        assertThat(r.failureReason()).isEqualTo("timeout");
        assertThat(r.output()).isEqualTo("{\"reply\": \"Te");
    }

    @Test
    void shouldCallABlankReplyEmpty() throws Exception {
        assertThat(run(FakeEngine.replying("  \n"), GenerationParams.NONE).failureReason()).isEqualTo("empty");
    }

    @Test
    void shouldTurnAnEngineFailureIntoAnErrorResult() throws Exception {
        FakeEngine engine = new FakeEngine(req -> {
            throw new IllegalStateException("slot crashed");
        });
        EvalResult r = run(engine, GenerationParams.NONE);

        assertThat(r.status()).isEqualTo(ResultStatus.ERROR);
        assertThat(r.failureReason()).isEqualTo("engine_error");
        assertThat(r.validationErrors()).containsExactly("slot crashed");
    }

    @Test
    void shouldAskForTheSchemaGrammarInSchemaModeAndSayWhenItWasNotApplied() throws Exception {
        FakeEngine engine = FakeEngine.replying(VALID);
        EvalResult r = run(engine, new GenerationParams(null, null, null, null, null, null, null, null, "schema"));

        assertThat(engine.requests().get(0).jsonSchema()).isEqualTo(VALIDATOR.schemaText());
        assertThat(r.notes()).containsExactly("output_mode schema requested but no grammar was applied");
    }

    @Test
    void shouldFillUnsetParamsWithDefaults() throws Exception {
        FakeEngine engine = FakeEngine.replying(VALID);
        run(engine, new GenerationParams(32, null, null, null, null, null, null, null, null));

        GenerationParams sent = engine.requests().get(0).params();
        assertThat(sent.maxTokens()).isEqualTo(32);
        assertThat(sent.temperature()).isEqualTo(GenerationParams.DEFAULTS.temperature());
        assertThat(engine.requests().get(0).jsonSchema()).as("free mode asks for no grammar").isNull();
    }

}
