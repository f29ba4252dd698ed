import { describe, expect, it } from 'vitest';
import { saga } from '../../src/workflows/steps.js';

describe('saga steps', () => {
  it('a failing step runs the compensations of the steps before it, newest first, then throws', async () => {
    const log: string[] = [];
    const s = saga();
    await s.step('a', async () => { log.push('a'); return 1; }, async (n) => { log.push(`undo a ${n}`); });
    await s.step('b', async () => { log.push('b'); return 2; }, async (n) => { log.push(`undo b ${n}`); });
    await expect(s.step('c', async () => { throw new Error('c failed'); })).rejects.toThrow('c failed');
    expect(log).toEqual(['a', 'b', 'undo b 2', 'undo a 1']);
  });

  it('after settle() nothing before it is undone', async () => {
    const log: string[] = [];
    const s = saga();
    await s.step('a', async () => 'x', async () => { log.push('undo a'); });
    s.settle();
    await expect(s.step('b', async () => { throw new Error('late'); })).rejects.toThrow('late');
    expect(log).toEqual([]);
  });
});
