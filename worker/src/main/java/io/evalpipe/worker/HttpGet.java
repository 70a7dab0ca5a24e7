package io.evalpipe.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/**
 * The JDK server matches a context by path prefix, so {@code /health} would also answer {@code
 * /healthz} and {@code /health/anything}, to any method. The endpoints answer only what they document:
 * a GET of their exact path; anything else gets 404 or 405 and no body.
 */
public final class HttpGet {
    private HttpGet() {}

    /** {@code handler} for {@code GET path} (and HEAD); 404 for another path under it, 405 for another method. */
    public static HttpHandler only(String path, HttpHandler handler) {
        return exchange -> {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                refuse(exchange, 404);
            } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                refuse(exchange, 405);
            } else {
                handler.handle(exchange);
            }
        };
    }

    private static void refuse(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }
}
