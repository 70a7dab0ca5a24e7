package io.evalpipe.broker;

import java.lang.reflect.Method;
import java.util.List;

import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Kafka logs ~3000 lines at INFO per run. When the SLF4J backend is Logback, this lowers Kafka's loggers to WARN
 * unless the application's logging configuration already gave them a level. Reflection keeps Logback optional.
 */
final class KafkaLogLevels {

    /** Kafka's server and client loggers, plus the state-change logger that broker code names directly. */
    static final List<String> KAFKA_LOGGERS = List.of("org.apache.kafka", "kafka", "state.change.logger");

    private KafkaLogLevels() {
    }

    static void defaultToWarn() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!factory.getClass().getName().equals("ch.qos.logback.classic.LoggerContext")) {
            return;
        }
        try {
            ClassLoader loader = factory.getClass().getClassLoader();
            Class<?> levelClass = Class.forName("ch.qos.logback.classic.Level", true, loader);
            Object warn = levelClass.getField("WARN").get(null);
            Method getLogger = factory.getClass().getMethod("getLogger", String.class);
            for (String name : KAFKA_LOGGERS) {
                Object logger = getLogger.invoke(factory, name);
                if (logger.getClass().getMethod("getLevel").invoke(logger) == null) {
                    logger.getClass().getMethod("setLevel", levelClass).invoke(logger, warn);
                }
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            LoggerFactory.getLogger(KafkaLogLevels.class).debug("Could not lower Kafka log levels", e);
        }
    }
}
