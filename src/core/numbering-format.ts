import { invalid } from './errors.js';

// Document number formats: literal text around one `{n:W}` token, the sequence zero-padded to
// W digits (a wider number prints in full). `ORD-{n:8}` → ORD-00000001.
export const DEFAULT_NUMBER_FORMATS = {
  order: 'ORD-{n:8}',
  subscription: 'SUB-{n:6}',
  asset: 'AST-{n:6}',
  entitlement: 'ENT-{n:6}',
  invoice: 'INV-{n:8}',
  invoiceItem: 'II-{n:8}',
  creditMemo: 'CM-{n:8}',
  creditMemoItem: 'CMI-{n:8}',
  credit: 'CRE-{n:12}',
  debitMemo: 'DM-{n:8}',
  payment: 'PAY-{n:8}',
} as const;

const TOKEN = /\{n:(\d{1,2})\}/g;

export function validateNumberFormat(format: string): void {
  const tokens = [...format.matchAll(TOKEN)];
  const width = Number(tokens[0]?.[1]);
  if (tokens.length !== 1 || width < 1 || width > 20 || format.replace(TOKEN, '').includes('{') || format.length > 60) {
    throw invalid('INVALID_NUMBER_FORMAT', `Number format "${format}" must contain exactly one {n:W} with W from 1 to 20, like "ORD-{n:8}"`);
  }
}

export function formatDocumentNumber(format: string, seq: number | bigint): string {
  return format.replace(TOKEN, (_, w: string) => String(seq).padStart(Number(w), '0'));
}
