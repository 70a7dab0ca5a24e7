package io.evalpipe.cli;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The log pattern's {@code %safeMsg}: the message with control characters written as {@code \xNN}
 * ({@link ControlChars}), so that an id or a reply quoted in a log line cannot drive the terminal
 * (ESC, BEL) or forge a second log line (a newline). Stack traces stay as they are: they come from
 * our own code and the JVM, not from input.
 */
public final class SafeMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return ControlChars.escape(super.convert(event));
    }
}
