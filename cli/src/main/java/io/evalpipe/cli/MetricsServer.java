package io.evalpipe.cli;

import io.evalpipe.launch.ExitCode;
import io.evalpipe.launch.CliException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.evalpipe.worker.HttpGet;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregator's HTTP port: {@code GET /metrics} in the Prometheus text format, and
 * {@code GET /health} (200 while it processes, 503 otherwise) so a container healthcheck can use the
 * same port. The JDK's own server: a scrape every few seconds does not justify a web framework.
 */
final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** @param port 0 picks a free port */
    static MetricsServer start(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier healthy) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot open the metrics port " + port + ": " + e.getMessage(), e);
        }
        server.createContext("/metrics", HttpGet.only("/metrics", exchange ->
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape())));
        server.createContext("/health", HttpGet.only("/health", exchange -> {
            boolean ok = healthy.getAsBoolean();
            send(exchange, ok ? 200 : 503, "application/json", ok ? "{\"status\":\"ready\"}" : "{\"status\":\"not running\"}");
        }));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        MetricsServer metrics = new MetricsServer(server);
        log.info("Metrics on http://{}:{}/metrics", host, metrics.port());
        return metrics;
    }

    private static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
