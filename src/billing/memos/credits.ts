import { randomUUID } from 'node:crypto';
import type { Ctx } from '../../context.js';
import { conflict, invalid, notFound } from '../../core/errors.js';
import { Dec, parseAmount, roundMoney } from '../../core/money.js';
import { inTransaction, type Tx } from '../../db/transaction.js';
import { isUuid } from '../../core/ids.js';
import { assertInScope, inScope } from '../../core/scope.js';
import type { CatalogService } from '../../catalog/service.js';
import type { CustomersService } from '../../customers/service.js';
import type { NumberingService } from '../../numbering/service.js';
import type { BillableLine } from '../charges.js';
import { convertedQuantity, creditGrant } from './credit-grant.js';
import type { CreditMemos } from './credit-memos.js';
import { dueDate } from '../periods.js';
import type { InvoiceItemDraft } from '../invoices/builder.js';
import { itemRows } from '../invoices/rows.js';
import * as store from '../store.js';
import type { Credit } from '../model.js';

// Credits (DESIGN "Credits", billing README): an order that activates a product with a credit
// conversion grants the customer one credit per asset (CRE-…). `POST /billing/credits:convert` turns
// part of a credit's cash into an Active credit memo (source CreditConversion) with one item for the
// asset; the credit's balance goes down by as much, so no cash is converted twice, and canceling
// that memo gives it back.

const n = (v: string) => Number(v);

export function toCreditView(c: Credit) {
  return {
    id: c.id, name: c.creditNumber, creditNumber: c.creditNumber, status: c.status, customerId: c.customerId, accountId: c.customerId,
    creditTypeId: c.creditTypeId, creditConversionId: c.creditConversionId, assetId: c.assetId, assetNumber: c.assetNumber,
    assetType: c.assetType, orderProductId: c.orderProductId, productId: c.productId, productName: c.productName,
    currencyIsoCode: c.currency, startDate: c.startDate, quantity: n(c.quantity), unitPrice: n(c.unitPrice), amount: n(c.amount), balance: n(c.balance),
  };
}

export function createCredits(deps: { numbering: NumberingService; creditMemos: CreditMemos; customers: CustomersService; catalog: Pick<CatalogService, 'creditConversions'> }) {
  /** The credit a line names (locked when `tx` is the conversion's); outside the caller's scope a 403. */
  async function lockCredit(tx: Tx | Ctx['db'], ctx: Ctx, l: Record<string, unknown>, at: string, forUpdate = true): Promise<Credit> {
    const byId = l.creditId !== undefined && l.creditId !== null;
    if (byId && !isUuid(l.creditId)) throw invalid('INVALID_FIELD', `${at}/creditId must be an id`);
    if (!byId && typeof l.creditNumber !== 'string') throw invalid('INVALID_FIELD', `${at} must name a creditId or a creditNumber`);
    const c = await store.getCredit(tx, ctx.tenantId, byId ? { id: String(l.creditId).toLowerCase() } : { number: String(l.creditNumber) }, { forUpdate });
    const missing = () => notFound('CREDIT_NOT_FOUND', `${at}: credit ${String(byId ? l.creditId : l.creditNumber)} does not exist`);
    if (!c) throw missing();
    assertInScope(ctx, c.customerId, 'write', missing);
    if (byId && typeof l.creditNumber === 'string' && l.creditNumber !== c.creditNumber) {
      throw invalid('INVALID_FIELD', `${at}/creditNumber ${l.creditNumber} is not the number of credit ${String(l.creditId)}`);
    }
    return c;
  }

  return {
    /** Credits for the order's lines whose products convert to credits, inside the order's transaction. */
    async grantForOrder(tx: Tx, ctx: Ctx, customerId: string, lines: readonly BillableLine[]): Promise<void> {
      const conversions = await deps.catalog.creditConversions(tx, ctx, lines.map((l) => l.productId));
      const grants = lines.flatMap((l) => {
        const c = conversions.get(l.productId);
        const g = c ? creditGrant(l, c) : null;
        return g && c ? [{ line: l, conversion: c, grant: g }] : [];
      });
      if (grants.length === 0) return;
      const numbers = await deps.numbering.nextNumbersInTx(tx, ctx, 'credit', grants.length);
      await store.insertCredits(tx, ctx.tenantId, grants.map(({ line, conversion, grant }, i) => ({
        id: randomUUID(), creditNumber: numbers[i]!, status: 'Active', customerId, creditTypeId: conversion.creditTypeId,
        creditConversionId: conversion.id, assetId: line.assetId, assetNumber: line.assetNumber, assetType: line.assetType, orderProductId: line.orderProductId,
        productId: line.productId, productName: line.productName, uomId: line.uomId, currency: line.currency, startDate: line.startDate,
        assetQuantity: line.quantity, unitPrice: grant.unitPrice.toString(), quantity: grant.quantity.toString(), amount: grant.amount.toString(), balance: grant.amount.toString(),
      })));
    },

    /** `{credits:[{creditId | creditNumber, amount}]}` → `{invoices: [credit memos]}` (the seed's key, A6). */
    async convert(ctx: Ctx, body: { credits?: unknown }) {
      const list = body.credits;
      if (!Array.isArray(list) || list.length === 0) throw invalid('INVALID_FIELD', 'body/credits must be a non-empty array');
      list.forEach((l, i) => { if (typeof l !== 'object' || l === null) throw invalid('INVALID_FIELD', `body/credits/${i} must be an object`); });
      // a scoped caller's credits are checked before any number is taken
      if (ctx.scope) for (const [i, l] of (list as Record<string, unknown>[]).entries()) await lockCredit(ctx.db, ctx, l, `body/credits/${i}`, false);
      const memoNumbers = await deps.numbering.nextNumbers(ctx, 'creditMemo', list.length);
      const itemNumbers = await deps.numbering.nextNumbers(ctx, 'creditMemoItem', list.length);
      const today = ctx.clock.today(ctx.timeZone);
      const ids = await inTransaction(ctx.db, async (tx) => {
        const out: string[] = [];
        for (const [i, raw] of (list as Record<string, unknown>[]).entries()) {
          const at = `body/credits/${i}`;
          const credit = await lockCredit(tx, ctx, raw, at);
          const currency = credit.currency;
          const amount = roundMoney(parseAmount(raw.amount, `${at}/amount`), currency);
          if (amount.lte(0)) throw invalid('INVALID_FIELD', `${at}/amount must be > 0`);
          if (amount.gt(credit.balance)) throw conflict('OVER_CONVERTED', `${at}: ${amount.toString()} is more than what is left of credit ${credit.creditNumber} (${credit.balance})`);
          const customer = await deps.customers.getStoredCustomer(tx, ctx, credit.customerId);
          const paymentTerm = customer.paymentTerm ?? ctx.tenant.settings.paymentTerm;
          const start = credit.startDate;
          const memoId = await deps.creditMemos.createInTx(tx, ctx, {
            number: memoNumbers[i]!, customerId: credit.customerId, currency, amount, taxAmount: new Dec(0), source: 'CreditConversion', status: 'Active',
            reason: 'CreditConversion', sourceInvoiceId: null, memoDate: today.toString(), startDate: start, endDate: start,
            dueDate: dueDate(today, paymentTerm).toString(), targetDate: today.toString(), sourceCreditId: credit.id,
          });
          await writeItem(tx, ctx, { memoId, number: itemNumbers[i]!, credit, amount, today: today.toString() });
          await store.moveCreditBalance(tx, ctx.tenantId, credit.id, amount.negated().toString());
          out.push(memoId);
        }
        return out;
      });
      return { invoices: await Promise.all(ids.map((id) => deps.creditMemos.get(ctx, id))) };
    },

    async get(ctx: Ctx, id: string) {
      const c = isUuid(id) ? await store.getCredit(ctx.db, ctx.tenantId, { id: id.toLowerCase() }) : await store.getCredit(ctx.db, ctx.tenantId, { number: id });
      const missing = () => notFound('CREDIT_NOT_FOUND', `Credit ${id} does not exist`);
      if (!c) throw missing();
      assertInScope(ctx, c.customerId, 'read', missing);
      return toCreditView(c);
    },

    async ofCustomer(ctx: Ctx, customerId: unknown) {
      if (!isUuid(customerId)) throw invalid('INVALID_FIELD', 'querystring/customerId is required and must be an id');
      // another organisation's customer has no credits this caller may list
      if (!inScope(ctx, customerId)) return [];
      return (await store.creditsOfCustomer(ctx.db, ctx.tenantId, customerId.toLowerCase())).map(toCreditView);
    },
  };
}

/** The memo's one item, in the billed ledger as a `Credit` (it never nets against the asset's charges). */
async function writeItem(tx: Tx, ctx: Ctx, i: { memoId: string; number: string; credit: Credit; amount: Dec; today: string }): Promise<void> {
  const c = i.credit;
  const start = c.startDate;
  const unitPrice = new Dec(c.unitPrice);
  const item: InvoiceItemDraft = {
    // the asset type a credit was granted for is the line's (Subscription | Asset | Entitlement)
    assetId: c.assetId, assetNumber: c.assetNumber, assetType: c.assetType as InvoiceItemDraft['assetType'], orderProductId: c.orderProductId,
    productId: c.productId, productName: c.productName, uomId: c.uomId, charge: 'Credit',
    billingTiming: 'InAdvance', periodStart: start, startDate: start, endDate: start, quantity: convertedQuantity(i.amount, unitPrice), netSalesPrice: unitPrice,
    numerator: 1, denominator: 1, amount: i.amount.negated(), taxAmount: new Dec(0),
  };
  const rows = itemRows({ creditMemoId: i.memoId }, { invoiceDate: i.today, items: [item] }, [i.number],
    await store.nextRevisions(tx, ctx.tenantId, [item.assetNumber]), c.customerId, 'Active');
  await store.insertItems(tx, ctx.tenantId, rows.items);
  await store.insertDetails(tx, ctx.tenantId, rows.details);
}

export type Credits = ReturnType<typeof createCredits>;
