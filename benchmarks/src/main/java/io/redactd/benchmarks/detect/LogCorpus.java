package io.redactd.benchmarks.detect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark corpus: ~200-byte lines in three shapes (nginx combined, RFC 5424-ish syslog, JSON application log),
 * one third each, deterministic for a seed. About 5% of lines carry a synthetic PHI value (valid SSN, Luhn-valid
 * card, e-mail, NANP phone, labelled name/DOB/MRN); the rest are clean but full of digits, dates, times, versions
 * and ids, as real logs are. Client addresses are host names, not IPs, so the planted 5% are the only PHI lines
 * (with IPV4 enabled every nginx line would otherwise be a PHI line).
 */
public final class LogCorpus {
    private static final String[] PATHS = {"/api/v2/orders", "/static/js/app.3f9a1c.js", "/healthz", "/login",
        "/api/v2/items/98311/reviews", "/favicon.ico", "/api/v2/cart?session=8c1f0e7a&page=2"};
    private static final String[] AGENTS = {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
        "curl/8.5.0", "Go-http-client/1.1", "okhttp/4.12.0"};
    private static final String[] HOSTS = {"lb-1.internal", "edge-eu-3.cdn.example.net", "gw-2.internal"};
    private static final String[] MESSAGES = {"cache warmed in 41 ms", "request completed", "retrying upstream call",
        "connection pool resized to 32", "scheduled job finished", "user session refreshed"};
    private static final String[] PHI = {
        "ssn 536-22-8872", "card 4111 1111 1111 1111", "contact jane.doe@example.org", "call (217) 555-0123",
        "patient: John Smith", "DOB: 04/12/1987", "MRN: 00482913", "email=j.smith%40example.com",
        "member id W123456789", "SSN 219-09-9999"};

    private LogCorpus() {
    }

    /** {@code count} lines; every 20th (5%) carries a PHI value. */
    public static List<byte[]> lines(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String phi = i % 20 == 7 ? PHI[rnd.nextInt(PHI.length)] : null;
            String line = switch (i % 3) {
                case 0 -> nginx(rnd, phi);
                case 1 -> syslog(rnd, phi);
                default -> json(rnd, phi);
            };
            out.add(line.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Only the lines without PHI: what "allocation per clean line" is measured on. */
    public static List<byte[]> cleanLines(int count, long seed) {
        List<byte[]> all = lines(count * 2, seed);
        List<byte[]> clean = new ArrayList<>();
        for (int i = 0; i < all.size() && clean.size() < count; i++) {
            if (i % 20 != 7) {
                clean.add(all.get(i));
            }
        }
        return clean;
    }

    private static String nginx(SplittableRandom r, String phi) {
        String path = PATHS[r.nextInt(PATHS.length)];
        if (phi != null) {
            path = "/api/v2/search?q=" + phi.replace(' ', '+');
        }
        return HOSTS[r.nextInt(HOSTS.length)] + " - - [27/Nov/2026:03:" + two(r.nextInt(60)) + ":" + two(r.nextInt(60))
                + " +0000] \"GET " + path + " HTTP/1.1\" " + (r.nextInt(10) == 0 ? 404 : 200) + " " + r.nextInt(90000)
                + " \"https://shop.example.com/\" \"" + AGENTS[r.nextInt(AGENTS.length)] + "\" rt=0."
                + r.nextInt(1000) + " req=" + Long.toHexString(r.nextLong()) + " pod=web-" + r.nextInt(9);
    }

    private static String syslog(SplittableRandom r, String phi) {
        String msg = phi != null ? "lookup for " + phi + " took " + r.nextInt(90) + " ms"
                : MESSAGES[r.nextInt(MESSAGES.length)] + " id=" + Long.toHexString(r.nextLong());
        return "<134>1 2026-11-27T03:" + two(r.nextInt(60)) + ":" + two(r.nextInt(60)) + "." + r.nextInt(1000)
                + "Z app-" + r.nextInt(9) + ".internal billing " + r.nextInt(65535) + " ID" + r.nextInt(99)
                + " [meta version=\"2.14." + r.nextInt(20) + "\" region=\"eu-west-1\" pod=\"billing-"
                + r.nextInt(9) + "\"] " + msg + " trace=" + Long.toHexString(r.nextLong()) + " span="
                + Long.toHexString(r.nextLong());
    }

    private static String json(SplittableRandom r, String phi) {
        String msg = phi != null ? "note: " + phi : MESSAGES[r.nextInt(MESSAGES.length)];
        return "{\"ts\":\"2026-11-27T03:" + two(r.nextInt(60)) + ":" + two(r.nextInt(60)) + "." + r.nextInt(1000)
                + "Z\",\"level\":\"info\",\"service\":\"orders\",\"msg\":\"" + msg + "\",\"order_id\":"
                + (100000 + r.nextInt(900000)) + ",\"latency_ms\":" + r.nextInt(500) + ",\"trace\":\""
                + Long.toHexString(r.nextLong()) + "\",\"pod\":\"orders-" + r.nextInt(9) + "\",\"region\":\"eu-west-1\","
                + "\"v\":\"1." + r.nextInt(9) + "\"}";
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    /**
     * {@code count} lines from the detectors' {@code SyntheticLog} (nginx, JSON, syslog, HL7, key=value, stack traces):
     * "synthetic" is the realistic mix (5 % PHI, 5 % hard negatives), "dense" a PHI-heavy one (50 % PHI, 10 % hard
     * negatives) where span confirmation dominates.
     */
    public static List<byte[]> synthetic(String mix, int count, long seed) {
        double phi = mix.equals("dense") ? 0.5 : 0.05;
        double negatives = mix.equals("dense") ? 0.1 : 0.05;
        io.redactd.detectors.synthetic.SyntheticLog log =
                new io.redactd.detectors.synthetic.SyntheticLog(seed, phi, negatives);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(log.next().text().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The corpus named by a benchmark parameter: "logcorpus" ({@link #lines}), "synthetic" or "dense". */
    public static List<byte[]> named(String corpus, int count, long seed) {
        return switch (corpus) {
            case "logcorpus" -> lines(count, seed);
            case "synthetic", "dense" -> synthetic(corpus, count, seed);
            default -> throw new IllegalArgumentException("unknown corpus " + corpus);
        };
    }
}
