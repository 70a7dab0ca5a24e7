package io.evalpipe.scheduler;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * A 5-field Unix cron expression ({@code minute hour day-of-month month day-of-week}), read in a
 * time zone: {@code 0 2 * * *} is 2 am where the team is, not 2 am UTC. Parsing and the next-fire
 * computation, daylight saving included, are cron-utils'.
 */
public final class CronSchedule {
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String expression;
    private final ExecutionTime executionTime;
    private final ZoneId zone;

    private CronSchedule(String expression, ExecutionTime executionTime, ZoneId zone) {
        this.expression = expression;
        this.executionTime = executionTime;
        this.zone = zone;
    }

    /** @throws ScheduleInputException when the expression is not a valid 5-field cron expression */
    public static CronSchedule parse(String expression, ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        if (expression == null || expression.isBlank()) {
            throw new ScheduleInputException("--cron: an expression such as \"0 2 * * *\" is required");
        }
        String trimmed = expression.trim();
        try {
            Cron cron = UNIX.parse(trimmed).validate();
            return new CronSchedule(trimmed, ExecutionTime.forCron(cron), zone);
        } catch (IllegalArgumentException e) {
            throw new ScheduleInputException("--cron \"" + trimmed + "\" is not a 5-field Unix cron expression "
                    + "(minute hour day-of-month month day-of-week): " + e.getMessage());
        }
    }

    /** The first fire time strictly after {@code after}. */
    public Instant nextAfter(Instant after) {
        return executionTime.nextExecution(after.atZone(zone))
                .map(t -> t.toInstant())
                // Only an expression that names a day that never comes (30 February) has no next time.
                .orElseThrow(() -> new ScheduleInputException("--cron \"" + expression + "\" never fires"));
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
