import { describe, expect, it } from 'vitest';
import { isUuid } from '../../src/core/ids.js';

describe('isUuid', () => {
  it('accepts a UUID in any case and nothing else', () => {
    expect(isUuid('0b6f5f3e-8c1a-4e2b-9a7d-1c2d3e4f5a6b')).toBe(true);
    expect(isUuid('0B6F5F3E-8C1A-4E2B-9A7D-1C2D3E4F5A6B')).toBe(true);
    for (const v of ['', 'x', '0b6f5f3e-8c1a-4e2b-9a7d-1c2d3e4f5a6', '0b6f5f3e8c1a4e2b9a7d1c2d3e4f5a6b', ' 0b6f5f3e-8c1a-4e2b-9a7d-1c2d3e4f5a6b', 1, null, undefined, {}]) {
      expect(isUuid(v)).toBe(false);
    }
  });
});
