package io.evalpipe.broker;

import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real embedded broker for a test class, started before its first test and stopped after its
 * last. Tests keep apart by topic names (a fresh prefix per test), not by brokers: one start costs
 * seconds. Shared with other modules through the broker test-jar.
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final BrokerExtension kafka = new BrokerExtension();
 * </pre>
 */
public final class BrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafkaBroker.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public String bootstrapServers() {
        if (broker == null) {
            throw new IllegalStateException("the broker runs from the class's first test to its last: register the extension on a static field");
        }
        return broker.bootstrapServers();
    }

    /** A new set of client settings that reach this broker: {@code bootstrap.servers} only. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        return p;
    }
}
