package io.evalpipe.cli;

import io.evalpipe.launch.DurationConverter;

import io.evalpipe.contracts.Slo;
import java.time.Duration;
import picocli.CommandLine;

/** Reads {@code --slo e2e=15s,ttft=2s}: either objective or both, durations as {@link DurationConverter} reads them. */
final class SloConverter implements CommandLine.ITypeConverter<Slo> {
    private static final DurationConverter DURATION = new DurationConverter();

    @Override
    public Slo convert(String value) {
        Duration e2e = null;
        Duration ttft = null;
        for (String part : value.split(",", -1)) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new CommandLine.TypeConversionException("'" + part + "' is not KEY=DURATION, e.g. e2e=15s,ttft=2s");
            }
            Duration d = DURATION.convert(kv[1]);
            if (d.isZero()) {
                throw new CommandLine.TypeConversionException("the " + kv[0] + " objective must be longer than 0");
            }
            switch (kv[0].trim()) {
                case "e2e" -> e2e = d;
                case "ttft" -> ttft = d;
                default -> throw new CommandLine.TypeConversionException("unknown SLO key '" + kv[0] + "': use e2e and ttft");
            }
        }
        return new Slo(e2e == null ? null : (double) e2e.toMillis(), ttft == null ? null : (double) ttft.toMillis());
    }
}
