package dev.background.process.internal;

import java.io.ObjectInputStream;
import java.io.Serializable;

/** A class-path class whose deserialisation would run code: it halts the JVM with 42. */
public final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) {
        Runtime.getRuntime().halt(42);
    }
}
