package io.evalpipe.scheduler;

import io.evalpipe.report.compare.RunGates;
import io.evalpipe.report.compare.Thresholds;
import io.evalpipe.contracts.GenerationParams;
import io.evalpipe.contracts.Slo;
import io.evalpipe.contracts.assertions.Assertion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A regression suite: what to run on a schedule, and how far a run may fall behind its approved
 * baseline before someone is alerted. Read from a YAML file by {@link SuiteFile}.
 *
 * @param name     the suite's name: runs carry it, and its baseline is approved under it
 * @param source   the file it was read from, for messages
 * @param prompts  the prompt set (JSONL), read again at every run so that edits take effect
 * @param pool     the worker pool the runs go to
 * @param params   run-level generation parameters, over the pipeline's defaults
 * @param slo      the latency the suite's callers are promised, carried in each run's manifest; {@link Slo#NONE} for none
 * @param gates    how much worse than the baseline a run may be, judged as `evalctl compare` judges it
 * @param limits   absolute limits on every run, judged as `evalctl run --min-pass-rate ...` judges them; {@link RunGates#NONE} for none
 * @param deadline report a run this long after enqueueing even with prompts missing; null: wait for all
 * @param model    the model file the workers serve, to name it in the manifest; null: unnamed
 * @param assertions added to every prompt's own, as {@code evalctl run --assert} adds them; read once,
 *                 when the suite is (unlike the prompt file, which is read again for every run)
 */
public record Suite(String name, Path source, Path prompts, String pool, GenerationParams params, Slo slo, Thresholds gates,
                   RunGates limits, Duration deadline, Path model, List<Assertion> assertions) {

    public Suite {
        assertions = assertions == null ? List.of() : List.copyOf(assertions);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prompts, "prompts");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(slo, "slo");
        Objects.requireNonNull(gates, "gates");
        Objects.requireNonNull(limits, "limits");
    }

    /** The parameters a run of this suite is enqueued with: the defaults, overridden by the suite's. */
    public GenerationParams runParams() {
        return GenerationParams.DEFAULTS.overriddenBy(params);
    }
}
