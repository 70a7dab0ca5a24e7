package io.evalpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Job;
import io.evalpipe.contracts.Json;
import io.evalpipe.contracts.Lineage;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.assertions.Assertion;
import io.evalpipe.contracts.assertions.AssertionOp;
import io.evalpipe.contracts.assertions.AssertionOutcome;
import io.evalpipe.contracts.assertions.AssertionRules;
import io.evalpipe.worker.engine.FinishReason;
import io.evalpipe.worker.validate.ReplyValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a job's assertions turn a schema-valid reply into a pass or an assertion_failed, and when they are not checked. */
class AssertionVerdictTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final ReplyValidator VALIDATOR = ReplyValidator.fromText("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {"reply": {"type": "string", "maxLength": 600}, "question_type": {"type": "string", "maxLength": 40},
                            "follow_up": {"type": "boolean"}, "end_interview": {"type": "boolean"}},
             "required": ["reply", "end_interview"], "additionalProperties": false}""", "test-schema");

    private static List<Assertion> assertions(String... specs) throws Exception {
        List<Assertion> list = new ArrayList<>();
        for (String spec : specs) {
            list.add(AssertionRules.parse(Json.STRICT.readTree(spec)));
        }
        return list;
    }

    private static Job job(List<Assertion> assertions) {
        return new Job(Messages.SCHEMA_VERSION, "run1", "p1", List.of(new ChatMessage("user", "hi")), GenerationParams.NONE, NOW,
                assertions);
    }

    private static EvalResult run(FakeEngine engine, ReplyValidator.Mode mode, List<Assertion> assertions) throws Exception {
        return new JobRunner(engine, VALIDATOR, mode, "w1", "cpu", new Lineage("fake", "none", null, 1, 1, null, 0),
                Clock.fixed(NOW, ZoneOffset.UTC)).run(job(assertions));
    }

    @Test
    void shouldPassASchemaValidReplyWhenEveryAssertionHoldsAndRecordEachOutcome() throws Exception {
        EvalResult r = run(FakeEngine.replying(JobRunnerTest.VALID), ReplyValidator.Mode.STRICT, assertions(
                "{\"pointer\": \"/question_type\", \"equals\": \"behavioral\", \"name\": \"asks a behavioral question\"}",
                "{\"pointer\": \"/end_interview\", \"equals\": false}"));

        assertThat(r.status()).isEqualTo(ResultStatus.PASS);
        assertThat(r.failureReason()).isNull();
        assertThat(r.validationErrors()).isEmpty();
        assertThat(r.assertions()).containsExactly(new AssertionOutcome("asks a behavioral question", true),
                new AssertionOutcome("/end_interview equals false", true));
    }

    @Test
    void shouldFailASchemaValidReplyOnAnAssertionNamingPointerExpectedAndActual() throws Exception {
        EvalResult r = run(FakeEngine.replying(JobRunnerTest.VALID), ReplyValidator.Mode.STRICT, assertions(
                "{\"pointer\": \"/reply\", \"exists\": true}",
                "{\"pointer\": \"/end_interview\", \"equals\": true, \"name\": \"closes the interview\"}",
                "{\"pointer\": \"/score\", \"min\": 1}"));

        assertThat(r.status()).isEqualTo(ResultStatus.FAIL);
        assertThat(r.failureReason()).isEqualTo("assertion_failed");
        assertThat(r.validationErrors()).containsExactly(
                "/end_interview: equals (closes the interview): expected true, actual false",
                "/score: min: expected a number of at least 1, actual absent");
        assertThat(r.assertions()).extracting(AssertionOutcome::held).containsExactly(true, false, false);
    }

    @Test
    void shouldKeepTheSchemaReasonAndCheckNoAssertionForAReplyThatIsNotSchemaValid() throws Exception {
        List<Assertion> exists = assertions("{\"pointer\": \"/reply\", \"exists\": true}");

        EvalResult violation = run(FakeEngine.replying("{\"reply\": \"x\"}"), ReplyValidator.Mode.STRICT, exists);
        EvalResult cut = run(new FakeEngine(req -> FakeEngine.completion("{\"reply\": \"Tell", FinishReason.LENGTH)),
                ReplyValidator.Mode.STRICT, exists);
        EvalResult empty = run(FakeEngine.replying(" "), ReplyValidator.Mode.STRICT, exists);

        assertThat(violation.failureReason()).isEqualTo("schema_violation");
        assertThat(violation.validationErrors()).noneMatch(e -> e.contains("exists"));
        assertThat(cut.failureReason()).isEqualTo("truncated");
        assertThat(empty.failureReason()).isEqualTo("empty");
        assertThat(List.of(violation, cut, empty)).allSatisfy(r -> assertThat(r.assertions()).isEmpty());
    }

    @Test
    void shouldCheckPointersOnTheSalvagedObjectAndTextOperatorsOnTheRawReply() throws Exception {
        String prose = "Sure! Here it is:\n```json\n" + JobRunnerTest.VALID + "\n```";

        EvalResult r = run(FakeEngine.replying(prose), ReplyValidator.Mode.SALVAGE, assertions(
                "{\"pointer\": \"/question_type\", \"equals\": \"behavioral\"}",
                "{\"text_not_contains\": \"Sure!\"}"));

        assertThat(r.failureReason()).isEqualTo("assertion_failed");
        assertThat(r.assertions()).extracting(AssertionOutcome::held).containsExactly(true, false);
        assertThat(r.validationErrors()).singleElement().asString()
                .startsWith("text: text_not_contains: expected text without \"Sure!\", actual found at character 0: \"Sure! Here it is:\\n```json");
        assertThat(r.notes()).contains("JSON salvaged from surrounding text");
    }

    @Test
    void shouldRefuseAJobWhoseAssertionCannotBeChecked() {
        JobLimits limits = new JobLimits(4096, Duration.ofMinutes(5));
        Job handMade = job(List.of(new Assertion(null, AssertionOp.TEXT_MATCHES, null, TextNode.valueOf("(("))));
        Job noPointer = job(List.of(new Assertion(null, AssertionOp.MIN, null, Json.WIRE.getNodeFactory().numberNode(1))));

        assertThat(limits.problem(handMade)).startsWith("job assertion cannot be checked: assertions[0]: 'text_matches': bad regex \"((\"");
        assertThat(limits.problem(noPointer)).isEqualTo("job assertion cannot be checked: assertions[0]: 'min' needs a 'pointer' into"
                + " the reply, such as \"/score\" (\"\" for the whole reply)");
        assertThat(limits.problem(job(List.of()))).isNull();
    }
}
