package io.redactd.detectors.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic generator of labeled log lines in realistic shapes (nginx access, JSON application logs, syslog,
 * HL7 v2 segments, key=value, Java stack traces). PHI lines list every PHI value they carry; values are valid by the
 * real rules ({@link PhiValues}). Hard-negative lines carry look-alikes ({@link HardNegatives}) and no PHI.
 *
 * <p>Same seed, same lines. Not thread-safe.
 */
public final class SyntheticLog {
    /** Every PHI type the generator produces, in catalog order. */
    public static final List<String> TYPES = List.of("SSN", "CREDIT_CARD", "EMAIL", "PHONE", "IPV4", "IPV6", "NPI",
            "DEA", "MBI", "IBAN", "VIN", "DOB", "MRN", "MEMBER_ID", "PASSPORT", "ADDRESS", "NAME");
    /** Types whose format alone identifies them; the rest need a label. */
    public static final List<String> STRUCTURED = TYPES.subList(0, 11);

    private static final String[] HOSTS = {"web-01", "api-7", "ehr-gw", "billing-2", "intake-3", "lab-bridge"};
    private static final String[] APPS = {"patient-api", "billing", "scheduler", "hl7-bridge", "portal", "rx-service"};
    private static final String[] LOGGERS = {"c.a.patient.PatientService", "c.a.billing.ChargeHandler",
        "c.a.rx.PrescriptionController", "c.a.portal.SignupFlow", "c.a.sched.AppointmentJob"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};
    private static final String[] VERBS = {"updated", "created", "looked up", "verified", "exported", "merged"};

    private final Random rnd;
    private final PhiValues values;
    private final HardNegatives negatives;
    private final double phiFraction;
    private final double hardNegativeFraction;
    private long clock = 1_795_000_000L;

    /**
     * @param seed                 seed; equal seeds give equal sequences
     * @param phiFraction          share of {@link #next()} lines that carry PHI
     * @param hardNegativeFraction share of lines that are hard negatives; the rest are clean
     */
    public SyntheticLog(long seed, double phiFraction, double hardNegativeFraction) {
        if (phiFraction < 0 || hardNegativeFraction < 0 || phiFraction + hardNegativeFraction > 1) {
            throw new IllegalArgumentException("fractions must be >= 0 and sum to at most 1");
        }
        this.rnd = new Random(seed);
        this.values = new PhiValues(rnd);
        this.negatives = new HardNegatives(rnd);
        this.phiFraction = phiFraction;
        this.hardNegativeFraction = hardNegativeFraction;
    }

    /** The next line: PHI, hard negative or clean, in the configured proportions; PHI types uniformly. */
    public LabeledLine next() {
        double r = rnd.nextDouble();
        if (r < phiFraction) {
            return phiLine(TYPES.get(rnd.nextInt(TYPES.size())));
        }
        if (r < phiFraction + hardNegativeFraction) {
            return hardNegativeLine();
        }
        return cleanLine();
    }

    /** A line carrying at least one value of {@code type} (HL7 and nginx lines carry others too). */
    public LabeledLine phiLine(String type) {
        Field f = field(type);
        List<PhiValue> phi = new ArrayList<>();
        int shape = rnd.nextInt(12);
        if (shape == 0 && hl7Type(type)) {
            return hl7(type);
        }
        if (shape <= 1 && f.urlSafe()) {
            return nginx(f, phi);
        }
        String key = f.key();
        String v = f.value();
        if (type.equals("EMAIL") && shape % 6 == 0 && rnd.nextInt(3) == 0) {
            // JSON writers that escape '@' (some do, for HTML safety) put a literal \u0040 into the line
            String escaped = v.replace("@", "\\u0040");
            phi.add(new PhiValue(type, escaped));
            return new LabeledLine(json("\"" + key + "\":\"" + escaped + "\""), LabeledLine.Kind.PHI, "json", phi);
        }
        phi.add(new PhiValue(type, v));
        return switch (shape % 6) {
            case 0 -> new LabeledLine(json(jsonField(key, v)), LabeledLine.Kind.PHI, "json", phi);
            case 1 -> new LabeledLine(syslog(prose(f)), LabeledLine.Kind.PHI, "syslog", phi);
            case 2 -> new LabeledLine(kv(key + "=" + (v.contains(" ") ? "\"" + v + "\"" : v)),
                    LabeledLine.Kind.PHI, "kv", phi);
            case 3 -> new LabeledLine(stackTrace(f), LabeledLine.Kind.PHI, "stacktrace", phi);
            case 4 -> new LabeledLine(json(jsonField("msg", prose(f))), LabeledLine.Kind.PHI, "json", phi);
            default -> new LabeledLine("<event ts=\"" + isoNow() + "\" source=\"" + APPS[rnd.nextInt(APPS.length)]
                    + "\"><" + key + ">" + v.replace("&", "&amp;") + "</" + key + "><status>ok</status></event>",
                    LabeledLine.Kind.PHI, "xml", phi);
        };
    }

    private static boolean hl7Type(String type) {
        return switch (type) {
            case "SSN", "PHONE", "DOB", "MRN", "NAME", "ADDRESS" -> true;
            default -> false;
        };
    }

    /** A hard-negative line: one to three look-alike tokens in a clean line of some shape. */
    public LabeledLine hardNegativeLine() {
        StringBuilder tokens = new StringBuilder(negatives.any());
        for (int i = rnd.nextInt(3); i > 0; i--) {
            tokens.append(' ').append(negatives.any());
        }
        String t = tokens.toString();
        return switch (rnd.nextInt(4)) {
            case 0 -> new LabeledLine(kv("event=" + pickEvent() + " " + t), LabeledLine.Kind.HARD_NEGATIVE, "kv",
                    List.of());
            case 1 -> new LabeledLine(syslog(pickEvent() + " completed " + t), LabeledLine.Kind.HARD_NEGATIVE,
                    "syslog", List.of());
            case 2 -> new LabeledLine(json(jsonField("msg", pickEvent() + " " + t)), LabeledLine.Kind.HARD_NEGATIVE,
                    "json", List.of());
            default -> new LabeledLine("java.lang.IllegalStateException: " + pickEvent() + " failed " + t,
                    LabeledLine.Kind.HARD_NEGATIVE, "stacktrace", List.of());
        };
    }

    /** Ordinary traffic without PHI. */
    public LabeledLine cleanLine() {
        return switch (rnd.nextInt(6)) {
            case 0 -> new LabeledLine(json(jsonField("msg", pickEvent() + " ok") + ",\"items\":" + rnd.nextInt(50)
                    + ",\"durationMs\":" + rnd.nextInt(900)), LabeledLine.Kind.CLEAN, "json", List.of());
            case 1 -> new LabeledLine(syslog("session opened for user svc-" + APPS[rnd.nextInt(APPS.length)]
                    + " by (uid=0) pid " + (100 + rnd.nextInt(30000))), LabeledLine.Kind.CLEAN, "syslog", List.of());
            case 2 -> new LabeledLine(kv("event=" + pickEvent() + " rows=" + rnd.nextInt(5000) + " dur_ms="
                    + rnd.nextInt(900) + " status=ok"), LabeledLine.Kind.CLEAN, "kv", List.of());
            case 3 -> new LabeledLine("\tat com.acme." + pickEvent().replace(' ', '.') + ".Handler.handle(Handler.java:"
                    + (10 + rnd.nextInt(400)) + ")", LabeledLine.Kind.CLEAN, "stacktrace", List.of());
            case 4 -> new LabeledLine("OBX|1|NM|8867-4^Heart rate^LN||" + (50 + rnd.nextInt(60))
                    + "|/min|60-100|N|||F", LabeledLine.Kind.CLEAN, "hl7", List.of());
            default -> new LabeledLine("MSH|^~\\&|EPIC|HOSP|LAB|HOSP|2026112703" + (1000 + rnd.nextInt(8999))
                    + "||ADT^A0" + (1 + rnd.nextInt(8)) + "|MSG" + (10000 + rnd.nextInt(89999)) + "|P|2.5.1",
                    LabeledLine.Kind.CLEAN, "hl7", List.of());
        };
    }

    // ---- values with their labels ----

    /** A value of a type with the key it is logged under and a prose label; bare forms always get a context label. */
    private record Field(String type, String key, String label, String value, boolean urlSafe) {
    }

    private String pick(String... options) {
        return options[rnd.nextInt(options.length)];
    }

    private Field field(String type) {
        switch (type) {
            case "SSN": {
                String d = values.ssnDigits();
                int style = rnd.nextInt(10);
                String v = style < 5 ? PhiValues.dashedSsn(d) : style < 7 ? d.substring(0, 3) + " " + d.substring(3, 5)
                        + " " + d.substring(5) : d;
                return new Field(type, pick("ssn", "patient_ssn", "socialSecurityNumber", "social_security_number",
                        "ssn_full"), pick("SSN", "SSN:", "social security number", "SSN#"), v, !v.contains(" "));
            }
            case "CREDIT_CARD": {
                String v = values.card();
                return new Field(type, pick("card", "cc", "card_number", "pan", "cardNumber"),
                        pick("card", "charged card", "cc", "payment card"), v, !v.contains(" "));
            }
            case "EMAIL": {
                String v = values.email();
                return new Field(type, pick("email", "mail", "contact_email", "user"),
                        pick("email", "sent to", "reply-to", "user"), v, false);
            }
            case "PHONE": {
                boolean bare = rnd.nextInt(5) == 0;
                String d = values.phoneDigits();
                String v = bare ? (rnd.nextBoolean() ? d : "1" + d) : values.phone();
                return new Field(type, pick("phone", "tel", "mobile", "phone_number", "contactPhone", "fax"),
                        bare ? pick("phone", "tel:", "mobile", "fax") : pick("phone", "call back at", "tel:",
                                "mobile"), v, !v.contains(" ") && !v.contains("+"));
            }
            case "IPV4":
                return new Field(type, pick("client_ip", "remote_addr", "src", "ip"),
                        pick("connection from", "client", "peer"), values.ipv4(), true);
            case "IPV6":
                return new Field(type, pick("client_ip", "remote_addr", "src", "ip6"),
                        pick("connection from", "client", "peer"), values.ipv6(), false);
            case "NPI":
                return new Field(type, pick("npi", "provider_npi", "prescriberNpi", "npiNumber"),
                        pick("NPI", "provider NPI", "NPI#", "prescriber npi"), values.npi(), true);
            case "DEA":
                return new Field(type, pick("dea", "dea_number", "prescriber_dea"), pick("DEA", "DEA#", "dea no"),
                        values.dea(), true);
            case "MBI":
                return new Field(type, pick("mbi", "medicare_id", "medicareBeneficiaryId"),
                        pick("MBI", "Medicare ID", "beneficiary"), values.mbi(), true);
            case "IBAN": {
                String v = values.iban();
                return new Field(type, pick("iban", "account", "payout_iban"), pick("IBAN", "refund to", "iban"),
                        v, !v.contains(" "));
            }
            case "VIN":
                return new Field(type, pick("vin", "vehicle_vin", "vehicleId"), pick("VIN", "vehicle", "vin"),
                        values.vin(), true);
            case "DOB": {
                String v = values.dob();
                return new Field(type, pick("dob", "date_of_birth", "dateOfBirth", "birthDate", "birth_date",
                        "patientDob"), pick("DOB", "DOB:", "D.O.B.", "date of birth", "born on", "born", "birthdate"),
                        v,
                        !v.contains(" "));
            }
            case "MRN":
                return new Field(type, pick("mrn", "patient_id", "patientId", "medicalRecordNumber",
                        "medical_record_number", "chart_no"), pick("MRN", "MRN:", "MRN#", "medical record number",
                        "patient id"), values.mrn(), true);
            case "MEMBER_ID":
                return new Field(type, pick("memberId", "member_id", "subscriber_id", "policy_number", "policyNumber",
                        "health_plan_id", "insurance_id"), pick("member id", "Member ID:", "policy #",
                        "subscriber id", "health plan id"), values.memberId(), true);
            case "PASSPORT":
                return new Field(type, pick("passport", "passport_no", "passportNumber"),
                        pick("passport", "passport no.", "passport number"), values.passport(), true);
            case "ADDRESS":
                return new Field(type, pick("address", "home_address", "street", "addr", "mailing_address"),
                        pick("lives at", "address:", "ship to", "home address"), values.address(), false);
            case "NAME": {
                int k = rnd.nextInt(4);
                String key = k == 0 ? "firstName" : k == 1 ? "lastName" : pick("patient_name", "patientName", "name",
                        "fullName", "pt_name");
                String v = k == 0 ? values.firstName() : k == 1 ? values.lastName() : values.fullName();
                if (rnd.nextInt(10) == 0) {
                    v = v.toUpperCase(java.util.Locale.ROOT); // EHR exports often upper-case names
                }
                return new Field(type, key, k < 2 ? (k == 0 ? "first name" : "last name")
                        : pick("patient", "Patient:", "pt name:", "patient name", "name="), v, false);
            }
            default:
                throw new IllegalArgumentException("unknown PHI type " + type);
        }
    }

    // ---- shapes ----

    private String pickEvent() {
        return pick("order placed", "claim submitted", "appointment booked", "cache refresh", "batch import",
                "invoice render", "token refresh", "report export", "eligibility check", "sync job");
    }

    private String isoNow() {
        clock += rnd.nextInt(5);
        long s = clock % 86_400;
        return String.format("2026-11-27T%02d:%02d:%02d.%03dZ", s / 3600, s / 60 % 60, s % 60, rnd.nextInt(1000));
    }

    private String syslogNow() {
        clock += rnd.nextInt(5);
        long s = clock % 86_400;
        return String.format("%s %2d %02d:%02d:%02d", MONTHS[10], 27, s / 3600, s / 60 % 60, s % 60);
    }

    private static String jsonField(String key, String value) {
        return "\"" + key + "\":\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private String json(String fields) {
        return "{\"ts\":\"" + isoNow() + "\",\"level\":\"" + pick("INFO", "WARN", "DEBUG") + "\",\"logger\":\""
                + LOGGERS[rnd.nextInt(LOGGERS.length)] + "\"," + fields + ",\"traceId\":\"" + negatives.uuid()
                .replace("-", "") + "\"}";
    }

    private String syslog(String message) {
        return "<" + (128 + rnd.nextInt(8)) + ">" + syslogNow() + " " + HOSTS[rnd.nextInt(HOSTS.length)] + " "
                + APPS[rnd.nextInt(APPS.length)] + "[" + (100 + rnd.nextInt(30000)) + "]: " + message;
    }

    private String kv(String pairs) {
        return "ts=" + isoNow() + " level=" + pick("info", "warn", "debug") + " svc=" + APPS[rnd.nextInt(APPS.length)]
                + " " + pairs + " dur_ms=" + rnd.nextInt(900);
    }

    private String prose(Field f) {
        String label = f.label();
        String labeled = label + (label.endsWith("=") ? "" : " ") + f.value();
        if (rnd.nextInt(8) == 0) {
            labeled = label + (label.endsWith("=") ? "'" : " '") + f.value() + "'";
        }
        return switch (rnd.nextInt(4)) {
            case 0 -> VERBS[rnd.nextInt(VERBS.length)] + " record: " + labeled + " by svc-intake";
            case 1 -> "lookup failed for " + labeled + " (retry " + rnd.nextInt(3) + ")";
            case 2 -> labeled + " verified in " + rnd.nextInt(500) + "ms";
            default -> "request " + negatives.uuid() + " " + labeled;
        };
    }

    private String stackTrace(Field f) {
        String v = f.value();
        String labeled = f.label() + (f.label().endsWith("=") ? "" : " ") + v;
        return pick("Caused by: com.acme.ValidationException: ", "java.lang.IllegalArgumentException: ",
                "org.hibernate.exception.ConstraintViolationException: ") + pick("rejected ", "duplicate ",
                "could not match ") + labeled;
    }

    private LabeledLine nginx(Field f, List<PhiValue> phi) {
        String client = f.type().startsWith("IPV") ? f.value() : rnd.nextInt(5) == 0 ? values.ipv6() : values.ipv4();
        phi.add(new PhiValue(client.contains(":") ? "IPV6" : "IPV4", client));
        String v = f.value();
        if (f.type().equals("EMAIL")) {
            v = v.replace("@", "%40");
        }
        if (!f.type().startsWith("IPV")) {
            phi.add(new PhiValue(f.type(), v));
        }
        String path = f.type().startsWith("IPV") ? "/api/v1/health" : pick("/api/v1/patients", "/portal/search",
                "/rx/lookup") + "?" + f.key() + "=" + v + "&page=" + rnd.nextInt(9);
        clock += rnd.nextInt(5);
        long s = clock % 86_400;
        String line = client + " - - [27/Nov/2026:" + String.format("%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                + " +0000] \"" + pick("GET", "POST") + " " + path + " HTTP/1.1\" " + pick("200", "404", "302") + " "
                + rnd.nextInt(20000) + " \"-\" \"" + pick("curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64)",
                "okhttp/4.12.0") + "\"";
        return new LabeledLine(line, LabeledLine.Kind.PHI, "nginx", phi);
    }

    private LabeledLine hl7(String type) {
        List<PhiValue> phi = new ArrayList<>();
        String last = values.lastName();
        String first = values.firstName();
        if (type.equals("NAME") && rnd.nextBoolean()) {
            String name = last + "^" + first;
            String phone = formatHl7Phone();
            phi.add(new PhiValue("NAME", name));
            phi.add(new PhiValue("PHONE", phone));
            return new LabeledLine("NK1|1|" + name + "|" + pick("SPO", "MTH", "FTH", "EMC") + "||" + phone,
                    LabeledLine.Kind.PHI, "hl7", phi);
        }
        String mrn = values.mrn().replace("-", "");
        String name = last + "^" + first + "^" + (char) ('A' + rnd.nextInt(26));
        String dob = values.hl7Date();
        String addr = (1 + rnd.nextInt(9899)) + " " + values.pick(new String[]{"Main", "Oak", "Elm", "Lake"}) + " "
                + values.pick(new String[]{"St", "Ave", "Rd", "Dr"}) + "^^" + values.city() + "^" + values.state() + "^"
                + String.format("%05d", 10000 + rnd.nextInt(89999)) + "^USA";
        String phone = formatHl7Phone();
        String ssnDigits = values.ssnDigits();
        String ssn = rnd.nextBoolean() ? ssnDigits : PhiValues.dashedSsn(ssnDigits);
        phi.add(new PhiValue("MRN", mrn));
        phi.add(new PhiValue("NAME", name));
        phi.add(new PhiValue("DOB", dob));
        phi.add(new PhiValue("ADDRESS", addr));
        phi.add(new PhiValue("PHONE", phone));
        phi.add(new PhiValue("SSN", ssn));
        String line = "PID|1||" + mrn + "^^^" + pick("HOSP", "MAIN", "CLINIC") + "^MR||" + name + "||" + dob + "|"
                + pick("F", "M", "U") + "|||" + addr + "||" + phone + "|||" + pick("S", "M", "D") + "||ACCT"
                + (100000 + rnd.nextInt(899999)) + "|" + ssn;
        return new LabeledLine(line, LabeledLine.Kind.PHI, "hl7", phi);
    }

    private String formatHl7Phone() {
        String d = values.phoneDigits();
        return "(" + d.substring(0, 3) + ")" + d.substring(3, 6) + "-" + d.substring(6);
    }
}
