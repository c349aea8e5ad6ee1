package io.switchboard.runtime.workflow.builtin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.switchboard.api.Step;
import io.switchboard.pluginloader.StepConfigException;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.workflow.StepExecutions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code reply}: answers the contact on the channel the interaction came in on, through the same
 * connector, once the interaction is stored. The text is a template: {@code {{contact.displayName}}}.
 */
final class ReplyStep implements BuiltinSteps.Builtin<ReplyStep.Config> {

  /**
   * @param text the reply; CEL expressions in double braces are filled in
   * @param media URLs of media to attach (MMS, WhatsApp image/document/audio, e-mail attachments); templates too
   */
  record Config(
      @JsonProperty("text")
      @JsonPropertyDescription("The reply text; {{ CEL expressions }} are filled in, e.g. {{contact.displayName}}. Required unless media is given")
      String text,
      @JsonProperty("media")
      @JsonPropertyDescription("Public http(s) URLs of media to attach (at most 10), e.g. https://cdn.example.com/menu.pdf; templates too")
      List<String> media) {

    Config {
      media = media == null ? List.of() : List.copyOf(media);
    }
  }

  static final int MAX_MEDIA = 10;

  @Override
  public String name() {
    return "reply";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Step create(Config config, Tenant tenant) {
    boolean noText = config.text() == null || config.text().isBlank();
    if (noText && config.media().isEmpty()) {
      throw new StepConfigException(name(), "text", "is required: the text to send back (or give media to attach)", null);
    }
    if (!noText && config.text().length() > 1600) {
      throw new StepConfigException(name(), "text", "is longer than 1600 characters, more than one SMS can carry", null);
    }
    if (config.media().size() > MAX_MEDIA) {
      throw new StepConfigException(name(), "media", "has " + config.media().size() + " URLs; providers take at most "
          + MAX_MEDIA + " per message", null);
    }
    Template text;
    List<Template> media = new java.util.ArrayList<>();
    try {
      text = Template.compile(noText ? "" : config.text());
    } catch (IllegalArgumentException e) {
      throw new StepConfigException(name(), "text", e.getMessage(), e);
    }
    for (int k = 0; k < config.media().size(); k++) {
      String url = config.media().get(k);
      if (url == null || !(url.startsWith("https://") || url.startsWith("http://") || url.startsWith("{{"))) {
        throw new StepConfigException(name(), "media[" + k + "]", "must be a public http(s) URL the provider can fetch, got '"
            + url + "'", null);
      }
      try {
        media.add(Template.compile(url));
      } catch (IllegalArgumentException e) {
        throw new StepConfigException(name(), "media[" + k + "]", e.getMessage(), e);
      }
    }
    return execution -> {
      var i = execution.interaction();
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("connector", StepExecutions.connector(execution));
      payload.put("channel", i.channel());
      payload.put("to", i.from());
      if (i.to() != null) {
        payload.put("from", i.to());
      }
      var variables = StepExecutions.variables(execution);
      payload.put("text", text.render(variables));
      if (!media.isEmpty()) {
        payload.put("media", media.stream().map(t -> t.render(variables)).toList());
      }
      payload.put("inReplyTo", i.id().toString());
      execution.requestAction("reply", payload);
    };
  }
}
