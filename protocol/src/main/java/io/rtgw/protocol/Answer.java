package io.rtgw.protocol;

/** What is sent to an asker's {@link Answers} address: a result or a {@link Refusal}, with its ticket. */
public interface Answer {

  long ticket();
}
