package dev.background.examples.spring;

/** A slow dependency of the service: another service, a database, a model. */
public interface Backend {

    /**
     * Looks one item up; slow.
     *
     * @param item which item
     * @return its description
     * @throws InterruptedException if interrupted while waiting for the answer
     */
    String lookUp(int item) throws InterruptedException;
}
