package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.evalpipe.contracts.Slo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class SloConverterTest {
    private final SloConverter converter = new SloConverter();

    @Test
    void shouldReadEitherObjectiveOrBothInMilliseconds() {
        assertThat(converter.convert("e2e=15s,ttft=2s")).isEqualTo(new Slo(15_000.0, 2_000.0));
        assertThat(converter.convert("ttft=250ms")).isEqualTo(new Slo(null, 250.0));
        assertThat(converter.convert(" e2e=1m ")).isEqualTo(new Slo(60_000.0, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "e2e", "e2e=fast", "p95=2s", "e2e=0s", "e2e=2s,", "e2e=-1s"})
    void shouldRejectWhatIsNoObjective(String text) {
        assertThatThrownBy(() -> converter.convert(text)).isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void shouldReachTheRunsOptions() {
        ProduceCommand produce = new ProduceCommand();
        new CommandLine(produce).parseArgs("--prompts", "p.jsonl", "--slo", "e2e=15s,ttft=2s");
        assertThat(produce.run.slo).isEqualTo(new Slo(15_000.0, 2_000.0));

        ProduceCommand none = new ProduceCommand();
        new CommandLine(none).parseArgs("--prompts", "p.jsonl");
        assertThat(none.run.slo).isEqualTo(Slo.NONE);
    }
}
