package dev.guestcrypt.testkit.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers for reading requests and writing Key Vault / OAuth shaped answers. */
final class HttpIo {
    static final ObjectMapper JSON = new ObjectMapper();

    private HttpIo() {}

    /** Thrown by a handler to close the connection without any answer (the JDK server does so). */
    static final class DropConnection extends RuntimeException {
        DropConnection() {
            super("connection dropped by fault injection", null, false, false);
        }
    }

    /** Path segments with empty ones (double or trailing slashes) removed. */
    static List<String> segments(HttpExchange exchange) {
        List<String> out = new ArrayList<>();
        for (String part : rawPath(exchange).split("/")) {
            if (!part.isEmpty()) {
                out.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** The raw path; a request line like {@code GET //metadata/...} parses as an authority, which is put back. */
    private static String rawPath(HttpExchange exchange) {
        java.net.URI uri = exchange.getRequestURI();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() == null && uri.getRawAuthority() != null ? "/" + uri.getRawAuthority() + path : path;
    }

    static String normalisedPath(HttpExchange exchange) {
        return "/" + String.join("/", segments(exchange));
    }

    static Map<String, String> query(HttpExchange exchange) {
        return form(exchange.getRequestURI().getRawQuery());
    }

    static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(key, value);
        }
        return out;
    }

    static String host(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return "";
        }
        int colon = host.lastIndexOf(':');
        return (colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host).toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code https://host[:port]} exactly as the client addressed us. */
    static String baseUrl(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        return "https://" + (host == null ? "localhost" : host.toLowerCase(java.util.Locale.ROOT));
    }

    static byte[] body(HttpExchange exchange) throws IOException {
        return exchange.getRequestBody().readAllBytes();
    }

    static JsonNode jsonBody(HttpExchange exchange) throws IOException {
        byte[] body = body(exchange);
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        return JSON.readTree(body);
    }

    static void json(HttpExchange exchange, int status, JsonNode node) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(node));
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        if (status == 204 || body.length == 0) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    /** Key Vault's error shape: {@code {"error":{"code","message","innererror":{"code"}}}}. */
    static void kvError(HttpExchange exchange, int status, String code, String message, String inner) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (inner != null) {
            error.putObject("innererror").put("code", inner);
        }
        json(exchange, status, root);
    }

    /** OAuth's error shape: {@code {"error","error_description"}}. */
    static void oauthError(HttpExchange exchange, int status, String error, String description) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("error", error);
        root.put("error_description", description);
        json(exchange, status, root);
    }
}
