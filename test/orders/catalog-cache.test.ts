import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { orderSuite } from './support.js';

// Carts price from the live catalog held in memory (src/catalog/live-cache.ts): a write in this
// process is seen at once; a write by another process within a second.
const s = orderSuite({ today: '2023-06-22' });
const cart = async () => (await s.call('POST', '/orders', { options: { activateOrder: false }, customer: { name: 'Cache' },
  lines: [{ productId: s.f.ids.platform, quantity: 1, subscriptionTerm: 12 }] })).json().orderProducts[0].listPrice;

describe('the live catalog in memory', () => {
  it('sees its own writes at once and another process\'s within a second', async () => {
    expect(await cart()).toBe(9.9);
    const entryId = (await sql<{ id: string }>`select id from catalog_price_book_entries where tenant_id = ${s.f.tenant.id} and product_id = ${s.f.ids.platform}`.execute(s.t.rt.database.db)).rows[0]!.id;
    expect((await s.call('PATCH', `/objects/PriceBookEntry/${entryId}`, { listPrice: '12' })).statusCode).toBe(200);
    expect(await cart()).toBe(12);
    // another process: the row and the edit version move behind this process's back
    await sql`update catalog_price_book_entries set list_price = 15 where tenant_id = ${s.f.tenant.id} and id = ${entryId}`.execute(s.t.rt.database.db);
    await sql`update catalog_edit_versions set version = version + 1 where tenant_id = ${s.f.tenant.id}`.execute(s.t.rt.database.db);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await cart()).toBe(15);
  });
});
