package io.switchboard.pluginloader;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import java.util.List;

/**
 * Runs hub-to-plugin calls with the plugin's class loader as the thread's context class loader
 * (through {@link LoaderSwap}), restoring the hub's afterwards. Every call the hub makes into an
 * extension's code (a connector's verify, parse, acknowledge, simulate) goes through here.
 *
 * <pre>{@code
 * List<InboundMessage> messages = PluginCalls.call(connector, () -> connector.parse(request, settings));
 * }</pre>
 */
public final class PluginCalls {

  private PluginCalls() {}

  /**
   * A call into plugin code. Unlike {@link java.util.concurrent.Callable} it declares the exception
   * it really throws, so {@code call(connector, () -> connector.parse(r, s))} throws only the
   * connector's {@code WebhookException} and a call that throws nothing checked needs no catch.
   */
  @FunctionalInterface
  public interface Call<T, E extends Exception> {
    T call() throws E;
  }

  /**
   * Runs {@code call} with {@code extension}'s class loader as the context class loader.
   *
   * @param extension the extension (or any object) whose class's loader the call should see
   * @return what the call returned
   * @throws E what the call threw; the context class loader is restored first
   */
  public static <T, E extends Exception> T call(Object extension, Call<T, E> call) throws E {
    try (LoaderSwap swap = LoaderSwap.to(loaderOf(extension))) {
      return call.call();
    }
  }

  /**
   * Receives a webhook request in the hub's order: {@link ChannelConnector#verify}, then
   * {@link ChannelConnector#parse}, with the connector's class loader as the context class loader.
   * The hub's webhook ingress and the test kit's {@code ConnectorTester} both receive through here.
   *
   * @return what {@code parse} returned, unchecked (it may break the API's contract with a null)
   * @throws WebhookException the connector's refusal, from verify or parse
   */
  public static List<InboundMessage> verifyAndParse(ChannelConnector connector, WebhookRequest request,
      ChannelSettings settings) throws WebhookException {
    return call(connector, () -> {
      connector.verify(request, settings);
      return connector.parse(request, settings);
    });
  }

  /** The class loader plugin code of {@code extension} expects as its context class loader. */
  public static ClassLoader loaderOf(Object extension) {
    ClassLoader loader = extension.getClass().getClassLoader();
    // Only JDK classes have no loader; never an extension, but keep the hub's loader then.
    return loader != null ? loader : Thread.currentThread().getContextClassLoader();
  }
}
