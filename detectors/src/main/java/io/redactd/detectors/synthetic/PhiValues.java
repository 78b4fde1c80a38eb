package io.redactd.detectors.synthetic;

import java.util.Random;

/**
 * Generates values that are valid by the real rules of each type (check digits, number ranges, registries), so a
 * detector that validates must accept them. Deterministic for a given {@link Random}.
 */
public final class PhiValues {
    private static final String MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY";
    private static final String DEA_TYPES = "ABCDEFGHJKLMPRSTUX";
    private static final String VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
    private static final String[] VIN_WMI = {"1HG", "1FT", "1G1", "2T1", "3VW", "4T1", "5YJ", "JH4", "JTD", "KMH",
        "WBA", "WVW", "YV1", "ZFF", "SAL", "1C4", "5N1", "WDD"};
    private static final String VIN_YEARS = "ABCDEFGHJKLMNPRSTVWXY123456789";
    private static final String[] FIRST = {"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael",
        "Linda", "William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
        "Charles", "Karen", "Maria", "Wei", "Aisha", "Carlos", "Priya", "Dmitri", "Fatima", "Hiroshi", "Olga", "Kwame",
        "Ana", "Luis", "Mei", "Omar", "Ingrid", "Tomasz"};
    private static final String[] LAST = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
        "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
        "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Nguyen", "O'Brien", "McDonald",
        "Kowalski", "Okafor", "Chen", "Patel", "Novak", "Schmidt", "Smith-Jones", "MacArthur"};
    private static final String[] STREETS = {"Main", "Oak", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill",
        "Park", "Pine", "Sunset", "Lincoln", "Jackson", "Walnut", "Highland", "Spring Valley", "Old Mill", "Green Bay",
        "Cherry Blossom", "5th", "42nd", "1st", "3rd"};
    private static final String[] SUFFIXES = {"St", "Street", "Ave", "Avenue", "Rd", "Road", "Blvd", "Dr", "Drive",
        "Ln", "Lane", "Ct", "Way", "Pl", "Ter", "Pkwy", "Cir", "Hwy"};
    private static final String[] CITIES = {"Springfield", "Chicago", "Peoria", "Madison", "Austin", "Denver",
        "Portland", "Salem", "Columbus", "Fort Wayne", "Des Moines", "Boston", "Atlanta", "New York"};
    private static final String[] STATES = {"IL", "WI", "TX", "CO", "OR", "OH", "IN", "IA", "MA", "GA", "NY", "CA"};
    private static final String[] DOMAINS = {"example.com", "example.org", "mail.example.net", "hospital.example",
        "clinic-north.example.org", "patients.example.co.uk", "uni.example.edu"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
        "Dec"};
    private static final String[] MONTHS_LONG = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};
    // country and BBAN layout (IBAN length minus 4 characters): 'n' digit, 'a' letter, 'c' either
    private static final String[][] IBAN_COUNTRIES = {{"DE", "nnnnnnnnnnnnnnnnnn"}, {"GB", "aaaannnnnnnnnnnnnn"},
        {"FR", "nnnnnnnnnncccccccccccnn"}, {"NL", "aaaannnnnnnnnn"}, {"ES", "nnnnnnnnnnnnnnnnnnnn"},
        {"IT", "annnnnnnnnncccccccccccc"}, {"CH", "nnnnncccccccccccc"}, {"BE", "nnnnnnnnnnnn"},
        {"AT", "nnnnnnnnnnnnnnnn"}, {"NO", "nnnnnnnnnnn"}, {"PL", "nnnnnnnnnnnnnnnnnnnnnnnn"},
        {"IE", "aaaannnnnnnnnnnnnn"}};

    private final Random rnd;

    public PhiValues(Random rnd) {
        this.rnd = rnd;
    }

    int pick(int n) {
        return rnd.nextInt(n);
    }

    <T> T pick(T[] items) {
        return items[rnd.nextInt(items.length)];
    }

    private String digits(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + rnd.nextInt(10)));
        }
        return sb.toString();
    }

    /** Nine SSN digits with a valid area (001-899 except 666), group and serial. */
    public String ssnDigits() {
        while (true) {
            int area = 1 + rnd.nextInt(899);
            int group = 1 + rnd.nextInt(99);
            int serial = 1 + rnd.nextInt(9999);
            boolean voided = area == 78 && group == 5 && serial == 1120 || area == 219 && group == 9 && serial == 9999;
            if (area == 666 || voided) {
                continue;
            }
            return String.format("%03d%02d%04d", area, group, serial);
        }
    }

    public static String dashedSsn(String d) {
        return d.substring(0, 3) + "-" + d.substring(3, 5) + "-" + d.substring(5);
    }

    /** A valid card number (digits only) with a real issuer prefix and length. */
    public String cardDigits() {
        String prefix;
        int len;
        switch (rnd.nextInt(8)) {
            case 0 -> {
                prefix = "4";
                len = rnd.nextInt(10) == 0 ? 13 : 16;
            }
            case 1 -> {
                prefix = String.valueOf(51 + rnd.nextInt(5));
                len = 16;
            }
            case 2 -> {
                prefix = String.valueOf(2221 + rnd.nextInt(500));
                len = 16;
            }
            case 3 -> {
                prefix = rnd.nextBoolean() ? "34" : "37";
                len = 15;
            }
            case 4 -> {
                prefix = rnd.nextBoolean() ? "6011" : "65";
                len = 16;
            }
            case 5 -> {
                prefix = String.valueOf(3528 + rnd.nextInt(62));
                len = 16;
            }
            case 6 -> {
                prefix = rnd.nextBoolean() ? "36" : String.valueOf(300 + rnd.nextInt(6));
                len = 14;
            }
            default -> {
                prefix = "4";
                len = 16;
            }
        }
        String body = prefix + digits(len - prefix.length() - 1);
        return body + luhnCheckDigit(body);
    }

    /** A card number as written: contiguous, or grouped with spaces or dashes in the issuer's grouping. */
    public String card() {
        String d = cardDigits();
        int style = rnd.nextInt(3);
        if (style == 0) {
            return d;
        }
        String sep = style == 1 ? " " : "-";
        if (d.length() == 15) {
            return d.substring(0, 4) + sep + d.substring(4, 10) + sep + d.substring(10);
        }
        if (d.length() == 14) {
            return d.substring(0, 4) + sep + d.substring(4, 10) + sep + d.substring(10);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < d.length(); i += 4) {
            if (i > 0) {
                sb.append(sep);
            }
            sb.append(d, i, Math.min(d.length(), i + 4));
        }
        return sb.toString();
    }

    /** Luhn check digit for the digits so far. */
    public static char luhnCheckDigit(String body) {
        int sum = 0;
        boolean dbl = true;
        for (int i = body.length() - 1; i >= 0; i--) {
            int d = body.charAt(i) - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return (char) ('0' + (10 - sum % 10) % 10);
    }

    /** Ten NANP digits: NPA and NXX start 2-9, are not N11, NPA middle digit not 9. */
    public String phoneDigits() {
        return code(true) + code(false) + digits(4);
    }

    private String code(boolean npa) {
        while (true) {
            int c = 200 + rnd.nextInt(800);
            if (c % 100 == 11 || npa && c / 10 % 10 == 9) {
                continue;
            }
            return String.valueOf(c);
        }
    }

    /** A NANP phone in one of the written formats (bare digits are left to the caller, which adds context). */
    public String phone() {
        String d = phoneDigits();
        String a = d.substring(0, 3);
        String b = d.substring(3, 6);
        String c = d.substring(6);
        return switch (rnd.nextInt(8)) {
            case 0 -> "(" + a + ") " + b + "-" + c;
            case 1 -> a + "-" + b + "-" + c;
            case 2 -> a + "." + b + "." + c;
            case 3 -> "+1 " + a + " " + b + " " + c;
            case 4 -> "+1-" + a + "-" + b + "-" + c;
            case 5 -> "+1" + d;
            case 6 -> "1-" + a + "-" + b + "-" + c;
            default -> "(" + a + ")" + b + "-" + c;
        };
    }

    public String emailLocal() {
        String f = pick(FIRST).toLowerCase();
        String l = pick(LAST).toLowerCase().replace("'", "").replace(" ", "");
        return switch (rnd.nextInt(4)) {
            case 0 -> f + "." + l;
            case 1 -> f.charAt(0) + l + rnd.nextInt(100);
            case 2 -> f + "_" + l;
            default -> f + "+" + "tag" + rnd.nextInt(10);
        };
    }

    public String email() {
        return emailLocal() + "@" + pick(DOMAINS);
    }

    public String ipv4() {
        return switch (rnd.nextInt(4)) {
            case 0 -> "10." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
            case 1 -> "192.168." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
            case 2 -> "172." + (16 + rnd.nextInt(16)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256);
            default -> (1 + rnd.nextInt(223)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "."
                    + rnd.nextInt(256);
        };
    }

    private String hex4() {
        return Integer.toHexString(rnd.nextInt(0x10000));
    }

    public String ipv6() {
        return switch (rnd.nextInt(5)) {
            case 0 -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < 8; i++) {
                    sb.append(i > 0 ? ":" : "").append(String.format("%04x", rnd.nextInt(0x10000)));
                }
                yield sb.toString();
            }
            case 1 -> "2001:db8::" + (1 + rnd.nextInt(0xfff));
            case 2 -> "fe80::" + hex4() + ":" + hex4() + ":" + hex4() + ":" + (1 + rnd.nextInt(9)) + hex4().charAt(0);
            case 3 -> "2001:db8:" + hex4() + ":" + rnd.nextInt(10) + "::" + hex4();
            default -> "2a02:" + hex4() + ":" + hex4() + ":" + hex4() + ":" + hex4() + ":" + hex4()
                    + ":" + hex4() + ":" + rnd.nextInt(10000);
        };
    }

    /** A 10-digit NPI starting 1 or 2 with the Luhn check digit over the 80840 prefix. */
    public String npi() {
        String body = (rnd.nextBoolean() ? "1" : "2") + digits(8);
        char check = luhnCheckDigit("80840" + body);
        return body + check;
    }

    /** A DEA number: registrant type, last-name initial, six digits and the check digit. */
    public String dea() {
        String d = digits(6);
        int odd = (d.charAt(0) - '0') + (d.charAt(2) - '0') + (d.charAt(4) - '0');
        int even = (d.charAt(1) - '0') + (d.charAt(3) - '0') + (d.charAt(5) - '0');
        char second = rnd.nextInt(20) == 0 ? '9' : pick(LAST).charAt(0);
        return "" + DEA_TYPES.charAt(rnd.nextInt(DEA_TYPES.length())) + second + d + (odd + 2 * even) % 10;
    }

    /** An MBI in CMS format, with or without dashes. */
    public String mbi() {
        StringBuilder sb = new StringBuilder(13);
        String format = "CAXNAXNAANN";
        for (int i = 0; i < format.length(); i++) {
            char k = format.charAt(i);
            char c = switch (k) {
                case 'C' -> (char) ('1' + rnd.nextInt(9));
                case 'N' -> (char) ('0' + rnd.nextInt(10));
                case 'A' -> MBI_LETTERS.charAt(rnd.nextInt(MBI_LETTERS.length()));
                default -> rnd.nextBoolean() ? (char) ('0' + rnd.nextInt(10))
                        : MBI_LETTERS.charAt(rnd.nextInt(MBI_LETTERS.length()));
            };
            sb.append(c);
        }
        String s = sb.toString();
        return rnd.nextBoolean() ? s : s.substring(0, 4) + "-" + s.substring(4, 7) + "-" + s.substring(7);
    }

    /** An IBAN of a registered country and length with correct mod-97 check digits, compact or in groups of 4. */
    public String iban() {
        String[] c = pick(IBAN_COUNTRIES);
        StringBuilder bban = new StringBuilder();
        for (char k : c[1].toCharArray()) {
            bban.append(switch (k) {
                case 'n' -> (char) ('0' + rnd.nextInt(10));
                case 'a' -> (char) ('A' + rnd.nextInt(26));
                default -> rnd.nextBoolean() ? (char) ('0' + rnd.nextInt(10)) : (char) ('A' + rnd.nextInt(26));
            });
        }
        String rearranged = bban + c[0] + "00";
        int rem = 0;
        for (char ch : rearranged.toCharArray()) {
            rem = Character.isDigit(ch) ? (rem * 10 + (ch - '0')) % 97 : (rem * 100 + (ch - 'A' + 10)) % 97;
        }
        String iban = c[0] + String.format("%02d", 98 - rem) + bban;
        if (rnd.nextBoolean()) {
            return iban;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < iban.length(); i += 4) {
            sb.append(i > 0 ? " " : "").append(iban, i, Math.min(iban.length(), i + 4));
        }
        return sb.toString();
    }

    /** A VIN from a real manufacturer code with a correct check digit in position 9. */
    public String vin() {
        char[] v = new char[17];
        String wmi = pick(VIN_WMI);
        for (int i = 0; i < 17; i++) {
            v[i] = i < 3 ? wmi.charAt(i) : VIN_CHARS.charAt(rnd.nextInt(VIN_CHARS.length()));
        }
        v[9] = VIN_YEARS.charAt(rnd.nextInt(VIN_YEARS.length()));
        int[] weights = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
        String values = "12345678-12345-7-923456789";
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            char ch = v[i];
            int val = Character.isDigit(ch) ? ch - '0' : values.charAt(ch - 'A') - '0';
            sum += val * weights[i];
        }
        int check = sum % 11;
        v[8] = check == 10 ? 'X' : (char) ('0' + check);
        return new String(v);
    }

    /** A birth date in one of the common written formats. */
    public String dob() {
        int y = 1930 + rnd.nextInt(90);
        int m = 1 + rnd.nextInt(12);
        int d = 1 + rnd.nextInt(28);
        return switch (rnd.nextInt(6)) {
            case 0 -> String.format("%04d-%02d-%02d", y, m, d);
            case 1 -> String.format("%02d/%02d/%04d", m, d, y);
            case 2 -> String.format("%d/%d/%02d", m, d, y % 100);
            case 3 -> String.format("%04d%02d%02d", y, m, d);
            case 4 -> MONTHS[m - 1] + " " + d + ", " + y;
            default -> d + " " + MONTHS_LONG[m - 1] + " " + y;
        };
    }

    /** A birth date as HL7 writes it (YYYYMMDD). */
    public String hl7Date() {
        return String.format("%04d%02d%02d", 1930 + rnd.nextInt(90), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28));
    }

    public String mrn() {
        return switch (rnd.nextInt(4)) {
            case 0 -> digits(8);
            case 1 -> "00" + digits(6);
            case 2 -> (char) ('A' + rnd.nextInt(26)) + digits(7);
            default -> "MR-" + digits(7);
        };
    }

    public String memberId() {
        return switch (rnd.nextInt(4)) {
            case 0 -> "XYZ" + digits(9);
            case 1 -> "W" + digits(9);
            case 2 -> "H" + digits(4) + "-" + digits(5);
            default -> digits(3) + "A" + digits(6);
        };
    }

    public String passport() {
        return rnd.nextBoolean() ? digits(9) : (char) ('A' + rnd.nextInt(26)) + digits(8);
    }

    public String firstName() {
        return pick(FIRST);
    }

    /** A last name; one in thirty has a lower-case particle (de la Cruz), which label-based detection cuts short. */
    public String lastName() {
        return rnd.nextInt(30) == 0 ? pick(new String[]{"de la Cruz", "van der Berg", "da Silva"}) : pick(LAST);
    }

    public String fullName() {
        return switch (rnd.nextInt(4)) {
            case 0 -> firstName() + " " + lastName();
            case 1 -> lastName() + ", " + firstName();
            case 2 -> firstName() + " " + (char) ('A' + rnd.nextInt(26)) + ". " + lastName();
            default -> firstName() + " " + lastName();
        };
    }

    /** A US street address: number, optional direction, street, suffix, and sometimes unit, city, state, ZIP. */
    public String address() {
        StringBuilder sb = new StringBuilder();
        if (rnd.nextInt(10) == 0) {
            return sb.append(rnd.nextBoolean() ? "PO Box " : "P.O. Box ").append(1 + rnd.nextInt(9999)).append(", ")
                    .append(pick(CITIES)).append(", ").append(pick(STATES)).append(' ')
                    .append(String.format("%05d", 10000 + rnd.nextInt(89999))).toString();
        }
        sb.append(1 + rnd.nextInt(9899));
        if (rnd.nextInt(4) == 0) {
            sb.append(' ').append("NSEW".charAt(rnd.nextInt(4)));
        }
        sb.append(' ').append(pick(STREETS)).append(' ').append(pick(SUFFIXES));
        if (rnd.nextInt(3) == 0) {
            sb.append(rnd.nextBoolean() ? ", Apt " : " Suite ").append(1 + rnd.nextInt(400));
        }
        if (rnd.nextBoolean()) {
            sb.append(", ").append(pick(CITIES)).append(", ").append(pick(STATES)).append(' ')
                    .append(String.format("%05d", 10000 + rnd.nextInt(89999)));
        }
        return sb.toString();
    }

    public String city() {
        return pick(CITIES);
    }

    public String state() {
        return pick(STATES);
    }
}
