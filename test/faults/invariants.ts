// The invariants a crash must never break, read through the GraphQL read model (the same on both
// engines): no half-written order, no period billed twice, invoice = Σ items, balance = amount −
// payments + refunds − credits − write-offs, a line's invoices ≤ its totalPrice, one charge per invoice.
type Call = (method: string, url: string, o?: { body?: unknown; headers?: Record<string, string> }) => Promise<{ statusCode: number; body: string; json(): any }>;

const Q = `{
  Order(where: {status: {_eq: "Activated"}}) { id orderNumber orderType refId options
    orderProducts { id lineType totalPrice } subscriptions { id } assets { id } entitlements { id } invoices { id } creditMemos { id } }
  Invoice(where: {status: {_neq: "Canceled"}}) { id name amount amountWithoutTax taxAmount balance
    items { assetNumber startDate orderProductId transactionAmount taxAmount amount status }
    paymentApplications { kind amount status } }
  Payment { invoiceId status amount }
}`;

export async function violations(call: Call, headers: Record<string, string>): Promise<{ problems: string[]; orders: any[]; invoices: any[]; payments: any[] }> {
  const res = await call('POST', '/async/graphql', { body: { query: Q }, headers });
  const json = res.json();
  if (json.errors) return { problems: [`graphql: ${JSON.stringify(json.errors)}`], orders: [], invoices: [], payments: [] };
  const { Order: orders, Invoice: invoices, Payment: payments } = json.data;
  const problems: string[] = [];
  const cents = (x: number) => Math.round(x * 100);
  for (const o of orders) {
    if (o.orderType !== 'New') continue;
    const lines = o.orderProducts.filter((l: any) => l.lineType === 'LineItem');
    const versions = o.subscriptions.length + o.assets.length + o.entitlements.length;
    if (versions !== lines.length) problems.push(`order ${o.orderNumber}: ${lines.length} lines but ${versions} assets`);
    if (o.options?.generateInvoice && o.invoices.length === 0 && o.creditMemos.length === 0) problems.push(`order ${o.orderNumber}: generateInvoice but no invoice`);
  }
  const periods = new Map<string, number>();
  const byLine = new Map<string, number>();
  for (const i of invoices) {
    const items = i.items.filter((x: any) => x.status !== 'Canceled');
    const sum = (k: string) => items.reduce((a: number, x: any) => a + cents(x[k]), 0);
    if (sum('amount') !== cents(i.amount)) problems.push(`invoice ${i.name}: amount ${i.amount} ≠ Σ items ${sum('amount') / 100}`);
    if (sum('transactionAmount') !== cents(i.amountWithoutTax)) problems.push(`invoice ${i.name}: amountWithoutTax ≠ Σ items`);
    const applied = i.paymentApplications.filter((a: any) => a.status === 'Applied');
    const k = (kind: string) => applied.filter((a: any) => a.kind === kind).reduce((a: number, x: any) => a + cents(x.amount), 0);
    const expected = cents(i.amount) - k('Payment') + k('Refund') - k('Credit') - k('WriteOff');
    if (expected !== cents(i.balance)) problems.push(`invoice ${i.name}: balance ${i.balance} ≠ ${expected / 100}`);
    for (const x of items) {
      const key = `${x.assetNumber}|${x.startDate}`;
      periods.set(key, (periods.get(key) ?? 0) + 1);
      byLine.set(x.orderProductId, (byLine.get(x.orderProductId) ?? 0) + cents(x.transactionAmount));
    }
  }
  for (const [key, n] of periods) if (n > 1) problems.push(`period ${key} billed ${n} times`);
  const lineTotals = new Map<string, number>(orders.flatMap((o: any) => o.orderProducts.map((l: any) => [l.id, cents(l.totalPrice)])));
  for (const [line, billed] of byLine) {
    const total = lineTotals.get(line);
    if (total !== undefined && total >= 0 && billed > total) problems.push(`line ${line}: billed ${billed / 100} > totalPrice ${total / 100}`);
  }
  const charged = new Map<string, number>();
  for (const p of payments) if (p.status === 'Succeeded' && p.invoiceId) charged.set(p.invoiceId, (charged.get(p.invoiceId) ?? 0) + 1);
  for (const [invoice, n] of charged) if (n > 1) problems.push(`invoice ${invoice} charged ${n} times`);
  return { problems, orders, invoices, payments };
}
