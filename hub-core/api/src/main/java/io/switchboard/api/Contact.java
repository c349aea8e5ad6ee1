package io.switchboard.api;

import java.util.Map;
import java.util.UUID;

/**
 * The contact an interaction belongs to, as the hub knows it when the workflow runs. Immutable.
 *
 * @param id the contact's id
 * @param phone its phone number in E.164, or null
 * @param email its e-mail address, or null
 * @param displayName its name, or null
 * @param attributes what the hub and the tenant's integrations know of it (CRM fields, billing
 *     state, tags): strings, numbers, booleans, lists and maps of those
 */
public record Contact(UUID id, String phone, String email, String displayName, Map<String, Object> attributes) {

  public Contact {
    attributes = attributes == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
  }
}
