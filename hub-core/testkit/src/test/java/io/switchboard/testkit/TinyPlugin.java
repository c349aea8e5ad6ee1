package io.switchboard.testkit;

import org.pf4j.Plugin;

/** The plugin class PluginArchiveTest packs with {@link TinyConnector}. */
public class TinyPlugin extends Plugin {}
