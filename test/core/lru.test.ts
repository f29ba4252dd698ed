import { describe, expect, it } from 'vitest';
import { Lru } from '../../src/core/lru.js';

describe('Lru', () => {
  it('keeps at most max entries and forgets the least recently used first', () => {
    const m = new Lru<string, number | null>(2);
    m.set('a', 1);
    m.set('b', null);
    expect(m.get('a')).toBe(1); // a is now the most recent
    m.set('c', 3); // b goes
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe(1);
    expect(m.get('c')).toBe(3);
    m.set('c', 4); // replacing does not grow it
    expect(m.size).toBe(2);
    m.set('d', 5); // a was used before c: a goes
    expect(m.get('a')).toBeUndefined();
    expect([m.get('c'), m.get('d')]).toEqual([4, 5]);
  });
});
