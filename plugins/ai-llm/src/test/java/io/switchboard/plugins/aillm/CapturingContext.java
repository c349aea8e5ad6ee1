package io.switchboard.plugins.aillm;

import io.switchboard.api.PluginContext;
import io.switchboard.testkit.TestMetrics;
import io.switchboard.testkit.TestPluginContext;
import java.lang.reflect.Proxy;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;

/** A {@link TestPluginContext} whose loggers record every call, arguments and throwables included. */
final class CapturingContext implements PluginContext {

  private final TestPluginContext delegate = new TestPluginContext("ai-llm");
  private final ConcurrentLinkedQueue<String> logged = new ConcurrentLinkedQueue<>();

  /** Everything logged so far: each call's method name and arguments, throwables with their causes. */
  List<String> logged() {
    return List.copyOf(logged);
  }

  @Override
  public Logger logger(Class<?> type) {
    return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
        (proxy, method, args) -> {
          if (method.getName().startsWith("is") && method.getReturnType() == boolean.class) {
            return true;
          }
          if (method.getName().equals("getName")) {
            return type.getName();
          }
          if (args != null) {
            StringBuilder line = new StringBuilder(method.getName()).append(' ');
            for (Object a : args) {
              line.append(a instanceof Object[] arr ? Arrays.deepToString(arr) : String.valueOf(a)).append(' ');
              for (Throwable t = a instanceof Throwable th ? th : null; t != null; t = t.getCause()) {
                line.append(t).append(' ');
              }
            }
            logged.add(line.toString());
          }
          return null;
        });
  }

  @Override
  public TestMetrics metrics() {
    return delegate.metrics();
  }

  @Override
  public String pluginId() {
    return delegate.pluginId();
  }

  @Override
  public Map<String, String> configuration() {
    return delegate.configuration();
  }

  @Override
  public Optional<String> secret(String name) {
    return delegate.secret(name);
  }

  @Override
  public HttpClient httpClient(Duration requestTimeout) {
    return delegate.httpClient(requestTimeout);
  }
}
