package io.switchboard.plugins.aillm;

/**
 * One chat completion: a system message and a user message in, the model's text out. Called from
 * the step's worker threads, concurrently; implementations are thread-safe and may block (the step
 * bounds every call with its own deadline and interrupts it there).
 */
@FunctionalInterface
interface ChatClient {

  /**
   * @param system the system message; blank for none
   * @param user the user message
   * @return the model's reply text, possibly blank
   * @throws Exception any failure of the call; its message may carry the server's answer, so callers
   *     never log or signal it
   */
  String chat(String system, String user) throws Exception;
}
