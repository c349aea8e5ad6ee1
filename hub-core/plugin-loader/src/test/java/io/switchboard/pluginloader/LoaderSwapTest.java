package io.switchboard.pluginloader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoaderSwapTest {

  private final ClassLoader original = Thread.currentThread().getContextClassLoader();
  private final URLClassLoader a = new URLClassLoader("a", new URL[0], null);
  private final URLClassLoader b = new URLClassLoader("b", new URL[0], null);

  @BeforeEach
  void sameStart() {
    assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(original);
  }

  @AfterEach
  void restore() {
    Thread.currentThread().setContextClassLoader(original);
  }

  @Test
  void swapsAndRestores() {
    try (LoaderSwap swap = LoaderSwap.to(a)) {
      assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(a);
      assertThat(swap.previous()).isSameAs(original);
    }
    assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(original);
  }

  @Test
  void nestedSwapsUnwindInOrder() {
    try (LoaderSwap outer = LoaderSwap.to(a)) {
      try (LoaderSwap inner = LoaderSwap.to(b)) {
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(b);
      }
      assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(a);
    }
    assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(original);
  }

  @Test
  void restoresWhenTheBlockThrows() {
    assertThatThrownBy(() -> {
      try (LoaderSwap swap = LoaderSwap.to(a)) {
        throw new IllegalStateException("boom");
      }
    }).hasMessage("boom");
    assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(original);
  }

  @Test
  void restoresANullContextLoader() {
    Thread.currentThread().setContextClassLoader(null);
    try (LoaderSwap swap = LoaderSwap.to(a)) {
      assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(a);
    }
    assertThat(Thread.currentThread().getContextClassLoader()).isNull();
  }

  @Test
  void refusesToBeClosedOnAnotherThread() {
    try (LoaderSwap swap = LoaderSwap.to(a)) {
      CompletableFuture<Void> elsewhere = CompletableFuture.runAsync(swap::close);
      assertThatThrownBy(elsewhere::join).hasCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot be closed on thread");
    }
    assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(original);
  }

  @Test
  void pluginCallsRunWithTheExtensionsLoaderAndPassItsExceptionThrough() throws Exception {
    Object extension = new Object() {};
    ClassLoader expected = extension.getClass().getClassLoader();
    try (LoaderSwap swap = LoaderSwap.to(a)) {
      assertThat(PluginCalls.call(extension, () -> Thread.currentThread().getContextClassLoader())).isSameAs(expected);
      assertThatThrownBy(() -> PluginCalls.call(extension, () -> {
        throw new java.io.IOException("from the plugin");
      })).isInstanceOf(java.io.IOException.class).hasMessage("from the plugin");
      assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(a);
    }
  }
}
