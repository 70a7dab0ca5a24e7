package io.evalpipe.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.evalpipe.contracts.EvalResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptLengthBucketTest {

    private static EvalResult timed(String id, int promptTokens, double ttftMs, double e2eMs) {
        return Fixtures.result("r", id).tokens(promptTokens, 10).ttftMs(ttftMs).e2eMs(e2eMs).build();
    }

    @Test
    void shouldPutEachPromptInTheFirstBucketWhoseBoundItDoesNotExceed() {
        List<PromptLengthBucket> buckets = PromptLengthBucket.of(List.of(
                timed("a", 100, 10, 100), timed("b", 256, 30, 300),   // ≤256: the bound is inclusive
                timed("c", 257, 50, 500),                              // ≤512
                timed("d", 1025, 90, 900)));                           // >1024

        assertThat(buckets).extracting(PromptLengthBucket::label).containsExactly("≤256", "≤512", "≤1024", ">1024");
        assertThat(buckets).extracting(PromptLengthBucket::n).containsExactly(2, 1, 0, 1);
        // R-7 on {10, 30}: p50 = 20; on {100, 300}: p50 = 200.
        assertThat(buckets.get(0).ttft().p50()).isEqualTo(20.0);
        assertThat(buckets.get(0).e2e().p50()).isEqualTo(200.0);
        assertThat(buckets.get(1).e2e().p95()).isEqualTo(500.0);
        assertThat(buckets.get(2).e2e()).as("an empty bucket has no figures, but is listed").isNull();
        assertThat(buckets.get(3).ttft().n()).isEqualTo(1);
    }
}
