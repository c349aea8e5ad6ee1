/**
 * What Switchboard plugins compile against: extension points, the requests and messages they
 * exchange with the hub, and small helpers. Nothing here depends on the runtime; plugins take this
 * module with {@code provided} scope and the hub supplies it at run time.
 */
package io.switchboard.api;
