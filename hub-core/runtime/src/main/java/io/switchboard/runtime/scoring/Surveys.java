package io.switchboard.runtime.scoring;

import io.switchboard.runtime.util.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NPS survey answers: a contact's reply to a survey sent within the answer window that is a score
 * from 0 to 10 ("9", "10/10", "8 - quick and friendly") is stored with the survey, and becomes the
 * contact's {@code nps} attribute that the health score reads.
 */
public final class Surveys {

  /** A whole number 0-10 at the start, optionally "/10" or "out of 10", then the end or a non-digit. */
  private static final Pattern ANSWER =
      Pattern.compile("^\\s*(10|[0-9])(?:\\s*(?:/|out of)\\s*10)?(?![0-9]|[.,][0-9])(?:\\W.*)?$", Pattern.DOTALL);

  private Surveys() {}

  /** The score in a reply, if it is an answer. */
  public static Optional<Integer> parseAnswer(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = ANSWER.matcher(text);
    return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  /** promoter (9-10), passive (7-8) or detractor (0-6), as NPS counts them. */
  public static String category(int score) {
    return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
  }

  /** The contact's newest unanswered survey sent within {@code window} before {@code at}. */
  public static Optional<UUID> pending(Connection c, String tenant, UUID contactId, Instant at, Duration window)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        select id from surveys
         where tenant_id = ? and contact_id = ? and answered_at is null and sent_at <= ? and sent_at > ?
         order by sent_at desc limit 1 for update""")) {
      ps.setString(1, tenant);
      ps.setObject(2, contactId);
      ps.setTimestamp(3, Timestamp.from(at));
      ps.setTimestamp(4, Timestamp.from(at.minus(window)));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
      }
    }
  }

  /**
   * Stores an answer on the survey and as the contact's {@code nps} attribute.
   *
   * @return the contact's {@code nps} attribute as stored
   */
  public static Map<String, Object> answer(Connection c, String tenant, UUID surveyId, UUID contactId, int score,
      UUID interactionId, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "update surveys set answered_at = ?, score = ?, interaction_id = ? where tenant_id = ? and id = ?")) {
      ps.setTimestamp(1, Timestamp.from(at));
      ps.setInt(2, score);
      ps.setObject(3, interactionId);
      ps.setString(4, tenant);
      ps.setObject(5, surveyId);
      ps.executeUpdate();
    }
    Map<String, Object> nps = new LinkedHashMap<>();
    nps.put("score", score);
    nps.put("category", category(score));
    nps.put("answeredAt", at.toString());
    nps.put("surveyId", surveyId.toString());
    try (PreparedStatement ps = c.prepareStatement(
        "update contacts set attributes = jsonb_set(attributes, '{nps}', ?::jsonb) where tenant_id = ? and id = ?")) {
      ps.setString(1, Json.write(nps));
      ps.setString(2, tenant);
      ps.setObject(3, contactId);
      ps.executeUpdate();
    }
    return nps;
  }
}
