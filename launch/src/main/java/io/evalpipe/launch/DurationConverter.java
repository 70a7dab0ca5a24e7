package io.evalpipe.launch;

import io.evalpipe.contracts.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Reads durations the way people type them ({@link Durations}): {@code 250ms}, {@code 60s}, {@code 5m}, {@code 2h}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
