package io.evalpipe.worker;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health}: {@code 200 {"status":"ready"}} once the worker takes jobs, {@code 503} while
 * it is loading its model, while its engine cannot be reached ({@code degraded}), while it stops, and
 * after it failed. Orchestrators (Docker healthchecks, Kubernetes probes)
 * route work by it; the same states go to the log. With {@link #serveMetrics}, {@code GET /metrics}
 * serves the worker's meters in the Prometheus text format on the same port.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);

    private final HttpServer server;
    private volatile WorkerState status = WorkerState.LOADING;
    private volatile String detail = "";

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    /** @param port 0 picks a free port */
    public static HealthServer start(String host, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
            HealthServer health = new HealthServer(server);
            server.createContext("/health", HttpGet.only("/health", exchange -> {
                WorkerState s = health.status;
                byte[] body = ("{\"status\":\"" + s.wireName() + "\""
                        + (health.detail.isEmpty() ? "" : ",\"detail\":\"" + jsonEscape(health.detail) + "\"") + "}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(s == WorkerState.READY ? 200 : 503, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }));
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "health-http");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            log.info("Health endpoint on http://{}:{}/health", host, health.port());
            return health;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the health port " + port + ": " + e.getMessage(), e);
        }
    }

    /** Serves {@code GET /metrics} from now on: one port to open per worker, for probes and scrapes alike. */
    public HealthServer serveMetrics(PrometheusMeterRegistry registry) {
        server.createContext("/metrics", HttpGet.only("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }));
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public WorkerState status() {
        return status;
    }

    public void set(WorkerState status, String detail) {
        this.status = status;
        this.detail = detail == null ? "" : detail;
        log.info("Worker status: {}{}", status.wireName(), detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
