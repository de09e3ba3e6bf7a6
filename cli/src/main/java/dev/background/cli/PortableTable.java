package dev.background.cli;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A Tablesaw {@link Table} that can travel to and from worker processes and cluster members:
 * Tablesaw's tables are not {@link Serializable}, so this one is written as its name and, per
 * column, the column's name, type name and values, and read back as a plain {@code Table} with
 * the same column types. For the demo's small tables; values must be serialisable (numbers,
 * strings, dates).
 */
@SuppressWarnings("serial") // travels as its Form (writeReplace): never deserialised as itself
final class PortableTable extends Table implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    PortableTable(String name, Column<?>... columns) {
        super(name, columns);
    }

    @Serial
    private Object writeReplace() {
        List<Form.Col> cols = new ArrayList<>();
        for (Column<?> c : columns()) {
            Object[] values = new Object[c.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = c.get(i);
            }
            cols.add(new Form.Col(c.name(), c.type().name(), values));
        }
        return new Form(name(), cols);
    }

    /** The serial form: plain JDK values only. */
    private record Form(String name, List<Col> columns) implements Serializable {
        @SuppressWarnings("ArrayRecordComponent") // written and read once, never compared
        private record Col(String name, String type, Object[] values) implements Serializable {}

        @Serial
        private Object readResolve() {
            Table t = Table.create(name);
            for (Col c : columns) {
                Column<?> col = ColumnType.valueOf(c.type()).create(c.name());
                for (Object v : c.values()) {
                    col.appendObj(v);
                }
                t.addColumns(col);
            }
            return t;
        }
    }
}
