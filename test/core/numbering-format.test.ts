import { describe, expect, it } from 'vitest';
import { DEFAULT_NUMBER_FORMATS, formatDocumentNumber, validateNumberFormat } from '../../src/core/numbering-format.js';

describe('document number formats', () => {
  it('formats the seed\'s numbers', () => {
    expect(formatDocumentNumber(DEFAULT_NUMBER_FORMATS.order, 1)).toBe('ORD-00000001');
    expect(formatDocumentNumber(DEFAULT_NUMBER_FORMATS.subscription, 1)).toBe('SUB-000001');
    expect(formatDocumentNumber(DEFAULT_NUMBER_FORMATS.invoiceItem, 42n)).toBe('II-00000042');
    expect(formatDocumentNumber('SO-{n:2}', 1234)).toBe('SO-1234');
  });

  it('accepts exactly one {n:W} with W from 1 to 20', () => {
    for (const ok of ['X{n:1}', 'ORD-{n:8}', '{n:20}-Z']) expect(() => validateNumberFormat(ok)).not.toThrow();
    for (const bad of ['ORD-', '{n:0}', '{n:21}', '{n:3}{n:3}', 'A{x}{n:3}', '{n:}']) {
      expect(() => validateNumberFormat(bad)).toThrow(/must contain exactly one \{n:W\}/);
    }
  });
});
