/**
 * Loading on first use. The runtime's AWS SDK takes far longer to load than the responder's own
 * code (a second and more for eight clients on a busy machine: bench/responder.ts), and most events
 * need two or three of them, so each client package is loaded when an event first needs it.
 */
export type Lazy<T> = () => Promise<T>;

/** `load` once, on the first call; every later call gets the same promise. */
export function lazy<T>(load: () => Promise<T>): Lazy<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}
