// The payments domain's types, as its callers see them (store.ts maps them to rows).

/** A decimal amount as stored (numeric columns come back as exact strings, never floats). */
export type DecimalString = string;

/** A payment record (`PAY-…`): a charge or refund through a gateway, or a manual one. */
export interface Payment {
  id: string;
  paymentNumber: string;
  customerId: string | null;
  currency: string;
  amount: DecimalString;
  /** `Payment` or `Refund`. */
  kind: string;
  /** `Pending`, `Succeeded`, `Failed` or `Canceled`. */
  status: string;
  gateway: string;
  gatewayReference: string | null;
  paymentMethod: string;
  paymentSource: string | null;
  externalReference: string | null;
  declineCode: string | null;
  declineMessage: string | null;
  /** The key every gateway call for this payment carries (a retried request never charges twice). */
  idempotencyKey: string | null;
  invoiceId: string | null;
  /** The gateway token an asynchronous payment is charged with later (a token only, never card data). */
  paymentToken: string | null;
  /** A refund of a credit memo's credit: that memo. */
  creditMemoId: string | null;
  /** A refund through a gateway: the payment whose money it returns. */
  refundsPaymentId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A payment as it is recorded: the database sets when it was created and last changed. */
export type NewPayment = Omit<Payment, 'createdAt' | 'updatedAt'>;

/** What a payment's settling may set beside its status. */
export type PaymentSettlement = Partial<Pick<Payment, 'gatewayReference' | 'declineCode' | 'declineMessage'>>;

/** A payment found across tenants (a gateway's webhook arrives without one): the tenant it belongs to. */
export interface TenantPayment { tenantId: string; payment: Payment }

/** What was applied to an invoice or a debit memo: a payment, a refund, a write-off, or a credit memo's credit. */
export interface PaymentApplication {
  id: string;
  invoiceId: string | null;
  debitMemoId: string | null;
  creditMemoId: string | null;
  paymentId: string | null;
  /** `Payment`, `Refund`, `WriteOff` or `Credit`. */
  kind: string;
  amount: DecimalString;
  paymentMethod: string | null;
  /** `Applied`, or `Reversed` (applications are never deleted). */
  status: string;
  createdAt: Date;
}

/** An application as it is written: Applied, created now. */
export type NewPaymentApplication = Omit<PaymentApplication, 'createdAt' | 'status'>;

/** How a collection attempt stands (DESIGN "Collection"): Scheduled → Pending → Authorized → Succeeded, or Failed, Voided, Skipped, Canceled. */
export type AttemptStatus = 'Scheduled' | 'Pending' | 'Authorized' | 'Succeeded' | 'Failed' | 'Voided' | 'Skipped' | 'Canceled';

/** One attempt to charge an invoice to the customer's stored payment method. */
export interface CollectionAttempt {
  id: string;
  invoiceId: string;
  /** 1 for the first charge, then one more per retry (a re-planned attempt keeps its number). */
  attemptNumber: number;
  /** An `AttemptStatus`. */
  status: string;
  /** What planned it: `Activation`, `Retry`, `Transfer` (transferToPayments) or `Replan`. */
  trigger: string;
  /** The business day it is made on (or after, when the clock passes it late). */
  dueDate: string;
  currency: string;
  /** The balance it charges, fixed when it is made (null while Scheduled). */
  amount: DecimalString | null;
  gateway: string | null;
  gatewayKey: string | null;
  paymentId: string | null;
  declineCode: string | null;
  declineMessage: string | null;
  /** The business day it was made. */
  attemptedOn: string | null;
  createdAt: Date;
  attemptedAt: Date | null;
  finishedAt: Date | null;
}

/** An attempt as it is planned. */
export type NewCollectionAttempt = Pick<CollectionAttempt, 'invoiceId' | 'attemptNumber' | 'trigger' | 'dueDate' | 'currency'>;

/** What making or settling an attempt may set. */
export type AttemptUpdate = Partial<Pick<CollectionAttempt, 'status' | 'amount' | 'gateway' | 'gatewayKey' | 'paymentId' | 'declineCode' | 'declineMessage' | 'attemptedOn' | 'attemptedAt' | 'finishedAt' | 'dueDate'>>;
