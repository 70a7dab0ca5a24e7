package io.evalpipe.worker.engine;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * Where and how {@link OpenAiEngine} reaches an OpenAI-compatible server.
 *
 * @param endpoint       the API's base URL up to and including its version segment, e.g. {@code
 *                       http://127.0.0.1:8080/v1}; requests go to {@code {endpoint}/chat/completions}.
 *                       A trailing slash is dropped. Credentials in the URL are refused, so that the
 *                       URL can be logged: the key goes in {@code apiKey}.
 * @param model          the request's {@code model} field. llama-server ignores it (it serves the model
 *                       it loaded); vLLM and Ollama route by it and refuse a name they do not serve.
 * @param apiKey         sent as a bearer token; null (or blank) for none. Left out of {@link #toString}
 *                       so that logging these options cannot leak it.
 * @param connectTimeout limit on opening the TCP connection; null for {@link #DEFAULT_CONNECT_TIMEOUT}.
 *                       A generation's own limit is the request's {@code timeoutMs}.
 * @param backendName    what {@link EngineInfo#backend()} reports, e.g. {@code vllm-h100}; null (or
 *                       blank) for the endpoint's host
 */
public record OpenAiOptions(URI endpoint, String model, String apiKey, Duration connectTimeout, String backendName) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public OpenAiOptions {
        if (endpoint == null) {
            throw new IllegalArgumentException("endpoint is required, e.g. http://127.0.0.1:8080/v1");
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("endpoint must be an http or https URL, not " + endpoint);
        }
        if (endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint has no host: " + endpoint);
        }
        if (endpoint.getRawUserInfo() != null) {
            throw new IllegalArgumentException("endpoint must not carry credentials: give the API key separately");
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            throw new IllegalArgumentException("endpoint must be a base URL without query or fragment: " + endpoint);
        }
        endpoint = withoutTrailingSlash(endpoint);
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model is required (llama-server accepts any name)");
        }
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, not " + connectTimeout);
        }
        backendName = backendName == null || backendName.isBlank() ? null : backendName;
    }

    /** No API key, {@link #DEFAULT_CONNECT_TIMEOUT}, the endpoint's host as backend. */
    public static OpenAiOptions of(String endpoint, String model) {
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("endpoint is not a URL: " + endpoint, e);
        }
        return new OpenAiOptions(uri, model, null, null, null);
    }

    public OpenAiOptions withApiKey(String apiKey) {
        return new OpenAiOptions(endpoint, model, apiKey, connectTimeout, backendName);
    }

    public OpenAiOptions withConnectTimeout(Duration connectTimeout) {
        return new OpenAiOptions(endpoint, model, apiKey, connectTimeout, backendName);
    }

    public OpenAiOptions withBackendName(String backendName) {
        return new OpenAiOptions(endpoint, model, apiKey, connectTimeout, backendName);
    }

    /** {@code {endpoint}/chat/completions}. */
    public URI chatCompletionsUri() {
        return URI.create(endpoint + "/chat/completions");
    }

    /** The backend name if one was given, else the endpoint's host. */
    public String backend() {
        return backendName != null ? backendName : endpoint.getHost();
    }

    @Override
    public String toString() {
        return "OpenAiOptions[endpoint=" + endpoint + ", model=" + model + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", connectTimeout=" + connectTimeout + ", backendName=" + backendName + "]";
    }

    private static URI withoutTrailingSlash(URI uri) {
        String s = uri.toString();
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return end == s.length() ? uri : URI.create(s.substring(0, end));
    }
}
