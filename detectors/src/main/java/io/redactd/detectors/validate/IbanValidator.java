package io.redactd.detectors.validate;

/**
 * International Bank Account Number: a country code with that country's registered IBAN length (SWIFT IBAN
 * registry), two check digits, and the whole number mod 97 == 1 (ISO 13616; letters count as 10-35, the first four
 * characters moved to the end). Spaces between groups of four are skipped. Countries not in the table are rejected.
 */
public final class IbanValidator implements Validator {
    private static final String REGISTRY = "AD24AE23AL28AT20AZ28BA20BE16BG22BH22BR29BY28CH21CR22CY28CZ24DE22DK18DO28"
            + "EE20EG29ES24FI18FO18FR27GB22GE22GI23GL18GR27GT28HR21HU28IE22IL23IQ23IS26IT27JO30KW30KZ20LB28LC32"
            + "LI21LT20LU20LV21MC27MD24ME22MK19MR27MT31MU30NL18NO15PK24PL28PS29PT25QA29RO24RS22SA24SC31SE24SI19"
            + "SK24SM27ST25SV28TL23TN24TR26UA29VA22VG24XK20";
    private static final byte[] LENGTHS = new byte[26 * 26];

    static {
        for (int i = 0; i < REGISTRY.length(); i += 4) {
            int idx = (REGISTRY.charAt(i) - 'A') * 26 + (REGISTRY.charAt(i + 1) - 'A');
            LENGTHS[idx] = (byte) Integer.parseInt(REGISTRY.substring(i + 2, i + 4));
        }
    }

    @Override
    public boolean valid(byte[] buf, int start, int end) {
        int n = 0;
        for (int i = start; i < end; i++) {
            byte b = buf[i];
            if (b == ' ') {
                continue;
            }
            if (!(Digits.isDigit(b) || (b >= 'A' && b <= 'Z'))) {
                return false;
            }
            n++;
        }
        if (n < 15 || end - start < 2) {
            return false;
        }
        byte c1 = buf[start];
        byte c2 = buf[start + 1];
        if (c1 < 'A' || c1 > 'Z' || c2 < 'A' || c2 > 'Z' || LENGTHS[(c1 - 'A') * 26 + (c2 - 'A')] != n) {
            return false;
        }
        // BBAN first, then the country code and check digits
        int rem = 0;
        int seen = 0;
        for (int pass = 0; pass < 2; pass++) {
            seen = 0;
            for (int i = start; i < end; i++) {
                byte b = buf[i];
                if (b == ' ') {
                    continue;
                }
                boolean head = seen++ < 4;
                if (head == (pass == 0)) {
                    continue;
                }
                rem = Digits.isDigit(b) ? (rem * 10 + (b - '0')) % 97 : (rem * 100 + (b - 'A' + 10)) % 97;
            }
        }
        return rem == 1;
    }
}
