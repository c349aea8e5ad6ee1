package io.switchboard.bench;

/** A system under load: the hub or the baseline, started and ready to serve. */
interface Target extends AutoCloseable {

  /** Requests for this system, signed with {@code authToken}, from {@code senders} distinct numbers. */
  LoadGenerator.Requests requests(String authToken, int senders);

  /** Rows the system has stored for the messages it accepted. */
  long stored() throws Exception;

  /** Records on the events topic; null when the system publishes none. */
  Long eventsPublished() throws Exception;

  /** Records appended to the inbound topic; null when the system has none. */
  Long inboundAppended() throws Exception;

  /** Records the system set aside as unprocessable; null when it has no such thing. */
  Long deadLetters() throws Exception;

  /** The embedded PostgreSQL's postmaster pid, -1 when unknown. */
  long postmasterPid();

  /** PostgreSQL's synchronous_commit setting, for the record. */
  String synchronousCommit();

  /** The HikariCP pool size the system uses. */
  int poolSize();

  @Override
  void close();
}
