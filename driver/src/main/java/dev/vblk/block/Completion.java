package dev.vblk.block;

/**
 * The end of one submitted request, as {@link AsyncBlockDevice#poll()} and the waits deliver it:
 * each request is completed exactly once, successfully or with the error that ended it.
 */
public sealed interface Completion {

    /** The request this completes. */
    RequestHandle handle();

    /** The request's data is in place: read into the caller's buffer, or written by the device. */
    record Succeeded(RequestHandle handle) implements Completion {}

    /** The request failed; {@code error} says why, as the synchronous call would have thrown it. */
    record Failed(RequestHandle handle, BlockDeviceException error) implements Completion {}
}
