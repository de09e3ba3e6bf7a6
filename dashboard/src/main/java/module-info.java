/**
 * background's live dashboard: a page that shows what one or more pools run, served by the JDK's
 * HTTP server. Start at {@link dev.background.dashboard.Dashboard#builder()}.
 */
module dev.background.dashboard {
    requires transitive dev.background;
    requires jdk.httpserver;
    requires static org.jspecify;

    exports dev.background.dashboard;
}
