package io.evalpipe.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronScheduleTest {

    @ParameterizedTest(name = "{0} after {1} -> {2}")
    @CsvSource({
            "0 2 * * *,     2026-11-23T19:45:12Z, 2026-11-24T02:00:00Z",
            // Strictly after: a run that fired at 02:00 must not fire again at 02:00.
            "0 2 * * *,     2026-11-24T02:00:00Z, 2026-11-25T02:00:00Z",
            "0 2 * * *,     2026-11-24T01:59:59.999Z, 2026-11-24T02:00:00Z",
            "*/15 * * * *,  2026-11-23T10:07:30Z, 2026-11-23T10:15:00Z",
            "*/15 * * * *,  2026-11-23T10:45:00Z, 2026-11-23T11:00:00Z",
            // Friday after nine: the next weekday at nine is Monday.
            "0 9 * * 1-5,   2026-11-27T10:00:00Z, 2026-11-30T09:00:00Z",
            "30 4 1 * *,    2026-01-31T05:00:00Z, 2026-02-01T04:30:00Z",
            "0 0 1 1 *,     2026-12-31T23:59:00Z, 2027-01-01T00:00:00Z",
    })
    void shouldComputeTheNextFireTimeInUtc(String expression, String after, String expected) {
        CronSchedule cron = CronSchedule.parse(expression, ZoneOffset.UTC);

        assertThat(cron.nextAfter(Instant.parse(after))).isEqualTo(Instant.parse(expected));
    }

    @Test
    void shouldReadTheExpressionInItsTimeZoneAcrossDaylightSaving() {
        CronSchedule berlin = CronSchedule.parse("0 2 * * *", ZoneId.of("Europe/Berlin"));

        // Winter: 2 am in Berlin is 01:00 UTC; summer: 00:00 UTC.
        assertThat(berlin.nextAfter(Instant.parse("2026-11-23T12:00:00Z"))).isEqualTo(Instant.parse("2026-11-24T01:00:00Z"));
        assertThat(berlin.nextAfter(Instant.parse("2026-07-01T12:00:00Z"))).isEqualTo(Instant.parse("2026-07-02T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 2 * *", "0 2 * * * *", "61 * * * *", "0 25 * * *", "every night", ""})
    void shouldRejectAnExpressionThatIsNotFiveValidFieldsWithExitTwo(String expression) {
        assertThatThrownBy(() -> CronSchedule.parse(expression, ZoneOffset.UTC))
                .isInstanceOf(ScheduleInputException.class)
                .hasMessageContaining("--cron");
    }
}
