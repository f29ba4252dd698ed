import { randomUUID } from 'node:crypto';
import { customerFacingRole, type Ctx } from '../context.js';
import { DomainError, conflict, invalid, notFound, validateEach } from '../core/errors.js';
import { inTransaction, type Tx } from '../db/transaction.js';
import type { Db } from '../db/connect.js';
import { toApiRecord, type ApiRecord } from '../metadata/records.js';
import * as rows from '../metadata/store.js';
import type { ObjectRow } from '../metadata/store.js';
import * as store from './store.js';
import { isUuid } from '../core/ids.js';
import { assertInScope, joinScope, outsideScope, type OrgScope } from '../core/scope.js';
import { validateObjectInput, type ObjectInput } from '../metadata/validate.js';
import { assertTimeZone } from '../tenancy/service.js';
import { CONTACT, CUSTOMER, CUSTOMER_FACING_CONTACT, CUSTOMER_FACING_CUSTOMER, MAX_CONTACTS_PER_CUSTOMER, MAX_CUSTOMERS_PER_CALL } from './objects.js';
import { refuseFieldsOutside, type AllowList } from '../core/field-allow-list.js';
import type { Contact, Customer } from './model.js';

// Customers (the organisations that buy) and their contacts (who are also self-service users).
// Roll-ups are computed at read from what other domains own: subscriptions (todayARR, todayCMRR,
// totalTCV) and invoices (invoiceBalance), through the `metrics` they provide.

export interface CustomerMetrics { todayARR: number; todayCMRR: number; totalTCV: number; invoiceBalance: number }
export type MetricsProvider = (ctx: Ctx, customerIds: readonly string[]) => Promise<Map<string, Partial<CustomerMetrics>>>;

const ZERO_METRICS: CustomerMetrics = { todayARR: 0, todayCMRR: 0, totalTCV: 0, invoiceBalance: 0 };

interface PlannedCustomer { id: string; input: ObjectInput; contacts: { id: string; input: ObjectInput }[] }
/** A place-order customer and bill-to contact, validated before the transaction. */
export interface OrderPartiesPlan { customer: PlannedCustomer | null; contact: { id: string | null; input: ObjectInput } | null }

function contactInputs(list: unknown, at: string, customerId: string): { id: string; input: ObjectInput }[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw invalid('INVALID_FIELD', `${at} must be an array`);
  if (list.length > MAX_CONTACTS_PER_CUSTOMER) throw invalid('TOO_MANY_CONTACTS', `${at} has ${list.length} contacts; at most ${MAX_CONTACTS_PER_CUSTOMER} per customer`);
  return list.map((c, i) => {
    const body = typeof c === 'object' && c !== null ? { ...(c as Record<string, unknown>), customerId } : c;
    return { id: randomUUID(), input: withContactName(validateObjectInput(CONTACT, body, 'create', `${at}/${i}`)) };
  });
}

/** A contact without a name is named from its parts. */
function withContactName(input: ObjectInput): ObjectInput {
  const f = input.fields;
  if (f.name) return input;
  const name = [f.firstName, f.middleName, f.lastName].filter((x) => typeof x === 'string' && x).join(' ');
  return name ? { ...input, fields: { ...f, name } } : input;
}

function checkCustomerRules(input: ObjectInput, at: string): void {
  if (typeof input.fields.timezone === 'string') {
    try { assertTimeZone(input.fields.timezone, 'timezone'); } catch { throw invalid('INVALID_FIELD', `${at}/timezone must be an IANA time zone such as Europe/Paris`); }
  }
  const cur = input.fields.currencyIsoCode;
  if (typeof cur === 'string' && !/^[A-Z]{3}$/.test(cur)) throw invalid('INVALID_FIELD', `${at}/currencyIsoCode must be an ISO 4217 currency code such as USD`);
}

function planCustomer(body: unknown, at: string): PlannedCustomer {
  const id = randomUUID();
  const input = validateObjectInput(CUSTOMER, body, 'create', at, new Set(['contacts']));
  checkCustomerRules(input, at);
  return { id, input, contacts: contactInputs((body as { contacts?: unknown }).contacts, `${at}/contacts`, id) };
}

/**
 * A new customer made by a scoped credential joins its organisation: under the customer it names
 * (inside the scope), else under the credential's own customer (DESIGN §3 Organisation scope).
 */
function placedInScope(ctx: { scope?: OrgScope | null | undefined }, p: PlannedCustomer, at: string): PlannedCustomer {
  if (!ctx.scope) return p;
  const named = p.input.fields.parentCustomerId;
  const parent = typeof named === 'string' ? named.toLowerCase() : ctx.scope.rootCustomerId;
  if (parent !== null && !ctx.scope.customerIds.has(parent)) throw outsideScope(ctx, parent, `${at}/parentCustomerId`);
  return { ...p, input: { ...p.input, fields: { ...p.input.fields, parentCustomerId: parent } } };
}

/** A storefront or self-service caller sets only what DESIGN §3 allows it (403 FIELD_NOT_ALLOWED). */
function refuseForCustomerFacing(ctx: Ctx, body: unknown, list: AllowList, at: string): void {
  const who = customerFacingRole(ctx);
  if (who) refuseFieldsOutside(body, list, at, who);
}

function translate(e: unknown, at: string): unknown {
  const { code, constraint } = (e ?? {}) as { code?: string; constraint?: string };
  if (code === '23503' && constraint === 'customers_parent_customer_id_fkey') return invalid('REFERENCE_NOT_FOUND', `${at}/parentCustomerId does not name a customer of this tenant`);
  if (code === '23503' && constraint === 'contacts_customer_id_fkey') return notFound('CUSTOMER_NOT_FOUND', `${at}: the customer does not exist`);
  if (code === '23505' && constraint === 'customers_external_id') return conflict('DUPLICATE_EXTERNAL_ID', `${at}/externalId is the external id of another customer of this tenant`);
  return e;
}

/** The customer fields the batch's unique and foreign keys are on, by constraint. */
const KEYED_FIELD: Record<string, string> = { customers_external_id: 'externalId', customers_parent_customer_id_fkey: 'parentCustomerId' };

/** The item a batch's constraint violation is about: the one holding the key the database names
 * (`Key (tenant_id, external_id)=(…, X) already exists`), the later one when two in the batch hold it. */
function itemOfViolation(e: unknown, planned: readonly PlannedCustomer[]): number {
  const { detail, constraint } = (e ?? {}) as { detail?: unknown; constraint?: unknown };
  const field = typeof constraint === 'string' ? KEYED_FIELD[constraint] : undefined;
  const key = typeof detail === 'string' ? /=\((?:[^,)]*, )*([^)]*)\)/.exec(detail)?.[1]?.toLowerCase() : undefined;
  if (!field || key === undefined) return 0;
  const holding = planned.flatMap((p, i) => (String(p.input.fields[field]).toLowerCase() === key ? [i] : []));
  return holding[1] ?? holding[0] ?? 0;
}

/** Inserts the planned customers, then their contacts: a statement each (many rows per statement);
 * returns the rows as written (defaults filled in). */
async function insertPlanned(q: Db, ctx: Ctx, planned: PlannedCustomer[], at: (i: number) => string) {
  for (const p of planned) joinScope(ctx, p.id);
  try {
    const customers = await rows.insertRows(q, ctx.tenantId, CUSTOMER, planned.map((p) => ({ ...p.input, id: p.id })));
    const contacts = await rows.insertRows(q, ctx.tenantId, CONTACT, planned.flatMap((p) => p.contacts.map((c) => ({ ...c.input, id: c.id }))));
    let next = 0;
    return planned.map((p, i) => ({ customer: customers[i]!, contacts: contacts.slice(next, (next += p.contacts.length)) }));
  } catch (e) {
    throw translate(e, at(itemOfViolation(e, planned)));
  }
}

export type CustomersService = ReturnType<typeof createCustomersService>;

/** What a customer-facing caller may set of a customer and of a contact (orders' allow-lists take them in). */
export { CUSTOMER_FACING_CONTACT, CUSTOMER_FACING_CUSTOMER } from './objects.js';

/** A customer as the API shows it: its row, its roll-ups (zero where it has none), its contacts. */
function viewOf(customer: ObjectRow<typeof CUSTOMER.table>, contacts: ObjectRow<typeof CONTACT.table>[], figures: object | undefined): ApiRecord {
  // in the order the store lists them (created_at, id), whether just written or read
  const ordered = contacts.length < 2 ? contacts : [...contacts].sort((a, b) => (a.created_at.getTime() - b.created_at.getTime()) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // filled in place: the record has some sixty fields, and copying it again cost more than building it
  return Object.assign(toApiRecord(CUSTOMER, customer), ZERO_METRICS, figures, { contacts: ordered.map((c) => toApiRecord(CONTACT, c)) });
}

export function createCustomersService(deps: { metrics?: MetricsProvider } = {}) {
  let metrics: MetricsProvider = deps.metrics ?? (async () => new Map());

  async function views(ctx: Ctx, q: Tx | Ctx['db'], ids: string[]): Promise<ApiRecord[]> {
    const [customers, contacts, figures] = await Promise.all([
      rows.getRows(q, ctx.tenantId, CUSTOMER, ids),
      rows.rowsWhere(q, ctx.tenantId, CONTACT, 'customer_id', ids),
      metrics(ctx, ids),
    ]);
    const byId = new Map(customers.map((c) => [c.id, c]));
    return ids.filter((id) => byId.has(id)).map((id) => viewOf(byId.get(id)!, contacts.filter((c) => c.customer_id === id), figures.get(id)));
  }

  /** A customer by its id or, in its place, its external id (seed 004); one outside the caller's scope is refused (404 to read, 403 to write). */
  async function getStored(q: Tx | Ctx['db'], ctx: Ctx, id: string, access: 'read' | 'write' = 'read'): Promise<Customer> {
    const [byId] = isUuid(id) ? await store.getCustomers(q, ctx.tenantId, [id.toLowerCase()]) : [];
    const customer = byId ?? (id ? await store.customerByExternalId(q, ctx.tenantId, id) : undefined);
    const missing = () => notFound('CUSTOMER_NOT_FOUND', `Customer ${id} does not exist`);
    if (!customer) throw missing();
    assertInScope(ctx, customer.id, access, missing);
    return customer;
  }

  /** A contact, refused like its customer when that is outside the caller's scope. */
  async function getContactRow(q: Tx | Ctx['db'], ctx: Ctx, id: string, access: 'read' | 'write') {
    const [row] = isUuid(id) ? await rows.getRows(q, ctx.tenantId, CONTACT, [id.toLowerCase()]) : [];
    const missing = () => notFound('CONTACT_NOT_FOUND', `Contact ${id} does not exist`);
    if (!row) throw missing();
    assertInScope(ctx, row.customer_id as string, access, missing);
    return row;
  }

  /**
   * A customer's new parent (DESIGN §3): never the customer itself or one below it (400 HIERARCHY_CYCLE);
   * for a scoped caller, inside its scope, and never for the customer the scope hangs from (that would
   * change the hierarchy above the caller).
   */
  async function checkNewParent(tx: Tx, ctx: Ctx, customer: Customer, given: unknown): Promise<void> {
    const parent = typeof given === 'string' ? given.toLowerCase() : given;
    if (parent === customer.id) throw invalid('HIERARCHY_CYCLE', 'body/parentCustomerId cannot be the customer itself: the hierarchy would be a cycle');
    if (ctx.scope) {
      if (customer.id === ctx.scope.rootCustomerId) throw outsideScope(ctx, customer.parentCustomerId, 'body/parentCustomerId: the customer this credential acts for cannot be moved by it');
      if (typeof parent !== 'string' || !ctx.scope.customerIds.has(parent)) throw outsideScope(ctx, typeof parent === 'string' ? parent : null, 'body/parentCustomerId');
    }
    // two moves at once could each pass the check below and together make a cycle: they take turns
    await store.lockHierarchy(tx, ctx.tenantId);
    if (typeof parent === 'string' && (await store.organisationIds(tx, ctx.tenantId, customer.id)).includes(parent)) {
      throw invalid('HIERARCHY_CYCLE', `body/parentCustomerId ${parent} is below this customer in its hierarchy: the hierarchy would be a cycle`);
    }
  }

  return {
    /** Wired once the subscriptions and invoices domains exist (runtime.ts). */
    setMetricsProvider(p: MetricsProvider) { metrics = p; },

    /** Up to 200 customers with up to 50 contacts each, all or nothing; every bad item is listed. */
    async createCustomers(ctx: Ctx, body: unknown): Promise<ApiRecord[]> {
      const items = Array.isArray(body) ? body : [body];
      if (items.length === 0 || items.length > MAX_CUSTOMERS_PER_CALL) throw invalid('INVALID_FIELD', `body must hold 1 to ${MAX_CUSTOMERS_PER_CALL} customers`);
      const at = (i: number) => (Array.isArray(body) ? `body/${i}` : 'body');
      items.forEach((item, i) => refuseForCustomerFacing(ctx, item, CUSTOMER_FACING_CUSTOMER, at(i)));
      const planned = validateEach(items, (item, i) => planCustomer(item, at(i))).map((p, i) => placedInScope(ctx, p, at(i)));
      // customers alone are one INSERT, atomic by itself: no transaction to open (two round trips fewer)
      const written = planned.some((p) => p.contacts.length > 0)
        ? await inTransaction(ctx.db, (tx) => insertPlanned(tx, ctx, planned, at))
        : await insertPlanned(ctx.db, ctx, planned, at);
      // answered from the rows as written: a customer made now has no invoices or subscriptions yet
      // (its roll-ups are zero), and its contacts are the ones just written — nothing to read back
      return written.map((w) => viewOf(w.customer, w.contacts, undefined));
    },

    async getCustomer(ctx: Ctx, id: string): Promise<ApiRecord> {
      const customer = await getStored(ctx.db, ctx, id);
      return (await views(ctx, ctx.db, [customer.id]))[0]!;
    },

    /** Updates the customer's updatable fields; `contacts` with an id are patched, without one created. */
    async patchCustomer(ctx: Ctx, id: string, body: unknown): Promise<ApiRecord> {
      refuseForCustomerFacing(ctx, body, CUSTOMER_FACING_CUSTOMER, 'body');
      const input = validateObjectInput(CUSTOMER, body, 'patch', 'body', new Set(['contacts']));
      checkCustomerRules(input, 'body');
      const list = (body as { contacts?: unknown }).contacts;
      if (list !== undefined && !Array.isArray(list)) throw invalid('INVALID_FIELD', 'body/contacts must be an array');
      const customerId = await inTransaction(ctx.db, async (tx) => {
        const customer = await getStored(tx, ctx, id, 'write');
        if ('parentCustomerId' in input.fields) await checkNewParent(tx, ctx, customer, input.fields.parentCustomerId);
        try {
          await rows.updateRow(tx, ctx.tenantId, CUSTOMER, customer.id, input.fields, input.customFields);
        } catch (e) { throw translate(e, 'body'); }
        for (const [i, c] of ((list as unknown[] | undefined) ?? []).entries()) {
          const cid = (c as { id?: unknown } | null)?.id;
          if (isUuid(cid)) {
            const patch = validateObjectInput(CONTACT, c, 'patch', `body/contacts/${i}`);
            const updated = await rows.updateRow(tx, ctx.tenantId, CONTACT, cid.toLowerCase(), patch.fields, patch.customFields);
            if (!updated || updated.customer_id !== customer.id) throw notFound('CONTACT_NOT_FOUND', `body/contacts/${i}: contact ${cid} is not a contact of this customer`);
          } else {
            const [created] = contactInputs([c], `body/contacts/${i}`, customer.id);
            await rows.insertRow(tx, ctx.tenantId, CONTACT, created!.input.fields, created!.input.customFields, created!.id);
          }
        }
        return customer.id;
      });
      return (await views(ctx, ctx.db, [customerId]))[0]!;
    },

    async createContacts(ctx: Ctx, customerId: string, body: unknown): Promise<ApiRecord[]> {
      const items = Array.isArray(body) ? body : [body];
      if (items.length === 0) throw invalid('INVALID_FIELD', 'body must hold at least one contact');
      items.forEach((item, i) => refuseForCustomerFacing(ctx, item, CUSTOMER_FACING_CONTACT, Array.isArray(body) ? `body/${i}` : 'body'));
      // the customer id is set when the rows are written; validation only needs a well-formed one
      const planned = validateEach([items], (list) => contactInputs(list, 'body', '00000000-0000-4000-8000-000000000000'))[0]!;
      return inTransaction(ctx.db, async (tx) => {
        const customer = await getStored(tx, ctx, customerId, 'write');
        const out: ApiRecord[] = [];
        for (const c of planned) {
          const row = await rows.insertRow(tx, ctx.tenantId, CONTACT, { ...c.input.fields, customerId: customer.id }, c.input.customFields, c.id);
          out.push(toApiRecord(CONTACT, row));
        }
        return out;
      });
    },

    async getContact(ctx: Ctx, id: string): Promise<ApiRecord> {
      return toApiRecord(CONTACT, await getContactRow(ctx.db, ctx, id, 'read'));
    },

    async patchContact(ctx: Ctx, id: string, body: unknown): Promise<ApiRecord> {
      refuseForCustomerFacing(ctx, body, CUSTOMER_FACING_CONTACT, 'body');
      const input = validateObjectInput(CONTACT, body, 'patch', 'body');
      return inTransaction(ctx.db, async (tx) => {
        const before = await getContactRow(tx, ctx, id, 'write');
        const moved = input.fields.customerId;
        if (typeof moved === 'string') assertInScope(ctx, moved, 'write', () => notFound('CUSTOMER_NOT_FOUND', `body/customerId: customer ${moved} does not exist`));
        try {
          return toApiRecord(CONTACT, (await rows.updateRow(tx, ctx.tenantId, CONTACT, before.id, input.fields, input.customFields))!);
        } catch (e) { throw translate(e, 'body'); }
      });
    },

    // --- for the orders domain, inside its transaction -------------------------------------------

    /** Validates a place-order customer and bill-to contact before any transaction opens (a new customer joins the caller's scope). */
    planForOrder(ctx: Ctx, customer: unknown, contact: unknown): OrderPartiesPlan {
      const c = customer === undefined || customer === null ? null : placedInScope(ctx, planCustomer(customer, 'body/customer'), 'body/customer');
      let k: { id: string | null; input: ObjectInput } | null = null;
      if (contact !== undefined && contact !== null) {
        const givenId = (contact as { id?: unknown }).id;
        const body = { ...(contact as Record<string, unknown>), customerId: c?.id ?? (contact as { customerId?: unknown }).customerId ?? '00000000-0000-4000-8000-000000000000' };
        k = { id: isUuid(givenId) ? givenId.toLowerCase() : null, input: withContactName(validateObjectInput(CONTACT, body, 'create', 'body/billToContact')) };
      }
      return { customer: c, contact: k };
    },

    /** Writes (or finds) the order's customer and bill-to contact in the order's transaction. */
    /** `known`: the customer as the caller read it before the transaction (the order's foreign key still guards it). */
    async ensureForOrder(tx: Tx, ctx: Ctx, plan: OrderPartiesPlan, customerId: string | undefined, known?: Customer): Promise<{ customer: Customer; contactId: string | null }> {
      let customer: Customer;
      if (customerId) customer = known ?? await getStored(tx, ctx, customerId, 'write');
      else if (plan.customer) {
        await insertPlanned(tx, ctx, [plan.customer], () => 'body/customer');
        customer = (await store.getCustomers(tx, ctx.tenantId, [plan.customer.id]))[0]!;
      } else throw invalid('CUSTOMER_REQUIRED', 'body/customer or body/customerId is required');
      let contactId: string | null = null;
      if (plan.contact) {
        const existing = plan.contact.id ? (await store.getContacts(tx, ctx.tenantId, [plan.contact.id]))[0] : undefined;
        if (existing) {
          if (existing.customerId !== customer.id) throw invalid('CONTACT_NOT_OF_CUSTOMER', 'body/billToContact/id names a contact of another customer');
          contactId = existing.id;
        } else {
          const row = await rows.insertRow(tx, ctx.tenantId, CONTACT, { ...plan.contact.input.fields, customerId: customer.id }, plan.contact.input.customFields, plan.contact.id ?? randomUUID());
          contactId = row.id;
        }
      }
      return { customer, contactId };
    },

    /** Keeps a checkout's payment method as the customer's default, if it has none (token only). */
    async rememberPaymentMethod(tx: Tx, ctx: Ctx, customerId: string, token: string, gateway: string): Promise<void> {
      await store.rememberPaymentMethod(tx, ctx.tenantId, customerId, token, gateway);
    },

    /**
     * The stored customer as the `Customer` model, by id or external id (404 `CUSTOMER_NOT_FOUND`); `getCustomer`
     * answers the API record. Outside the caller's scope: the same 404, or 403 OUTSIDE_ORGANISATION when `access` is write.
     */
    async getStoredCustomer(q: Tx | Ctx['db'], ctx: Ctx, id: string, access: 'read' | 'write' = 'read'): Promise<Customer> {
      return getStored(q, ctx, id, access);
    },

    /** Stored contacts by id (ids that name none are skipped); `q` is the caller's `tx` or `ctx.db`. */
    async findContacts(q: Tx | Ctx['db'], ctx: Ctx, ids: readonly string[]): Promise<Contact[]> {
      const valid = ids.filter(isUuid).map((x) => x.toLowerCase());
      return valid.length === 0 ? [] : store.getContacts(q, ctx.tenantId, valid);
    },

    /**
     * The customer's primary bill-to contact: the one its `orderPrimaryContact` names (when that is one of
     * its contacts), else its only contact; none when it has several and names none.
     */
    async primaryBillToContact(q: Tx | Ctx['db'], ctx: Ctx, customer: Customer): Promise<Contact | undefined> {
      const contacts = await store.contactsOfCustomer(q, ctx.tenantId, customer.id);
      const named = customer.orderPrimaryContact?.trim().toLowerCase();
      return contacts.find((c) => c.id === named) ?? (contacts.length === 1 ? contacts[0] : undefined);
    },

    async contactBelongsTo(q: Tx | Ctx['db'], ctx: Ctx, contactId: string, customerId: string): Promise<boolean> {
      if (!isUuid(contactId)) return false;
      const [contact] = await store.getContacts(q, ctx.tenantId, [contactId.toLowerCase()]);
      return !!contact && contact.customerId === customerId;
    },

    /** The customer and its descendants: all a credential scoped to this customer may see. */
    async organisation(ctx: Ctx, customerId: string): Promise<Set<string>> {
      return new Set(await store.organisationIds(ctx.db, ctx.tenantId, customerId));
    },

    /** On an order's activation: a Prospect becomes a Direct Customer; its currency is fixed by its first order. */
    async recordActivation(tx: Tx, ctx: Ctx, customerId: string, change: { currency: string; orderDate: string }): Promise<void> {
      if (await store.recordActivation(tx, ctx.tenantId, customerId, change.currency, change.orderDate)) return;
      const customer = await getStored(tx, ctx, customerId);
      throw new DomainError('validation', 'CURRENCY_MISMATCH', `The order is in ${change.currency} but customer ${customerId} buys in ${String(customer.currencyIsoCode)}`);
    },
  };
}
