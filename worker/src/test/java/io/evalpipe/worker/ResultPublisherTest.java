package io.evalpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.contracts.ChatMessage;
import io.evalpipe.contracts.EvalResult;
import io.evalpipe.contracts.Messages;
import io.evalpipe.contracts.ResultStatus;
import io.evalpipe.contracts.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a result that would be too large for the results topic is cut to fit. No broker: nothing is sent. */
class ResultPublisherTest {
    private static final int LIMIT = 150_000;
    private final ResultPublisher publisher = new ResultPublisher(props(), Topics.DEFAULT, "w1", LIMIT);

    private static Properties props() {
        Properties p = new Properties();
        p.put("bootstrap.servers", "127.0.0.1:1"); // never contacted
        return p;
    }

    @AfterEach
    void close() {
        publisher.close();
    }

    private static EvalResult result(String output) {
        return new EvalResult(Messages.SCHEMA_VERSION, "run", "p1", "w1", ResultStatus.FAIL, "invalid_json", output,
                List.of("line 1: not JSON"), "length", 10, 4000, 1.0, 2.0, 0.5, 0.0, Instant.EPOCH, Instant.EPOCH, List.of(), "cpu",
                null, null);
    }

    private static int size(EvalResult r) {
        return Messages.RESULT.serializer().serialize(null, r).length;
    }

    @Test
    void shouldLeaveAResultThatFitsAsItIs() {
        EvalResult r = result("{\"reply\": \"fine\"}");

        assertThat(publisher.fit(r)).isSameAs(r);
    }

    @Test
    void shouldKeepTheLongestPrefixOfTheOutputThatFitsAndSaySo() {
        String output = "word ".repeat(60_000); // 300,000 chars
        EvalResult fitted = publisher.fit(result(output));

        assertThat(size(fitted)).isLessThanOrEqualTo(LIMIT - ResultPublisher.RECORD_OVERHEAD);
        assertThat(output).startsWith(fitted.output());
        // The longest: one more character would not fit.
        EvalResult oneMore = result(output.substring(0, fitted.output().length() + 1));
        assertThat(size(new EvalResult(oneMore.schemaVersion(), "run", "p1", "w1", oneMore.status(), oneMore.failureReason(),
                oneMore.output(), oneMore.validationErrors(), oneMore.finishReason(), 10, 4000, 1.0, 2.0, 0.5, 0.0, Instant.EPOCH,
                Instant.EPOCH, fitted.notes(), "cpu", null, null))).isGreaterThan(LIMIT - ResultPublisher.RECORD_OVERHEAD);
        assertThat(fitted.notes()).singleElement().asString()
                .startsWith("output cut from 300000 to " + fitted.output().length() + " chars")
                .contains("record limit of 150000 bytes", "w1 logged the whole output at DEBUG");
        assertThat(fitted.status()).isEqualTo(ResultStatus.FAIL);
        assertThat(fitted.completionTokens()).as("the counts stay what was decoded").isEqualTo(4000);
    }

    @Test
    void shouldLeaveTheMessagesOutBeforeCuttingTheOutput() {
        EvalResult r = withMessages(result("{\"reply\": \"fine\"}"), "x".repeat(LIMIT));

        EvalResult fitted = publisher.fit(r);

        assertThat(fitted.messages()).isEmpty();
        assertThat(fitted.output()).isEqualTo(r.output());
        assertThat(fitted.notes()).singleElement().asString()
                .startsWith("the prompt's messages are left out of the result").contains("record limit of 150000 bytes");
    }

    @Test
    void shouldKeepMessagesThatFit() {
        EvalResult r = withMessages(result("{\"reply\": \"fine\"}"), "What is 2 + 2?");

        assertThat(publisher.fit(r)).isSameAs(r);
    }

    private static EvalResult withMessages(EvalResult r, String content) {
        return new EvalResult(r.schemaVersion(), r.runId(), r.promptId(), r.workerId(), r.status(), r.failureReason(),
                r.output(), r.validationErrors(), r.finishReason(), r.promptTokens(), r.completionTokens(), r.ttftMs(),
                r.e2eMs(), r.tpotMs(), r.queueWaitMs(), r.startedAt(), r.finishedAt(), r.notes(), r.pool(), r.lineage(),
                r.engineTimings(), List.of(new ChatMessage("user", content)));
    }

    @Test
    void shouldNeverSplitACharacterOutsideTheBasicPlane() {
        String output = "\uD83D\uDE00".repeat(100_000);
        EvalResult fitted = publisher.fit(result(output));

        assertThat(fitted.output().length() % 2).isZero();
        assertThat(fitted.output().codePoints()).allMatch(cp -> cp == 0x1F600);
    }

    @Test
    void shouldTakeTheSmallerOfTheProducersAndTheTopicsLimit() {
        Properties p = props();
        p.put("max.request.size", "150000");
        assertThat(ResultPublisher.recordLimit(p, 1_048_588)).isEqualTo(150_000);
        assertThat(ResultPublisher.recordLimit(props(), 64_000)).isEqualTo(64_000);
        assertThat(ResultPublisher.recordLimit(props(), 2_000_000)).isEqualTo(1_048_576);
    }
}
