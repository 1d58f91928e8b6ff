package io.rtgw.protocol;

/**
 * A command asked through {@link Answers}: the address its answer goes to, and the ticket the answer
 * carries back. Null and 0 when it came as a plain bus request, answered by a reply.
 */
public interface Asked {

  String answerTo();

  long ticket();
}
