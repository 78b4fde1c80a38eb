package io.redactd.benchmarks.corpus;

import io.redactd.detectors.synthetic.LabeledLine;

import java.util.List;
import java.util.Random;

/**
 * Clean nginx "combined" access lines of ~250 bytes: long paths, query strings, referers and user agents, the bulk of
 * a web tier's log volume. Clients are logged by host name (as behind a resolver or a proxy header), so the lines
 * carry no PHI; SyntheticLog's nginx lines are the PHI-bearing ones.
 */
final class AccessLog {
    private static final String[] CLIENTS = {"lb-1.internal", "edge-eu-3.cdn.example.net", "gw-2.internal",
        "proxy-a.corp.example", "ingress-7.k8s.internal"};
    private static final String[] PATHS = {"/api/v2/orders", "/static/js/app.3f9a1c.js", "/healthz",
        "/api/v2/items/98311/reviews", "/assets/css/main.b81c.css", "/api/v2/appointments/slots", "/portal/dashboard",
        "/api/v2/claims/status", "/fhir/r4/Observation/_search"};
    private static final String[] QUERIES = {"", "?page=2&size=50&sort=createdAt,desc", "?session=8c1f0e7a&lang=en-US",
        "?from=2026-11-01&to=2026-11-27&format=json", "?q=cardiology&facility=north&open=true", "?v=1.42.7"};
    private static final String[] REFERERS = {"-", "https://portal.example.org/dashboard",
        "https://www.example.org/search?q=clinic+hours", "https://app.example.org/billing/invoices?tab=open"};
    private static final String[] AGENTS = {
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
        "curl/8.5.0", "Go-http-client/1.1", "okhttp/4.12.0", "kube-probe/1.31"};
    private static final String[] MONTH = {"Nov"};

    private final Random rnd;
    private long clock = 40_000;

    AccessLog(Random rnd) {
        this.rnd = rnd;
    }

    LabeledLine next() {
        clock += rnd.nextInt(3);
        long s = clock % 86_400;
        String line = CLIENTS[rnd.nextInt(CLIENTS.length)] + " - - [27/" + MONTH[0] + "/2026:"
                + two(s / 3600) + ":" + two(s / 60 % 60) + ":" + two(s % 60) + " +0000] \""
                + (rnd.nextInt(4) == 0 ? "POST " : "GET ") + PATHS[rnd.nextInt(PATHS.length)]
                + QUERIES[rnd.nextInt(QUERIES.length)] + " HTTP/1.1\" " + (rnd.nextInt(10) == 0 ? 404 : 200) + " "
                + rnd.nextInt(60_000) + " \"" + REFERERS[rnd.nextInt(REFERERS.length)] + "\" \""
                + AGENTS[rnd.nextInt(AGENTS.length)] + "\" rt=" + rnd.nextInt(2) + "." + three(rnd.nextInt(1000))
                + " upstream=backend-" + rnd.nextInt(8) + ":8080";
        return new LabeledLine(line, LabeledLine.Kind.CLEAN, "nginx", List.of());
    }

    private static String two(long v) {
        return v < 10 ? "0" + v : Long.toString(v);
    }

    private static String three(int v) {
        return v < 10 ? "00" + v : v < 100 ? "0" + v : Integer.toString(v);
    }
}
