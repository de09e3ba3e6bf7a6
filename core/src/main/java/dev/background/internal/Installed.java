package dev.background.internal;

import dev.background.context.ContextPropagator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/** Loads the propagators installed with a class loader; see {@link ContextPropagator#installed()}. */
public final class Installed {
    private Installed() {}

    @SuppressWarnings("rawtypes") // ServiceLoader of a generic interface
    public static List<ContextPropagator<?>> load(ClassLoader loader) {
        // In place of "uses" in module-info (see there); a no-op on the class path.
        Installed.class.getModule().addUses(ContextPropagator.class);
        List<ContextPropagator<?>> found = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        Iterator<ContextPropagator> it =
                ServiceLoader.load(ContextPropagator.class, loader).iterator();
        while (true) {
            ContextPropagator<?> p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) { // one broken provider must not hide the others
                Log.warn("a context propagator could not be loaded and is left out", e);
                continue;
            }
            if (keys.add(p.key())) {
                found.add(p);
            } else {
                Log.warn("context propagator " + p + " repeats the key '" + p.key() + "' and is left out");
            }
        }
        return List.copyOf(found);
    }
}
