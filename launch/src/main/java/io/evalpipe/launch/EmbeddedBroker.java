package io.evalpipe.launch;

import io.evalpipe.broker.EmbeddedKafkaBroker;

/**
 * The embedded Kafka broker of a one-machine run ({@code evalctl run}, the benchmarks), where this
 * build of evalctl has one. evalctl.jar does; evalctl-slim.jar, the one the images run, leaves the
 * broker and Scala out (every role there talks to a real cluster), so {@link #start} says so in one
 * line instead of failing on a missing class.
 *
 * <p>Only {@link Starter} names the broker's classes, and it is loaded only after {@link #bundled}
 * found them: the JVM resolves a class when it first runs code that uses it, so every other command
 * runs without them.
 */
public final class EmbeddedBroker implements AutoCloseable {
    /** Named as a string: a class literal would load the class (SlimJarIT keeps the two the same). */
    public static final String BROKER_CLASS = "io.evalpipe.broker.EmbeddedKafkaBroker";

    private final Runnable stop;
    private final String bootstrapServers;

    private EmbeddedBroker(Runnable stop, String bootstrapServers) {
        this.stop = stop;
        this.bootstrapServers = bootstrapServers;
    }

    /** Whether this build of evalctl holds the broker. */
    public static boolean bundled() {
        try {
            Class.forName(BROKER_CLASS, false, EmbeddedBroker.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Starts a single-node KRaft broker in this process.
     *
     * @param needs what needs it, for the line that says this build has none ("evalctl run without --bootstrap-servers")
     * @throws CliException exit 2 when this build of evalctl has no broker
     */
    public static EmbeddedBroker start(String needs) {
        requireBundled(needs);
        return Starter.start();
    }

    /**
     * @param needs what needs the broker, for the line that says this build has none
     * @throws CliException exit 2 when this build of evalctl has no broker
     */
    public static void requireBundled(String needs) {
        if (!bundled()) {
            throw new CliException(ExitCode.USAGE, needs + " needs the embedded Kafka broker, which this build of evalctl"
                    + " (evalctl-slim.jar, the images' build) leaves out: give --bootstrap-servers HOST:PORT, or use evalctl.jar");
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the broker and removes its data. */
    @Override
    public void close() {
        stop.run();
    }

    /** The one class that names the broker's own. */
    private static final class Starter {
        static EmbeddedBroker start() {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
            return new EmbeddedBroker(broker::close, broker.bootstrapServers());
        }
    }
}
