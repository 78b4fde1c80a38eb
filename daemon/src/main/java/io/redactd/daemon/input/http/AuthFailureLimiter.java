package io.redactd.daemon.input.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per peer address, drained by failed authentications. While a peer's bucket is empty every request
 * from it is answered 429, valid token or not, so token guessing is slowed to the refill rate. The table is bounded
 * (least recently seen peers are forgotten) so address churn cannot grow memory.
 */
public final class AuthFailureLimiter {
    private static final int MAX_PEERS = 10_000;

    private final double burst;
    private final double refillPerNano;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > MAX_PEERS;
        }
    };

    /**
     * @param burst         failures a peer may make before it is limited
     * @param perMinute     failures per minute it may make after that
     */
    public AuthFailureLimiter(int burst, int perMinute) {
        this.burst = burst;
        this.refillPerNano = perMinute / 60e9;
    }

    /** Seconds until the peer may try again, or 0 when it is not limited. */
    public synchronized long retryAfterSeconds(String peer, long nowNanos) {
        double[] bucket = buckets.get(peer);
        if (bucket == null) {
            return 0;
        }
        refill(bucket, nowNanos);
        if (bucket[0] >= 1) {
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - bucket[0]) / refillPerNano / 1e9));
    }

    /** Records one failed authentication. */
    public synchronized void recordFailure(String peer, long nowNanos) {
        double[] bucket = buckets.computeIfAbsent(peer, p -> new double[] {burst, nowNanos});
        refill(bucket, nowNanos);
        bucket[0] = Math.max(0, bucket[0] - 1);
    }

    private void refill(double[] bucket, long nowNanos) {
        bucket[0] = Math.min(burst, bucket[0] + (nowNanos - bucket[1]) * refillPerNano);
        bucket[1] = nowNanos;
    }
}
