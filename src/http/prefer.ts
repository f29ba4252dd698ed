// How long a request that starts long work waits for it (RFC 7240 `Prefer`). Without a preference
// it waits up to REQUEST_WAIT_MS and answers with the outcome when the work ends by then (201),
// else with the job to follow (202). `respond-async` answers at once; `wait=N` waits at most N seconds.

/** The longest a request waits for the work it started before it answers 202. */
export const REQUEST_WAIT_MS = 10_000;

export function waitOf(prefer: string | undefined): number {
  if (!prefer) return REQUEST_WAIT_MS;
  const tokens = prefer.split(',').map((t) => t.trim().toLowerCase());
  if (tokens.includes('respond-async')) return 0;
  const wait = tokens.map((t) => /^wait\s*=\s*(\d{1,6})$/.exec(t)).find((m) => m !== null);
  return wait ? Math.min(Number(wait[1]) * 1000, REQUEST_WAIT_MS) : REQUEST_WAIT_MS;
}
