package io.evalpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class HealthServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(HealthServer health) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswer503WhileLoadingAnd200OnceReady() throws Exception {
        try (HealthServer health = HealthServer.start("127.0.0.1", 0)) {
            HttpResponse<String> loading = get(health);
            assertThat(loading.statusCode()).isEqualTo(503);
            assertThat(loading.body()).isEqualTo("{\"status\":\"loading\"}");

            health.set(WorkerState.READY, "w1");
            HttpResponse<String> ready = get(health);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("{\"status\":\"ready\",\"detail\":\"w1\"}");
        }
    }

    @Test
    void shouldAnswer503WhileTheEngineCannotBeReached() throws Exception {
        try (HealthServer health = HealthServer.start("127.0.0.1", 0)) {
            health.set(WorkerState.DEGRADED, "engine unavailable: connection refused");

            HttpResponse<String> r = get(health);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("{\"status\":\"degraded\",\"detail\":\"engine unavailable: connection refused\"}");
        }
    }

    @Test
    void shouldAnswer503WithTheReasonAfterAnError() throws Exception {
        try (HealthServer health = HealthServer.start("127.0.0.1", 0)) {
            health.set(WorkerState.ERROR, "model file \"m.gguf\" is truncated");

            HttpResponse<String> r = get(health);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"detail\":\"model file \\\"m.gguf\\\" is truncated\"}");
        }
    }

    @Test
    void shouldAnswerOnlyAGetOfItsDocumentedPath() throws Exception {
        try (HealthServer health = HealthServer.start("127.0.0.1", 0)) {
            health.set(WorkerState.READY, "w1");
            String base = "http://127.0.0.1:" + health.port();

            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/health/x")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(404);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
            assertThat(get(health).statusCode()).isEqualTo(200);
        }
    }
}
