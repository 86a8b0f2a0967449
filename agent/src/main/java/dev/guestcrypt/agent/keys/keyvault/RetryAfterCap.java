package dev.guestcrypt.agent.keys.keyvault;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.time.Duration;

/**
 * The SDK's retry policy obeys a server's Retry-After without limit; a throttled vault must not
 * park the agent for minutes. This per-retry policy rewrites the delay headers to at most a cap
 * before the retry policy reads them.
 */
final class RetryAfterCap implements HttpPipelinePolicy {
    private static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("retry-after-ms");
    private static final HttpHeaderName X_MS_RETRY_AFTER_MS = HttpHeaderName.fromString("x-ms-retry-after-ms");
    private final Duration cap;

    RetryAfterCap(Duration cap) {
        this.cap = cap;
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_RETRY;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return next.process().map(this::capped);
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        return capped(next.processSync());
    }

    private HttpResponse capped(HttpResponse response) {
        HttpHeaders headers = response.getHeaders();
        if (headers.getValue(HttpHeaderName.RETRY_AFTER) == null && headers.getValue(RETRY_AFTER_MS) == null
                && headers.getValue(X_MS_RETRY_AFTER_MS) == null) {
            return response;
        }
        long millis = Math.min(requestedMillis(headers), cap.toMillis());
        HttpHeaders rewritten = new HttpHeaders(headers);
        rewritten.remove(HttpHeaderName.RETRY_AFTER);
        rewritten.remove(X_MS_RETRY_AFTER_MS);
        rewritten.set(RETRY_AFTER_MS, String.valueOf(millis));
        return new Rewritten(response, rewritten);
    }

    private static long requestedMillis(HttpHeaders headers) {
        try {
            String ms = headers.getValue(X_MS_RETRY_AFTER_MS);
            if (ms == null) {
                ms = headers.getValue(RETRY_AFTER_MS);
            }
            if (ms != null) {
                return Long.parseLong(ms.trim());
            }
            return Long.parseLong(headers.getValue(HttpHeaderName.RETRY_AFTER).trim()) * 1000;
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // an HTTP date or garbage: take the cap
        }
    }

    /** The same response with other headers. */
    private static final class Rewritten extends HttpResponse {
        private final HttpResponse inner;
        private final HttpHeaders headers;

        Rewritten(HttpResponse inner, HttpHeaders headers) {
            super(inner.getRequest());
            this.inner = inner;
            this.headers = headers;
        }

        @Override
        public int getStatusCode() {
            return inner.getStatusCode();
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(HttpHeaderName.fromString(name));
        }

        @Override
        public String getHeaderValue(HttpHeaderName name) {
            return headers.getValue(name);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return inner.getBody();
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return inner.getBodyAsByteArray();
        }

        @Override
        public Mono<String> getBodyAsString() {
            return inner.getBodyAsString();
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return inner.getBodyAsString(charset);
        }

        @Override
        public com.azure.core.util.BinaryData getBodyAsBinaryData() {
            return inner.getBodyAsBinaryData();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
