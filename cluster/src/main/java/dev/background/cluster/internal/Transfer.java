package dev.background.cluster.internal;

import dev.background.TaskTransferException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import org.jspecify.annotations.Nullable;

/** The messages of {@link TaskTransferException}: which class, why, and what to do. */
final class Transfer {
    private Transfer() {}

    /** The submitting side could not serialise the task. */
    static TaskTransferException notSerialisable(String task, String cluster, Throwable t) {
        NotSerializableException nse = find(t, NotSerializableException.class);
        String what = nse != null
                ? "it captures or takes an argument of class " + nse.getMessage() + ", which is not Serializable"
                : "it cannot be serialised (" + innermost(t) + ")";
        return new TaskTransferException(
                "task '" + task + "' cannot be sent to cluster '" + cluster
                        + "': " + what + ". Make every value the task captures or takes as an argument Serializable,"
                        + " or capture less (a lambda in an instance method captures 'this'; copy the fields it"
                        + " needs into local variables first)",
                t);
    }

    /** A member could not rebuild the task. */
    static TaskTransferException cannotLoad(String task, String member, Throwable t) {
        ClassNotFoundException cnf = find(t, ClassNotFoundException.class);
        NoClassDefFoundError ncd = find(t, NoClassDefFoundError.class);
        SecurityException refused = find(t, SecurityException.class);
        InvalidClassException invalid = find(t, InvalidClassException.class);
        String why;
        Throwable missing = cnf != null ? cnf : ncd;
        if (missing != null) {
            String cls = missing.getMessage();
            why = "class " + cls + " is missing on the member. Put the jar with your classes on the worker's"
                    + " class path (background worker --class-path app.jar ...) and restart the worker";
        } else if (refused != null) {
            why = "the member's deserialisation allowlist refused it (" + refused.getMessage() + "). Allow"
                    + " the package of your classes on the worker (background worker --allow com.example ...)";
        } else if (invalid != null) {
            why = "class " + invalid.classname + " differs between the submitter and the member ("
                    + invalid.getMessage() + "). Deploy the same version of your jar to the workers";
        } else {
            why = "it could not be deserialised (" + innermost(t) + ")";
        }
        return new TaskTransferException("task '" + task + "' cannot run on member " + member + ": " + why, null);
    }

    /** The member could not serialise a task's result. */
    static TaskTransferException resultNotSerialisable(String task, String member, Object value, Throwable t) {
        return new TaskTransferException(
                "task '" + task + "' ran on member " + member
                        + " but its result of class " + value.getClass().getName() + " cannot be sent back: "
                        + innermost(t) + ". Return a Serializable value",
                null);
    }

    /** The submitter could not rebuild a result. */
    static TaskTransferException cannotReadResult(String task, @Nullable String member, Throwable t) {
        return new TaskTransferException(
                "task '" + task + "' ran on member " + member
                        + " but its result cannot be read here: " + innermost(t)
                        + ". Put the result's class on this JVM's class path",
                t);
    }

    static <T extends Throwable> @Nullable T find(@Nullable Throwable t, Class<T> type) {
        for (int i = 0; t != null && i < 20; t = t.getCause(), i++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    static String innermost(Throwable t) {
        Throwable last = t;
        for (int i = 0; t != null && i < 20; t = t.getCause(), i++) {
            last = t;
        }
        return String.valueOf(last);
    }
}
