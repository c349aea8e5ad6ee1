package io.switchboard.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.runtime.util.Json;

/** Reading JSON request bodies of the REST API, with its 400 answers. */
public final class JsonBodies {

  private JsonBodies() {}

  /**
   * The body as a JSON object.
   *
   * @param example a body such as the endpoint takes, for the message of a 400
   * @throws ApiError 400 {@code malformed_json} when it is not one
   */
  public static JsonNode object(byte[] body, String example) {
    JsonNode req;
    try {
      req = Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw ApiError.badRequest("malformed_json", "the body must be a JSON object: " + e.getMessage());
    }
    if (req == null || !req.isObject()) {
      throw ApiError.badRequest("malformed_json", "the body must be a JSON object such as " + example);
    }
    return req;
  }

  /**
   * A string field, which when present must be a non-empty string.
   *
   * @return its value, or null when it is absent (or null) and not required
   * @throws ApiError 400 {@code missing_field} or {@code invalid_field}, naming the field
   */
  public static String text(JsonNode req, String field, boolean required) {
    JsonNode n = req.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw ApiError.badRequest("missing_field", "'" + field + "' is required");
      }
      return null;
    }
    if (!n.isTextual() || n.textValue().isBlank()) {
      throw ApiError.badRequest("invalid_field", "'" + field + "' must be a non-empty string");
    }
    return n.textValue();
  }
}
