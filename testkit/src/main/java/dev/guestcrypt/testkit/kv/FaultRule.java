package dev.guestcrypt.testkit.kv;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * One injected fault: requests that match ({@code listener}, {@code method}, {@code host},
 * {@code pathRegex}) skip the first {@code skip} matches, then fail {@code times} times
 * (0 = forever). Actions: answer with {@code status} (and {@code Retry-After} when
 * {@code retryAfterSeconds} > 0), wait {@code delayMillis} before handling normally, or drop
 * the connection without an answer.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class FaultRule {
    public enum Action { STATUS, DELAY, DROP }

    /** {@code vault} (HTTPS: vaults and Entra ID), {@code token} (HTTP: IMDS), or null for both. */
    public String listener;
    public String method;
    public String host;
    public String pathRegex = ".*";
    public Action action = Action.STATUS;
    public int status = 500;
    public int retryAfterSeconds;
    public long delayMillis;
    public int skip;
    public int times;

    private final AtomicInteger seen = new AtomicInteger();

    public static FaultRule status(String pathRegex, int status) {
        FaultRule rule = new FaultRule();
        rule.listener = "vault";
        rule.pathRegex = pathRegex;
        rule.status = status;
        return rule;
    }

    public static FaultRule delay(String pathRegex, long millis) {
        FaultRule rule = status(pathRegex, 200);
        rule.action = Action.DELAY;
        rule.delayMillis = millis;
        return rule;
    }

    public static FaultRule drop(String pathRegex) {
        FaultRule rule = status(pathRegex, 0);
        rule.action = Action.DROP;
        return rule;
    }

    public FaultRule retryAfter(int seconds) {
        retryAfterSeconds = seconds;
        return this;
    }

    public FaultRule method(String httpMethod) {
        method = httpMethod;
        return this;
    }

    public FaultRule onListener(String name) {
        listener = name;
        return this;
    }

    /** Fails only the {@code n}-th matching call (1-based). */
    public FaultRule onlyCall(int n) {
        skip = n - 1;
        times = 1;
        return this;
    }

    public FaultRule times(int count) {
        times = count;
        return this;
    }

    /** True when this request should get the fault (counts the match). */
    boolean fires(String listenerName, String requestMethod, String requestHost, String path) {
        if (listener != null && !listener.equalsIgnoreCase(listenerName)) {
            return false;
        }
        if (method != null && !method.equalsIgnoreCase(requestMethod)) {
            return false;
        }
        if (host != null && !host.equalsIgnoreCase(requestHost)) {
            return false;
        }
        if (!Pattern.compile(pathRegex).matcher(path).matches()) {
            return false;
        }
        int n = seen.incrementAndGet();
        return n > skip && (times <= 0 || n <= skip + times);
    }

    @Override
    public String toString() {
        return action + (action == Action.STATUS ? " " + status : "") + " on " + (method == null ? "*" : method) + " "
                + pathRegex;
    }
}
