// The one saga helper of the workflows: steps run in order, and each step that has an effect
// outside the transaction registers what undoes it. When a later step throws, the registered
// compensations run newest first, then the error goes on. `settle()` marks the point past which
// nothing is undone any more (the order is written; what fails later is recorded, not rolled back).

export interface Saga {
  /** Runs `invoke`; when it or a later step fails, `compensate` (if given) gets its result. */
  step<T>(name: string, invoke: () => Promise<T>, compensate?: (out: T) => Promise<unknown>): Promise<T>;
  /** Past this point the effects stand: the compensations registered so far are dropped. */
  settle(): void;
}

export function saga(): Saga {
  let undo: { name: string; run: () => Promise<unknown> }[] = [];
  return {
    async step(name, invoke, compensate) {
      let out;
      try {
        out = await invoke();
      } catch (e) {
        const pending = undo.reverse();
        undo = [];
        for (const u of pending) await u.run();
        throw e;
      }
      if (compensate) undo.push({ name, run: () => compensate(out) });
      return out;
    },
    settle() { undo = []; },
  };
}
