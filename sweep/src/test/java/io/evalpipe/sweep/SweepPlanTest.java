package io.evalpipe.sweep;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.contracts.GenerationParams;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepPlanTest {

    @Test
    void shouldBuildTheCartesianProductWithTheFirstKeyVaryingSlowest() {
        SweepPlan plan = SweepPlan.parse(List.of("max_tokens=128,256", "temperature=0,0.7", "output_mode=free,schema"),
                GenerationParams.DEFAULTS);

        assertThat(plan.keys()).containsExactly("max_tokens", "temperature", "output_mode");
        assertThat(plan.variants()).hasSize(8);
        assertThat(plan.variants()).extracting(SweepPlan.Variant::label).startsWith(
                "max_tokens=128 temperature=0 output_mode=free",
                "max_tokens=128 temperature=0 output_mode=schema",
                "max_tokens=128 temperature=0.7 output_mode=free");
        SweepPlan.Variant last = plan.variants().get(7);
        assertThat(last.number()).isEqualTo(8);
        assertThat(last.params()).isEqualTo(GenerationParams.DEFAULTS.overriddenBy(
                new GenerationParams(256, 0.7, null, null, null, null, null, null, "schema")));
    }

    @Test
    void shouldKeepTheRunsOtherParameters() {
        GenerationParams base = GenerationParams.DEFAULTS.overriddenBy(new GenerationParams(null, null, 0.9, null, null, 7L, null, 5000L, null));

        SweepPlan plan = SweepPlan.parse(List.of("top_k=10", "repeat_penalty=1.1", "seed=1,2", "timeout_ms=1000"), base);

        assertThat(plan.variants()).hasSize(2);
        assertThat(plan.variants().get(1).params()).isEqualTo(new GenerationParams(256, 0.0, 0.9, 10, 1.1, 2L, List.of(), 1000L, "free"));
    }

    @Test
    void shouldRefuseUnknownRepeatedOrBadKeysAndValues() {
        for (List<String> vary : List.of(List.of("stop=a,b"), List.of("max_tokens"), List.of("max_tokens=1,1"),
                List.of("max_tokens=1,"), List.of("max_tokens=1.5"), List.of("max_tokens=0"), List.of("temperature=3"),
                List.of("output_mode=yaml"), List.of("seed=1", "seed=2"))) {
            assertThatThrownBy(() -> SweepPlan.parse(vary, GenerationParams.DEFAULTS)).as("%s", vary)
                    .isInstanceOf(SweepInputException.class);
        }
    }

    @Test
    void shouldVaryTheModelSlowestWhereverItIsGivenAndLeaveTheParamsAlone() {
        SweepPlan plan = SweepPlan.parse(List.of("max_tokens=16,32", "model=models/a.gguf,/tmp/b.gguf"), GenerationParams.DEFAULTS);

        assertThat(plan.keys()).containsExactly("model", "max_tokens");
        assertThat(plan.variesModel()).isTrue();
        assertThat(plan.variants()).extracting(SweepPlan.Variant::label).containsExactly(
                "model=models/a.gguf max_tokens=16", "model=models/a.gguf max_tokens=32",
                "model=/tmp/b.gguf max_tokens=16", "model=/tmp/b.gguf max_tokens=32");
        assertThat(plan.variants()).extracting(SweepPlan.Variant::model)
                .containsExactly("models/a.gguf", "models/a.gguf", "/tmp/b.gguf", "/tmp/b.gguf");
        assertThat(plan.variants().get(2).params()).isEqualTo(GenerationParams.DEFAULTS.overriddenBy(
                new GenerationParams(16, null, null, null, null, null, null, null, null)));
    }

    @Test
    void shouldVaryOnlyTheModelWhenItIsTheOnlyKey() {
        SweepPlan plan = SweepPlan.parse(List.of("model=a.gguf,b.gguf"), GenerationParams.DEFAULTS);

        assertThat(plan.variants()).hasSize(2).allSatisfy(v -> assertThat(v.params()).isEqualTo(GenerationParams.DEFAULTS));
        assertThat(SweepPlan.parse(List.of("max_tokens=16"), GenerationParams.DEFAULTS).variesModel()).isFalse();
        assertThat(plan.variants().get(0).model()).isEqualTo("a.gguf");
    }

    @Test
    void shouldRefuseRepeatedOrEmptyModels() {
        for (List<String> vary : List.of(List.of("model=a.gguf,a.gguf"), List.of("model=a.gguf,"), List.of("model="),
                List.of("model=a.gguf", "model=b.gguf"))) {
            assertThatThrownBy(() -> SweepPlan.parse(vary, GenerationParams.DEFAULTS)).as("%s", vary)
                    .isInstanceOf(SweepInputException.class);
        }
    }

    @Test
    void shouldNameTheModelKeyAmongTheKeysItAccepts() {
        assertThatThrownBy(() -> SweepPlan.parse(List.of("modle=a.gguf"), GenerationParams.DEFAULTS))
                .hasMessageContaining("output_mode, model]");
    }
}
