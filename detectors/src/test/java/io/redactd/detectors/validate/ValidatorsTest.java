package io.redactd.detectors.validate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Known-valid and known-invalid examples for every built-in validator. */
class ValidatorsTest {

    private static boolean check(Validator v, String value) {
        // embed in a larger buffer so offsets other than 0 are exercised
        byte[] buf = ("xx" + value + "yy").getBytes(StandardCharsets.US_ASCII);
        return v.valid(buf, 2, buf.length - 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "79927398713", "4111-1111-1111-1111", "0000000000"})
    void luhnAccepts(String s) {
        assertThat(check(Validators.LUHN, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111112", "79927398710", "4111x1111", "7"})
    void luhnRejects(String s) {
        assertThat(check(Validators.LUHN, s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"123-45-6789", "123 45 6789", "219099998", "001-01-0001", "899-99-9999", "665-12-3456"})
    void ssnAccepts(String s) {
        assertThat(check(Validators.SSN, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"000-12-3456", "666-12-3456", "900-12-3456", "999-99-9999", "123-00-4567",
        "123-45-0000", "078-05-1120", "219-09-9999", "123-45-678", "123-45-67890", "123/45/6789"})
    void ssnRejects(String s) {
        assertThat(check(Validators.SSN, s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"(217) 555-0123", "217-555-0123", "217.555.0123", "+1 217 555 0123", "+1-217-555-0123",
        "1-800-555-0199", "2175550123", "12175550123", "(312)555-0147"})
    void phoneAccepts(String s) {
        assertThat(check(Validators.NANP_PHONE, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"000-000-0000", "117-555-0123", "017-555-0123", "211-555-0123", "911-555-0123",
        "295-555-0123", "217-055-0123", "217-155-0123", "217-411-0123", "222-222-2222", "22175550123",
        "217555012", "217-555-01234", "217_555_0123"})
    void phoneRejects(String s) {
        assertThat(check(Validators.NANP_PHONE, s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "4012888888881881", "4222222222222", "5555555555554444",
        "2223003122003222", "378282246310005", "371449635398431", "6011111111111117", "6011000990139424",
        "3530111333300000", "3566002020360505", "30569309025904", "38520000023237", "4111 1111 1111 1111",
        "4111-1111-1111-1111", "3782 822463 10005"})
    void cardAccepts(String s) {
        assertThat(check(Validators.CREDIT_CARD, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111112", "1234567812345670", "9111111111111110", "555555555555444",
        "37828224631000", "5555555555554444000", "411111111111", "4111111111111111111111", "0000000000000000",
        "2721000000000004"})
    void cardRejects(String s) {
        assertThat(check(Validators.CREDIT_CARD, s)).isFalse();
    }

    @Test
    void cardRejectsLuhnValidNumberOutsideIssuerRanges() {
        // 16 digits that pass Luhn but start with 9 (no issuer) or have a Mastercard prefix at the wrong length
        assertThat(check(Validators.LUHN, "9111111111111110")).isTrue();
        assertThat(check(Validators.CREDIT_CARD, "9111111111111110")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234567893", "1245319599", "2000000002"})
    void npiAccepts(String s) {
        assertThat(check(Validators.NPI, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234567890", "3234567893", "123456789", "12345678931", "0234567893"})
    void npiRejects(String s) {
        assertThat(check(Validators.NPI, s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"AB1234563", "BJ6125341", "F91234563", "xb1234563"})
    void deaAccepts(String s) {
        assertThat(check(Validators.DEA, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"AB1234564", "IB1234563", "NB1234563", "AB123456", "AB12345630", "A#1234563", "ABC234563"})
    void deaRejects(String s) {
        assertThat(check(Validators.DEA, s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1EG4-TE5-MK73", "1EG4TE5MK73", "9AA0A00AA00", "2C99-Y99-YY99"})
    void mbiAccepts(String s) {
        assertThat(check(Validators.MBI, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1EG4-TE5MK73", "0EG4TE5MK73", "1SG4TE5MK73", "1EG4TE5MK7A", "1EG4TE5MK7", "1eg4te5mk73",
        "1EGATE5MK73", "1EG4-TE5-MK7"})
    void mbiRejects(String s) {
        assertThat(check(Validators.MBI, s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DE89370400440532013000", "GB82WEST12345698765432", "GB82 WEST 1234 5698 7654 32",
        "FR1420041010050500013M02606", "NL91ABNA0417164300", "NO9386011117947", "CH9300762011623852957"})
    void ibanAccepts(String s) {
        assertThat(check(Validators.IBAN, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DE89370400440532013001", "GB82WEST1234569876543", "XX89370400440532013000",
        "DE8937040044053201300", "de89370400440532013000", "DE89-3704-0044-0532-0130-00"})
    void ibanRejects(String s) {
        assertThat(check(Validators.IBAN, s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1M8GDM9AXKP042788", "1HGCM82633A004352", "11111111111111111"})
    void vinChecksDigit(String s) {
        // 11111111111111111 has a correct check digit but no letter: rejected by the letter rule
        assertThat(check(Validators.VIN, s)).isEqualTo(!s.startsWith("111"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1M8GDM9A1KP042788", "1M8GDM9AXKP04278O", "1M8GDM9AXKP04278", "1HGCM82633A00435I"})
    void vinRejects(String s) {
        assertThat(check(Validators.VIN, s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.168.1.1", "0.0.0.0", "255.255.255.255", "10.0.0.254"})
    void ipv4Accepts(String s) {
        assertThat(check(Validators.IPV4, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.1.1.1", "1.2.3", "1.2.3.4.5", "10.2.3.4-beta", "1.2.3.1234", "1..2.3", "1.2.3.4."})
    void ipv4Rejects(String s) {
        assertThat(check(Validators.IPV4, s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8::1", "::1", "fe80::1ff:fe23:4567:890a",
        "fe80::", "2001:DB8:0:0:8:800:200C:417A", "1::"})
    void ipv6Accepts(String s) {
        assertThat(check(Validators.IPV6, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::1::2", "1:2:3:4:5:6:7", "12:30:45", "cafe::add", ":::1", "1:2:3:4:5:6:7:8:9",
        "12345::1", "::", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "1:2:3::4:5:6:7:8", "00:1a:2b:3c:4d:5e"})
    void ipv6Rejects(String s) {
        assertThat(check(Validators.IPV6, s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1980-03-12", "03/12/1980", "3/12/80", "19800312", "Mar 12, 1980", "12 March 1980",
        "12.03.1980", "1980/3/12", "31/12/1999"})
    void dateAccepts(String s) {
        assertThat(check(Validators.DATE, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1980-13-12", "1980-12-32", "1800-01-01", "99/99/1980", "12345678", "Mar 40, 1980",
        "1980-00-10", "1980-1"})
    void dateRejects(String s) {
        assertThat(check(Validators.DATE, s)).isFalse();
    }

    @Test
    void byNameKnowsEveryValidatorAndExplainsUnknownNames() {
        assertThat(Validators.byName("luhn")).isSameAs(Validators.LUHN);
        assertThat(Validators.byName(null)).isSameAs(Validator.NONE);
        assertThat(Validators.names()).contains("none", "ssn", "phone", "credit_card", "npi", "dea", "mbi", "iban",
                "vin", "ipv4", "ipv6", "date");
        assertThatThrownBy(() -> Validators.byName("crc32"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("crc32").hasMessageContaining("luhn");
    }

    /**
     * UTF-8 values: digit groups separated by no-break, narrow no-break, thin or ideographic spaces or a full-width
     * dash, and full-width digits (U+FF10-FF19), read as the digits they stand for. Embedded between full-width
     * digits, which must not count.
     */
    private static boolean checkUtf8(Validator v, String value) {
        byte[] pre = "\uFF19".getBytes(StandardCharsets.UTF_8);
        byte[] val = value.getBytes(StandardCharsets.UTF_8);
        byte[] buf = ("\uFF19" + value + "\uFF19").getBytes(StandardCharsets.UTF_8);
        return v.valid(buf, pre.length, pre.length + val.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"123\u00A045\u00A06789", "123\u202F45\u202F6789", "123\u200945\u20096789",
        "123\u200745\u20076789", "123\u200A45\u200A6789", "123\u201145\u20116789", "123_45_6789",
        "\uFF11\uFF12\uFF13\uFF0D\uFF14\uFF15\uFF0D\uFF16\uFF17\uFF18\uFF19",
        "\uFF11\uFF12\uFF13-\uFF14\uFF15-\uFF16\uFF17\uFF18\uFF19",
        "\uFF15\uFF13\uFF16\u3000\uFF12\uFF12\u3000\uFF18\uFF18\uFF17\uFF12"})
    void ssnAcceptsNoBreakSeparatorsAndFullWidthDigits(String s) {
        assertThat(checkUtf8(Validators.SSN, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uFF16\uFF16\uFF16\uFF0D\uFF11\uFF12\uFF0D\uFF13\uFF14\uFF15\uFF16",
        "\uFF11\uFF12\uFF13\uFF0D\uFF14\uFF15\uFF0D\uFF16\uFF17\uFF18", "123\u00A145\u00A16789",
        "123\u200245\u20026789", "123\u201045\u20106789", "123\uFF0E45\uFF0E6789", "\uFF21\uFF12\uFF13-45-6789",
        "666_45_6789", "123_00_6789", "12_345_6789", "123_45_678x", "123_4_56789"})
    void ssnRejectsOtherNonAsciiCharacters(String s) {
        assertThat(checkUtf8(Validators.SSN, s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111\u00A01111\u00A01111\u00A01111", "4111\u202F1111\u202F1111\u202F1111",
        "3782\u2009822463\u200910005",
        "\uFF14\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11",
        "\uFF13\uFF17\uFF18\uFF12\uFF0D\uFF18\uFF12\uFF12\uFF14\uFF16\uFF13\uFF0D\uFF11\uFF10\uFF10\uFF10\uFF15"})
    void cardAcceptsNoBreakSeparatorsAndFullWidthDigits(String s) {
        assertThat(checkUtf8(Validators.CREDIT_CARD, s)).isTrue();
        assertThat(checkUtf8(Validators.LUHN, s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111\u00A01111\u00A01111\u00A01112",
        "\uFF14\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF12",
        "4111\u00B71111\u00B71111\u00B71111"})
    void cardRejectsInvalidNumbersAndOtherSeparators(String s) {
        assertThat(checkUtf8(Validators.CREDIT_CARD, s)).isFalse();
    }

    @Test
    void truncatedMultiByteSequencesAreNotDigitsOrSeparators() {
        byte[] card = "4111111111111111".getBytes(StandardCharsets.US_ASCII);
        for (byte[] tail : new byte[][] {{(byte) 0xEF}, {(byte) 0xEF, (byte) 0xBC}, {(byte) 0xC2},
            {(byte) 0xE2, (byte) 0x80}}) {
            byte[] buf = java.util.Arrays.copyOf(card, card.length + tail.length + 1);
            System.arraycopy(tail, 0, buf, card.length, tail.length);
            buf[buf.length - 1] = (byte) 0x90; // the next byte, outside the range, must not complete the sequence
            assertThat(Validators.CREDIT_CARD.valid(buf, 0, card.length + tail.length)).isFalse();
            assertThat(Validators.CREDIT_CARD.valid(buf, 0, card.length)).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"(217)\u2009555\u20090123", "+1\u00A0217\u00A0555\u00A00123", "217\u202F555\u202F0123"})
    void phoneAcceptsNoBreakSeparators(String s) {
        assertThat(checkUtf8(Validators.NANP_PHONE, s)).isTrue();
    }

    @Test
    void npiAndLuhnReadFullWidthDigits() {
        String npi = "\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17\uFF18\uFF19\uFF13"; // 1234567893
        assertThat(checkUtf8(Validators.NPI, npi)).isTrue();
        assertThat(checkUtf8(Validators.NPI, npi.replace('\uFF13', '\uFF14'))).isFalse();
        assertThat(checkUtf8(Validators.LUHN, "7992739871\uFF13")).isTrue(); // 79927398713, its last digit full-width
    }
}
