import { Dec } from '../../core/money.js';

// How open credit pays an invoice (DESIGN "Invoices and balances"): the memos come oldest first
// (created_at, credit_memo_number) and each applies min(what the invoice still owes, its balance),
// until the invoice owes nothing. Neither side goes below zero. Pure: the caller reads and locks the
// memos and writes the applications.

/** Money as decimal.js or a decimal string (as numeric columns arrive), never a float. */
type Amount = Dec | string;
export interface OpenCredit { id: string; balance: Amount }
export interface CreditApplication { memoId: string; amount: Dec }

export function allocateCredit(invoiceBalance: Amount, memos: readonly OpenCredit[]): CreditApplication[] {
  const out: CreditApplication[] = [];
  let due = new Dec(invoiceBalance);
  for (const memo of memos) {
    if (due.lte(0)) break;
    const amount = Dec.min(due, memo.balance);
    // a memo with nothing left applies nothing (the store only hands over memos with balance > 0)
    if (amount.lte(0)) continue;
    out.push({ memoId: memo.id, amount });
    due = due.minus(amount);
  }
  return out;
}
