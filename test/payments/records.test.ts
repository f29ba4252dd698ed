import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.js';
import { Dec } from '../../src/core/money.js';
import { inTransaction } from '../../src/db/transaction.js';
import { createPaymentsService } from '../../src/payments/service.js';
import { testApp, type TestApp } from '../support/app.js';

const payments = createPaymentsService();

let t: TestApp;
let ctx: Ctx;
beforeAll(async () => {
  t = await testApp();
  ctx = await t.rt.tenancy.systemContext((await t.newTenant()).id, 'test');
});
afterAll(() => t.close());

describe('payment records', () => {
  it('a recorded payment reads back as a Payment; settling sets its status and the gateway fields named', async () => {
    const key = `key-${randomUUID()}`;
    const reference = `ref_${randomUUID()}`;
    const invoiceId = randomUUID();
    const { id } = await inTransaction(ctx.db, (tx) => payments.record(tx, ctx, {
      paymentNumber: `PAY-${randomUUID()}`, customerId: null, currency: 'EUR', amount: new Dec('12.30'), kind: 'Payment', status: 'Pending',
      gateway: 'test', paymentMethod: 'Electronic', idempotencyKey: key, invoiceId, paymentToken: 'tok_visa',
    }));
    const p = (await payments.findByKey(ctx.db, ctx, 'test', key))!;
    expect(p).toMatchObject({
      id, customerId: null, currency: 'EUR', amount: '12.3', kind: 'Payment', status: 'Pending', gateway: 'test', gatewayReference: null,
      paymentMethod: 'Electronic', paymentSource: null, externalReference: null, declineCode: null, declineMessage: null,
      idempotencyKey: key, invoiceId, paymentToken: 'tok_visa',
    });
    expect([p.createdAt, p.updatedAt].every((d) => d instanceof Date)).toBe(true);
    expect((await payments.pending(ctx.db, ctx, 0)).map((x) => x.id)).toContain(id);

    await inTransaction(ctx.db, (tx) => payments.setStatus(tx, ctx, id, 'Pending', { gatewayReference: reference }));
    expect(await payments.findByReference(ctx.db, 'test', reference)).toMatchObject({ tenantId: ctx.tenantId, payment: { id, gatewayReference: reference } });
    await inTransaction(ctx.db, (tx) => payments.setStatus(tx, ctx, id, 'Failed', { declineCode: 'card_declined', declineMessage: 'Declined' }));
    expect(await payments.findByKey(ctx.db, ctx, 'test', key)).toMatchObject({ status: 'Failed', gatewayReference: reference, declineCode: 'card_declined', declineMessage: 'Declined' });
    expect((await payments.pending(ctx.db, ctx, 0)).map((x) => x.id)).not.toContain(id);

    expect(await inTransaction(ctx.db, (tx) => payments.reverse(tx, ctx, [id]))).toEqual({ found: [id], invoiceIds: [] });
    expect((await payments.findByKey(ctx.db, ctx, 'test', key))!.status).toBe('Canceled');
  });
});
