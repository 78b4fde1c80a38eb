package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalJsonTest {

    private static String canon(String json) {
        return new String(CanonicalJson.canonicalize(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void rfc8785SampleValues() {
        // RFC 8785 section 3.2.2 sample, as in the reference implementation's testdata/values.json.
        String in = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                + "  \"literals\": [null, true, false]\n}";
        assertThat(canon(in)).isEqualTo("{\"literals\":[null,true,false],"
                + "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    @Test
    void rfc8785SortsByUtf16CodeUnits() {
        // RFC 8785 section 3.2.3: U+1F600 (surrogates D83D DE00) sorts before U+FB33 although its code point is higher.
        String in = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With "
                + "Dagesh\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
                + "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
        assertThat(canon(in)).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void nestedObjectsSortedAndArraysKeepOrder() {
        assertThat(canon("{ \"b\": [3, {\"z\":1, \"a\":2}], \"a\": {\"d\": true, \"10\": null, \"1\": []} }"))
                .isEqualTo("{\"a\":{\"1\":[],\"10\":null,\"d\":true},\"b\":[3,{\"a\":2,\"z\":1}]}");
    }

    @ParameterizedTest
    @CsvSource({
            // RFC 8785 Appendix B: IEEE-754 bit pattern -> ECMAScript serialisation.
            "0000000000000000, 0",
            "8000000000000000, 0",
            "0000000000000001, 5e-324",
            "8000000000000001, -5e-324",
            "7fefffffffffffff, 1.7976931348623157e+308",
            "ffefffffffffffff, -1.7976931348623157e+308",
            "4340000000000000, 9007199254740992",
            "c340000000000000, -9007199254740992",
            "4430000000000000, 295147905179352830000",
            "44b52d02c7e14af5, 9.999999999999997e+22",
            "44b52d02c7e14af6, 1e+23",
            "44b52d02c7e14af7, 1.0000000000000001e+23",
            "444b1ae4d6e2ef4e, 999999999999999700000",
            "444b1ae4d6e2ef4f, 999999999999999900000",
            "444b1ae4d6e2ef50, 1e+21",
            "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
            "3eb0c6f7a0b5ed8d, 0.000001",
            "41b3de4355555553, 333333333.3333332",
            "41b3de4355555554, 333333333.33333325",
            "41b3de4355555555, 333333333.3333333",
            "41b3de4355555556, 333333333.3333334",
            "41b3de4355555557, 333333333.33333343",
            "becbf647612f3696, -0.0000033333333333333333",
            "43143ff3c1cb0959, 1424953923781206.2"
    })
    void ecmascriptNumberFormatting(String bits, String expected) {
        double d = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
        assertThat(CanonicalJson.formatNumber(d)).isEqualTo(expected);
    }

    @Test
    void nanAndInfinityAreRefused() {
        assertThatThrownBy(() -> CanonicalJson.formatNumber(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.formatNumber(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void integersBeyondTwoToThe53AreDoubles() {
        assertThat(canon("[9007199254740993, 123456789012345678901234567890, -0, 1.0, 100e0]"))
                .isEqualTo("[9007199254740992,1.2345678901234568e+29,0,1,100]");
    }

    @Test
    void everyControlCharacterUsesItsRfc8785Escape() {
        StringBuilder in = new StringBuilder("\"");
        for (int c = 0; c < 0x20; c++) {
            in.append(String.format("\\u%04X", c));
        }
        in.append("\\u007f\\u00e9\"");
        assertThat(canon(in.toString())).isEqualTo("\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
                + "\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
                + "\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\u007f\u00e9\"");
    }

    @Test
    void duplicateNamesLoneSurrogatesAndTrailingDataAreRefused() {
        assertThatThrownBy(() -> canon("{\"a\":1,\"a\":2}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Duplicate");
        assertThatThrownBy(() -> canon("[\"\\ud800\"]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
        assertThatThrownBy(() -> canon("{} {}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void fastUtf8AppendMatchesTheReferenceOnRandomText() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Random rnd = new Random(8785);
        int[] pool = {'a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\r', '\t', 0, 1, 0x1f, 0x7f, 0xe9, 0x20ac, 0xfb33,
                0x1f600, 0x10ffff};
        for (int round = 0; round < 2_000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = rnd.nextInt(40); i > 0; i--) {
                sb.appendCodePoint(pool[rnd.nextInt(pool.length)]);
            }
            String s = sb.toString();
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            CanonicalWriter fast = new CanonicalWriter(4);
            CanonicalJson.appendString(fast, utf8, 0, utf8.length);
            byte[] reference = CanonicalJson.canonicalize(mapper.writeValueAsBytes(s));
            assertThat(fast.toByteArray()).as("string #%d", round).isEqualTo(reference);
            assertThat(new CanonicalWriter(4).string(s).toByteArray()).isEqualTo(reference);
        }
    }

    @Test
    void writerNumbersArePlainDigits() {
        CanonicalWriter w = new CanonicalWriter(4);
        w.number(0).raw(',').number(-42).raw(',').number(Long.MAX_VALUE).raw(',').number(9007199254740992L);
        assertThat(w.toString()).isEqualTo("0,-42,9223372036854776000,9007199254740992");
    }
}
