import { Dec } from '../../core/money.js';

// An invoice's balance and payment status from its applications (DESIGN "Invoices and balances").
// Pure.
export interface Applied { kind: 'Payment' | 'Refund' | 'Credit' | 'WriteOff'; amount: Dec }

export interface Settlement {
  paid: Dec; refunded: Dec; credited: Dec; writtenOff: Dec; balance: Dec;
}

export function settle(amount: Dec, applied: readonly Applied[]): Settlement {
  const sum = (k: Applied['kind']) => applied.filter((a) => a.kind === k).reduce((s, a) => s.plus(a.amount), new Dec(0));
  const s = { paid: sum('Payment'), refunded: sum('Refund'), credited: sum('Credit'), writtenOff: sum('WriteOff') };
  return { ...s, balance: amount.minus(s.paid).plus(s.refunded).minus(s.credited).minus(s.writtenOff) };
}

/**
 * The seed's payment statuses, plus Failed and WrittenOff. `base` is what the gateway last said
 * when nothing has been applied (NotTransferred, Transferred, TransferError, Failed).
 */
export function paymentStatus(invoiceStatus: string, amount: Dec, s: Settlement, base: string): string {
  if (invoiceStatus === 'Canceled') return 'Canceled';
  if (s.writtenOff.gt(0) && s.balance.lte(0)) return 'WrittenOff';
  if (s.refunded.gt(0)) return s.refunded.gte(s.paid) ? 'Refunded' : 'PartialRefunded';
  if (s.paid.gt(0)) return s.balance.lte(0) ? 'Paid' : 'PartialPaid';
  if (s.credited.gt(0)) return s.balance.lte(0) ? 'CreditBack' : 'PartiallyApplied';
  return amount.isZero() && invoiceStatus === 'Active' ? 'Paid' : base;
}
