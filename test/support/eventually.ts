/**
 * Reads until `done` holds of what it read, at most `ms` (work a background job or another process
 * may still be finishing on a loaded machine), and returns the last read: the test asserts on it.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || performance.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
