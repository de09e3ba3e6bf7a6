package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;

/** The demo's table survives Java serialisation, as it must to come back from workers. */
class PortableTableTest {

    @Test
    void aLongFuncTableComesBackWithItsNameColumnTypeAndValues() throws Exception {
        Table sent = Story.longFunc(7, Duration.ZERO);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sent);
        }
        Table back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (Table) in.readObject();
        }

        assertThat(back.name()).isEqualTo("long_func");
        assertThat(back.column("number_squared").type()).isEqualTo(ColumnType.LONG);
        assertThat(back.longColumn("number_squared").get(0)).isEqualTo(49L);
        assertThat(Story.concat(java.util.List.of(back, Story.longFunc(2, Duration.ZERO)))
                        .rowCount())
                .isEqualTo(2);
    }
}
