package io.evalpipe.broker;

/** The embedded Kafka broker could not be started (port in use, unusable data directory, broker error...). */
public final class EmbeddedKafkaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
