package io.veil.gateway.crosszone;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PSI reader parses the stored normalised CSV exactly: quotes, escaped quotes, embedded commas and line ends, NULLs. */
class StoredCsvRecordTest {

    private static List<List<String>> parse(String csv) throws IOException {
        BufferedReader r = new BufferedReader(new StringReader(csv));
        List<List<String>> out = new ArrayList<>();
        List<String> row = new ArrayList<>();
        while (DatasetColumns.record(r, row)) out.add(new ArrayList<>(row));
        return out;
    }

    @Test
    void readsQuotedFieldsAndNulls() throws IOException {
        List<List<String>> rows = parse("id,name,n\n\"a,1\",\"say \"\"hi\"\"\",3\nb,,\n\"\",\"x\ny\",\" z \"\n");
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).containsExactly("id", "name", "n");
        assertThat(rows.get(1)).containsExactly("a,1", "say \"hi\"", "3");
        assertThat(rows.get(2)).containsExactly("b", null, null);
        assertThat(rows.get(3)).containsExactly("", "x\ny", " z ");
    }

    @Test
    void lastLineWithoutLineEndIsARecord() throws IOException {
        assertThat(parse("k\nv1\nv2")).containsExactly(List.of("k"), List.of("v1"), List.of("v2"));
        assertThat(parse("")).isEmpty();
    }

    @Test
    void refusesAnUnterminatedQuote() {
        assertThatThrownBy(() -> parse("k\n\"open\n")).isInstanceOf(IOException.class);
    }

    @Test
    void crlfLineEndsAreAccepted() throws IOException {
        assertThat(parse("a,b\r\n1,2\r\n")).containsExactly(Arrays.asList("a", "b"), Arrays.asList("1", "2"));
    }
}
