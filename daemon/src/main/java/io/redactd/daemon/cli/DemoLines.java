package io.redactd.daemon.cli;

import java.util.List;

/**
 * Synthetic PHI-laden log lines for the demo, in the shapes real logs have (plain text, JSON, nginx access, HL7).
 * Every value is fake but valid by the real rules (SSN area/group/serial, Luhn, NPI, DEA check digit, MBI format).
 */
final class DemoLines {
    private DemoLines() {
    }

    static final List<String> LINES = List.of(
            "INFO admission patient=John Smith ssn=123-45-6789 dob=1984-03-12 ward=4B",
            "WARN billing card 4111 1111 1111 1111 declined, receipt sent to jane.doe@example.org",
            "{\"level\":\"info\",\"msg\":\"callback requested\",\"phone\":\"(217) 555-0123\",\"patient\":{\"name\":\"Maria Garcia\",\"ssn\":\"456-12-3456\"}}",
            "10.20.30.40 - - \"GET /api/patients?email=bob%40example.com HTTP/1.1\" 200 512",
            "INFO prescriber NPI 1234567893 DEA AB1234563 approved refill",
            "INFO claim submitted for MBI 1EG4-TE5-MK73 status=accepted",
            "PID|1||00482913^^^HOSP^MR||DOE^JOHN||19840312|M|||12 Main Street^^Springfield^IL^62701",
            "INFO healthcheck ok latency_ms=12 build=4.2.1 node=web-3");
}
