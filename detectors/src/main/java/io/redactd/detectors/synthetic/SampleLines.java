package io.redactd.detectors.synthetic;

import java.util.List;

/**
 * A dozen PHI-laden log lines for {@code redactd demo}: one of each common shape, every value synthetic and valid by
 * its real rules (the card passes Luhn, the SSN has a valid area, the NPI and DEA numbers carry correct check
 * digits). The last line holds only look-alikes and must come out unchanged.
 */
public final class SampleLines {
    private static final List<String> LINES = List.of(
            "203.0.113.42 - - [27/Nov/2026:03:17:53 +0000] \"GET /api/v1/patients?email=jane.doe%40example.org"
                    + "&dob=1984-07-19 HTTP/1.1\" 200 512 \"-\" \"curl/8.5.0\"",
            "{\"ts\":\"2026-11-27T03:17:54.101Z\",\"level\":\"INFO\",\"msg\":\"patient registered\",\"patient\":"
                    + "{\"firstName\":\"Maria\",\"lastName\":\"Garcia\",\"ssn\":\"536-22-8872\","
                    + "\"phone\":\"(217) 555-0123\"}}",
            "<134>Nov 27 03:17:55 ehr-gw billing[2231]: charge declined for card 4111 1111 1111 1111 (MRN: 00482913)",
            "PID|1||00482913^^^HOSP^MR||Doe^John^Q||19800312|M|||12 Elm St^^Peoria^IL^61602^USA||(309)555-0147|||S"
                    + "||ACCT88|123456789",
            "ts=2026-11-27T03:17:56Z level=warn svc=rx prescriber_npi=1234567893 dea=AB1234563 patient_dob=03/12/1980",
            "Caused by: com.acme.ValidationException: duplicate member id W123456789 for subscriber",
            "{\"event\":\"eligibility\",\"mbi\":\"1EG4-TE5-MK73\",\"memberId\":\"XYZ123456789\","
                    + "\"name\":\"Robert O'Brien\"}",
            "refund issued to IBAN GB82 WEST 1234 5698 7654 32, contact j.smith@example.com or +1 217 555 0188",
            "claim 88213: vehicle VIN 1M8GDM9AXKP042788, owner lives at 4821 N Oak Ave Apt 3, Springfield, IL 62704",
            "login from 2001:db8::7f3a user=svc-portal passport no. X12345678 verified",
            "pt name: Wei Chen, DOB: Mar 12, 1975, tel 2175550199, ssn 219099998",
            "build 10.2.3.4-beta order 4111111111111112 trace 3f2b8c1e-9a7d-4e2f-8c1b-2d3e4f5a6b7c took 1532ms");

    private SampleLines() {
    }

    /** The demo lines, PHI-laden first, the look-alike line last. */
    public static List<String> lines() {
        return LINES;
    }
}
