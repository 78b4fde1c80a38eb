package io.redactd.detectors.accuracy;

import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.LineResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real logs (LogHub 2k samples: Android, Apache, BGL, HDFS, Hadoop, HealthApp, HPC, Linux, Mac, OpenSSH, OpenStack,
 * Proxifier, Spark, Thunderbird, Windows, Zookeeper) contain IP and e-mail addresses, which are personal data and
 * must be redacted, but nothing else from the catalog. At most 2 lines per 10,000 may be changed by any other
 * detector. Offending lines are reported by file, line number and detector id, never by content.
 */
class LoghubFalsePositiveTest {
    private static final Set<String> EXPECTED_TYPES = Set.of("IPV4", "IPV6", "EMAIL");

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"HYPERSCAN", "PORTABLE"})
    void realLogsAreLeftAloneExceptForAddresses(EngineChoice choice) throws Exception {
        Path dir = LoghubCorpus.locate();
        EngineRedaction engine = new EngineRedaction(choice);
        long lines = 0;
        long changedByOthers = 0;
        long changedByAddresses = 0;
        TreeMap<String, Integer> byDetector = new TreeMap<>();
        StringBuilder offenders = new StringBuilder();
        for (Path file : LoghubCorpus.logFiles(dir)) {
            // raw bytes, split on \n: the corpus is not guaranteed to be valid UTF-8 and the redactor takes bytes
            byte[] data = Files.readAllBytes(file);
            int lineNo = 0;
            for (int start = 0; start < data.length; ) {
                int nl = start;
                while (nl < data.length && data[nl] != '\n') {
                    nl++;
                }
                int end = nl > start && data[nl - 1] == '\r' ? nl - 1 : nl;
                lineNo++;
                lines++;
                LineResult r = engine.redactBytes(data, start, end - start);
                start = nl + 1;
                boolean other = false;
                for (int i = 0; i < r.findingCount(); i++) {
                    String type = r.finding(i).type();
                    if (!EXPECTED_TYPES.contains(type)) {
                        other = true;
                        byDetector.merge(r.finding(i).detectorId(), 1, Integer::sum);
                        offenders.append(file.getFileName()).append(':').append(lineNo).append(' ')
                                .append(r.finding(i).detectorId()).append('\n');
                    }
                }
                if (other) {
                    changedByOthers++;
                } else if (!r.clean()) {
                    changedByAddresses++;
                }
            }
        }
        double perTenThousand = 10_000.0 * changedByOthers / lines;
        System.out.printf("LogHub (%s): %d lines, %d changed by IP/e-mail detectors, %d changed by other detectors "
                + "(%.2f per 10,000) %s%n%s", engine.engineName(), lines, changedByAddresses, changedByOthers,
                perTenThousand, byDetector, offenders);
        assertThat(lines).as("corpus lines").isGreaterThan(10_000);
        assertThat(changedByAddresses).as("the corpus does contain IP addresses, so detection ran").isPositive();
        assertThat(perTenThousand).as("lines per 10,000 changed by non-address detectors").isLessThanOrEqualTo(2.0);
    }
}
