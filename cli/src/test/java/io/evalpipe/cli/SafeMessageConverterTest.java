package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class SafeMessageConverterTest {
    @Test
    void shouldEscapeControlCharactersInTheFormattedMessage() {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("t"), Level.WARN, "Job {} failed: {}", null,
                new Object[] {"run\u001b[2J/p1", "bell\u0007\nforged line"});

        assertThat(new SafeMessageConverter().convert(event))
                .isEqualTo("Job run\\x1b[2J/p1 failed: bell\\x07\\x0aforged line");
    }
}
