package io.switchboard.pluginloader;

/**
 * Sets the current thread's context class loader for the length of a try-with-resources block and
 * restores the previous one on close, also when the block throws. The only place the hub changes a
 * thread's context class loader (the model is Kafka Connect's {@code LoaderSwap}).
 *
 * <p>Why plugins need it: libraries look up classes and services through the context class loader
 * ({@code ServiceLoader.load(type)}, Jackson's type resolution, JAXP factories, JDBC drivers). On a
 * hub thread that is the hub's loader, which cannot see the plugin's lib/; while plugin code runs it
 * must be the plugin's. Restoring it matters as much: a pooled request thread left pointing at a
 * plugin's loader would pin that loader in memory after the plugin is unloaded.
 *
 * <pre>{@code
 * try (LoaderSwap swap = LoaderSwap.to(pluginLoader)) {
 *   return extension.call();
 * }
 * }</pre>
 */
public final class LoaderSwap implements AutoCloseable {

  private final Thread thread;
  private final ClassLoader previous;

  private LoaderSwap(Thread thread, ClassLoader previous) {
    this.thread = thread;
    this.previous = previous;
  }

  /** Makes {@code loader} the current thread's context class loader until {@link #close()}. */
  public static LoaderSwap to(ClassLoader loader) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    if (previous != loader) {
      thread.setContextClassLoader(loader);
    }
    return new LoaderSwap(thread, previous);
  }

  /** The context class loader that {@link #close()} restores. */
  public ClassLoader previous() {
    return previous;
  }

  /**
   * Restores the context class loader that was current when this swap was made.
   *
   * @throws IllegalStateException when called on another thread than the one that swapped
   */
  @Override
  public void close() {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("LoaderSwap made on thread '" + thread.getName()
          + "' cannot be closed on thread '" + Thread.currentThread().getName() + "'");
    }
    if (thread.getContextClassLoader() != previous) {
      thread.setContextClassLoader(previous);
    }
  }
}
