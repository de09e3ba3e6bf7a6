/**
 * background: run work in the background and get futures back.
 *
 * <p>Start at {@link dev.background.Background} (the static facade) or
 * {@link dev.background.BackgroundPool#builder()} (instances). {@code dev.background.spi} is for
 * authors of executor kinds (worker processes, clusters); {@code dev.background.internal} is not
 * exported.
 */
module dev.background {
    // Nullness annotations only: needed to compile, not to run. Transitive so that modules reading
    // this one also read the annotations its API carries.
    requires static transitive org.jspecify;
    // Flight Recorder events (part of the JDK): committed only while a recording enables them.
    requires jdk.jfr;

    exports dev.background;
    exports dev.background.function;
    exports dev.background.spi;
    exports dev.background.context;
    // Raw task timings for the library's own observers, not part of the API.
    exports dev.background.internal.observe to
            dev.background.dashboard,
            dev.background.micrometer;
    // The remote kinds' shared dispatcher: for them only, not part of the API.
    exports dev.background.internal.remote to
            dev.background.process,
            dev.background.cluster;
// No "uses dev.background.context.ContextPropagator" here: the compiler plugin's module-info
// reader (QDox) chokes on the type annotation in that interface's declaration. Installed adds
// the use at run time instead, which a module may do for itself (Module.addUses).
}
