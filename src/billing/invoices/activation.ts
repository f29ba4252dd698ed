import { invalid } from '../../core/errors.js';
import { BUSINESS_DATE_TEXT, isBusinessDate } from '../../core/dates.js';
import { Dec, parseAmount, roundMoney } from '../../core/money.js';
import { isUuid } from '../../core/ids.js';

// `POST /billing/invoices:activate` (seed 002 part C §1.5; A16): which Draft invoices to activate and
// what finance corrects on the way: an invoice date for all (`invoiceDate`) or per invoice, item
// amounts per invoice (`data[].invoiceItems[]`), and whether open credit applies (`enabledAppliedCredits`,
// default true). An amount override corrects what is billed — the billed ledger keeps it, so a later
// run bills any shortfall as due minus billed; to forgive, write off or credit instead. Header
// figures in `data[]`, when sent, must equal the sum of the items after the overrides. Pure.

export interface ItemOverride { amount?: Dec; taxAmount?: Dec }
export interface InvoiceOverride { invoiceDate?: string; items: Map<string, ItemOverride>; header: { amount?: Dec; taxAmount?: Dec } }
export interface ActivationRequest { ids: string[]; invoiceDate?: string; overrides: Map<string, InvoiceOverride>; applyCredits: boolean }

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function date(o: Obj, k: string, at: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !isBusinessDate(v)) throw invalid('INVALID_FIELD', `${at}/${k} must be ${BUSINESS_DATE_TEXT}`);
  return v;
}
const money = (o: Obj, k: string, at: string) => (o[k] === undefined || o[k] === null ? undefined : parseAmount(o[k], `${at}/${k}`));

export function readActivation(body: unknown): ActivationRequest {
  if (!isObj(body)) throw invalid('INVALID_FIELD', 'body must be an object');
  const ids = body.invoiceIds;
  if (!Array.isArray(ids) || ids.length === 0) throw invalid('INVALID_FIELD', 'body/invoiceIds must be a non-empty array');
  ids.forEach((id, i) => { if (!isUuid(id)) throw invalid('INVALID_FIELD', `body/invoiceIds/${i} must be an id`); });
  const lower = ids.map((id) => String(id).toLowerCase());
  if (body.enabledAppliedCredits !== undefined && typeof body.enabledAppliedCredits !== 'boolean') throw invalid('INVALID_FIELD', 'body/enabledAppliedCredits must be a boolean');
  const overrides = new Map<string, InvoiceOverride>();
  if (body.data !== undefined && body.data !== null) {
    if (!Array.isArray(body.data)) throw invalid('INVALID_FIELD', 'body/data must be an array');
    body.data.forEach((d, i) => {
      const at = `body/data/${i}`;
      if (!isObj(d) || !isUuid(d.id)) throw invalid('INVALID_FIELD', `${at}/id must be an id`);
      const id = String(d.id).toLowerCase();
      if (!lower.includes(id)) throw invalid('INVALID_FIELD', `${at}/id ${id} is not one of body/invoiceIds`);
      if (overrides.has(id)) throw invalid('INVALID_FIELD', `${at}/id ${id} appears twice in body/data`);
      const items = new Map<string, ItemOverride>();
      const rawItems = d.invoiceItems ?? [];
      if (!Array.isArray(rawItems)) throw invalid('INVALID_FIELD', `${at}/invoiceItems must be an array`);
      rawItems.forEach((it, k) => {
        const iat = `${at}/invoiceItems/${k}`;
        if (!isObj(it) || !isUuid(it.id)) throw invalid('INVALID_FIELD', `${iat}/id must be an id`);
        const amount = money(it, 'transactionAmount', iat);
        const taxAmount = money(it, 'taxAmount', iat);
        items.set(String(it.id).toLowerCase(), { ...(amount && { amount }), ...(taxAmount && { taxAmount }) });
      });
      const invoiceDate = date(d, 'invoiceDate', at);
      const amount = money(d, 'amount', at);
      const taxAmount = money(d, 'taxAmount', at);
      overrides.set(id, { ...(invoiceDate && { invoiceDate }), items, header: { ...(amount && { amount }), ...(taxAmount && { taxAmount }) } });
    });
  }
  const invoiceDate = date(body, 'invoiceDate', 'body');
  return { ids: lower, ...(invoiceDate && { invoiceDate }), overrides, applyCredits: body.enabledAppliedCredits !== false };
}

export interface ItemAmounts { id: string; amount: Dec; taxAmount: Dec }

/**
 * The items' amounts after an invoice's overrides, and its new totals; throws a 400 naming the
 * first item that is not the invoice's or the header figure that does not add up.
 */
export function applyOverrides(items: readonly ItemAmounts[], o: InvoiceOverride | undefined, currency: string, at: string): { items: ItemAmounts[]; amountWithoutTax: Dec; taxAmount: Dec } {
  for (const id of o?.items.keys() ?? []) {
    if (!items.some((i) => i.id === id)) throw invalid('INVALID_FIELD', `${at}: item ${id} is not an item of this invoice`);
  }
  const out = items.map((i) => {
    const x = o?.items.get(i.id);
    return { id: i.id, amount: x?.amount ? roundMoney(x.amount, currency) : i.amount, taxAmount: x?.taxAmount ? roundMoney(x.taxAmount, currency) : i.taxAmount };
  });
  const amountWithoutTax = out.reduce((a, i) => a.plus(i.amount), new Dec(0));
  const taxAmount = out.reduce((a, i) => a.plus(i.taxAmount), new Dec(0));
  if (amountWithoutTax.plus(taxAmount).lt(0)) throw invalid('INVALID_FIELD', `${at}: the items would total below zero`);
  if (o?.header.taxAmount && !o.header.taxAmount.equals(taxAmount)) {
    throw invalid('INVOICE_TOTAL_MISMATCH', `${at}/taxAmount ${o.header.taxAmount.toString()} is not the items' tax ${taxAmount.toString()}`);
  }
  if (o?.header.amount && !o.header.amount.equals(amountWithoutTax.plus(taxAmount))) {
    throw invalid('INVOICE_TOTAL_MISMATCH', `${at}/amount ${o.header.amount.toString()} is not the items' total ${amountWithoutTax.plus(taxAmount).toString()}`);
  }
  return { items: out, amountWithoutTax, taxAmount };
}
