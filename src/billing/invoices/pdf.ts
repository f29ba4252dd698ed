import PDFDocument from 'pdfkit';
import type { InvoiceWithItems } from '../service.js';
import { toMoneyString, type DecimalInput } from '../../core/money.js';

// The invoice as a PDF (pdfkit): seller, customer, items with their periods, tax, totals, balance.
// Streams are left uncompressed: invoices are small, and the text stays checkable.

export interface PdfParties {
  seller: { name: string };
  customer: { name: string; street: string | null; city: string | null; state: string | null; postalCode: string | null; country: string | null };
}

// the currency's own minor digits (JPY none, KWD three), rounded in decimal
const money = (x: DecimalInput, currency: string) => `${toMoneyString(x, currency)} ${currency}`;

export function renderInvoicePdf(inv: InvoiceWithItems, parties: PdfParties): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, compress: false, info: { Title: `Invoice ${inv.invoice.name}`, Author: parties.seller.name } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const i = inv.invoice;
  const cur = i.currencyIsoCode;
  doc.fontSize(20).text(parties.seller.name);
  doc.moveDown(0.5).fontSize(14).text(`Invoice ${i.name}`);
  doc.fontSize(10)
    .text(`Invoice date: ${i.invoiceDate}`)
    .text(`Due date: ${i.dueDate}`)
    .text(`Period: ${i.startDate} to ${i.endDate}`)
    .text(`Status: ${i.status} / ${i.paymentStatus}`);
  doc.moveDown().fontSize(11).text('Bill to');
  const c = parties.customer;
  doc.fontSize(10).text(c.name);
  for (const line of [c.street, [c.city, c.state, c.postalCode].filter(Boolean).join(' '), c.country]) if (line) doc.text(line);

  doc.moveDown().fontSize(11).text('Items');
  doc.fontSize(9);
  for (const it of inv.items) {
    doc.text(`${it.name}  ${it.productName ?? it.productId} (${it.assetNumber})`);
    doc.text(`    ${it.startDate} to ${it.endDate}   qty ${it.transactionQuantity}   ${money(it.transactionAmount, cur)}   tax ${money(it.taxAmount, cur)}`);
  }
  doc.moveDown().fontSize(10)
    .text(`Subtotal: ${money(i.amountWithoutTax, cur)}`)
    .text(`Tax: ${money(i.taxAmount, cur)}`)
    .text(`Total: ${money(i.amount, cur)}`)
    .text(`Balance due: ${money(i.balance, cur)}`);
  doc.end();
  return done;
}
