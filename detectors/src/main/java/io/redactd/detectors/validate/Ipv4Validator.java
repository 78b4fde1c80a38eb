package io.redactd.detectors.validate;

/**
 * Dotted-quad IPv4 address: exactly four decimal octets of 1-3 digits, each 0-255, and nothing else. Candidates that
 * carry a version-string tail (10.2.3.4-beta, 1.2.3.4.5) are matched whole by the pattern and rejected here.
 */
public final class Ipv4Validator implements Validator {
    @Override
    public boolean valid(byte[] buf, int start, int end) {
        int octets = 0;
        int digits = 0;
        int value = 0;
        for (int i = start; i <= end; i++) {
            if (i == end || buf[i] == '.') {
                if (digits == 0 || value > 255) {
                    return false;
                }
                octets++;
                digits = 0;
                value = 0;
            } else if (Digits.isDigit(buf[i]) && digits < 3) {
                value = value * 10 + (buf[i] - '0');
                digits++;
            } else {
                return false;
            }
        }
        return octets == 4;
    }
}
