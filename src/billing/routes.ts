import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invalid } from '../core/errors.js';
import { isDateString, parseDate } from '../core/dates.js';
import { parseAmount } from '../core/money.js';
import { verbPath } from '../http/paths.js';
import { isUuid } from '../metadata/validate.js';
import type { BillableLine } from './charges.js';
import type { BillingService } from './service.js';

const IdParams = Type.Object({ id: Type.String() });

/** OrderInvoicePreviewRequest lines (seed 002 part C §1.1) as billable lines. */
function previewLines(body: Record<string, unknown>, currency: string): BillableLine[] {
  const list = body.orderProducts;
  if (!Array.isArray(list) || list.length === 0) throw invalid('INVALID_FIELD', 'body/orderProducts must hold at least one line');
  return list.map((raw, i) => {
    const at = `body/orderProducts/${i}`;
    const l = raw as Record<string, unknown>;
    if (typeof l !== 'object' || l === null) throw invalid('INVALID_FIELD', `${at} must be an object`);
    const date = (k: string, required: boolean) => {
      const v = l[k];
      if (v === undefined || v === null) { if (required) throw invalid('INVALID_FIELD', `${at}/${k} is required`); return null; }
      if (typeof v !== 'string' || !isDateString(v)) throw invalid('INVALID_FIELD', `${at}/${k} must be a date YYYY-MM-DD`);
      return v;
    };
    const start = date('startDate', true)!;
    const end = date('endDate', false);
    const quantity = parseAmount(l.quantity ?? 1, `${at}/quantity`);
    const net = parseAmount(l.netSalesPrice ?? 0, `${at}/netSalesPrice`);
    const total = parseAmount(l.totalPrice ?? 0, `${at}/totalPrice`);
    const tax = parseAmount(l.tax ?? l.taxAmount ?? 0, `${at}/tax`);
    const priceModel = String(l.priceModel ?? 'Recurring');
    const term = typeof l.subscriptionTerm === 'number' ? l.subscriptionTerm : end ? Math.round(parseDate(start, 'start').until(parseDate(end, 'end').add({ days: 1 }), { largestUnit: 'months' }).months) : null;
    const id = typeof l.id === 'string' ? l.id : `line-${i}`;
    const productId = typeof l.productId === 'string' ? l.productId : id;
    return {
      assetId: `${productId}_preview`, assetNumber: `${productId}_preview`, assetType: (l.assetType as BillableLine['assetType']) ?? 'Subscription',
      orderProductId: id, productId, productName: typeof l.productName === 'string' ? l.productName : null, uomId: null,
      priceModel: /one-?time/i.test(priceModel) ? 'One-Time' : /usage/i.test(priceModel) ? 'Usage' : 'Recurring', termDimension: 'Month', term,
      startDate: start, endDate: end, quantity: quantity.toString(), includedQuantity: '0', netSalesPrice: net.toString(), monthlyPrice: net.toString(),
      totalPrice: total.toString(), taxAmount: tax.toString(), billingPeriod: (l.billingPeriod as string | undefined) ?? (body.billingCycle as string | undefined) ?? (body['Billing Period'] as string | undefined) ?? null,
      billingTiming: (l.billingTiming as string | undefined)?.replace(' ', '') ?? null, billCycleDay: (body['Bill Cycle Day'] as number | undefined) ?? null,
      billCycleStartMonth: (body['Billing Start Month'] as number | undefined) ?? null, currency,
    };
  });
}

export const billingRoutes: FastifyPluginAsyncTypebox<{ billing: BillingService }> = async (app, { billing }) => {
  app.get('/billing/invoices/:id', { config: { permission: 'billing:read' }, schema: { tags: ['billing'], params: IdParams } },
    async (req) => billing.getInvoice(req.ctx, req.params.id));

  app.post(verbPath('/billing/invoices', 'activate'), {
    config: { permission: 'billing:write' },
    schema: { tags: ['billing'], summary: 'Activate Draft invoices', body: Type.Array(Type.Object({ id: Type.String() }, { additionalProperties: true }), { minItems: 1, maxItems: 200 }) },
  }, async (req) => billing.activateInvoices(req.ctx, req.body.map((x) => x.id)));

  app.post(verbPath('/orders/invoices', 'preview'), {
    config: { permission: 'billing:read' },
    schema: { tags: ['billing'], summary: 'Preview invoices in memory (nothing is stored)', body: Type.Record(Type.String(), Type.Unknown()) },
  }, async (req) => {
    const b = req.body;
    if (typeof b.customerId !== 'string' || !isUuid(b.customerId)) throw invalid('INVALID_FIELD', 'body/customerId is required and must be an id');
    const target = b.targetDate === undefined ? undefined : typeof b.targetDate === 'string' && isDateString(b.targetDate) ? parseDate(b.targetDate, 'targetDate') : undefined;
    if (b.targetDate !== undefined && !target) throw invalid('INVALID_FIELD', 'body/targetDate must be a date YYYY-MM-DD');
    const currency = typeof b.currencyIsoCode === 'string' ? b.currencyIsoCode : req.ctx.tenant.currency;
    return billing.previewLines(req.ctx, {
      lines: previewLines(b, currency), customerId: b.customerId, paymentTerm: typeof b['Payment Term'] === 'string' ? b['Payment Term'] : null,
      ...(target && { targetDate: target }), firstInvoiceOnly: b.firstInvoiceOnly === true,
    });
  });
};
