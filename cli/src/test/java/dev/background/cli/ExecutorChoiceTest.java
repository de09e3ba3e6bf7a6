package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.ExecutorKind;
import org.junit.jupiter.api.Test;

class ExecutorChoiceTest {

    @Test
    void namesMapToTheLibrarysKinds() {
        assertThat(ExecutorChoice.parse("threads").kind()).isSameAs(ExecutorKind.threads());
        assertThat(ExecutorChoice.parse(" Virtual ").kind()).isSameAs(ExecutorKind.virtualThreads());
        assertThat(ExecutorChoice.parse("cluster").kind().name()).isEqualTo("cluster");
        assertThat(new ExecutorChoice.Names()).containsExactly("threads", "virtual", "processes", "cluster");
    }

    @Test
    void anUnknownNameListsTheAcceptedOnes() {
        assertThatThrownBy(() -> ExecutorChoice.parse("processes!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'processes!' is not an executor; use one of threads, virtual, processes, cluster");
    }
}
