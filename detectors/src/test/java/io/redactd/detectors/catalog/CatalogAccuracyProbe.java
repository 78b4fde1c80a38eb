package io.redactd.detectors.catalog;

import io.redactd.detectors.accuracy.AccuracyRun;
import org.junit.jupiter.api.Test;

class CatalogAccuracyProbe {
    @Test
    void probe() {
        CatalogMatcher m = new CatalogMatcher(Catalog.builtIn());
        AccuracyRun r = AccuracyRun.run(42, 1000, 3000, m::redact);
        System.out.println(r.table());
        r.missedExamples.forEach(s -> System.out.println("MISS " + s));
        r.changedNegativeExamples.forEach(s -> System.out.println("NEG " + s));
    }
}
