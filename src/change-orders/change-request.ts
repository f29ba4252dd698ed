import { invalid } from '../core/errors.js';
import { BUSINESS_DATE_TEXT, isBusinessDate } from '../core/dates.js';
import { parseAmount, type Dec } from '../core/money.js';
import { readOptions } from '../orders/request.js';
import { CHANGE_TYPES, type AssetChange, type ChangeRequest, type ChangeType } from './model.js';

// Reads a change order request (ApiDocsChangeOrderRequest / ChangeOrderRequest): options and
// assetChanges[], each naming its asset by number. Pure; every problem is a 400 naming the field.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const ALLOWED: Record<ChangeType, readonly string[]> = {
  Renew: ['renewalTerm', 'switchToEvergreen'],
  UpdateQuantity: ['quantity', 'startDate', 'endDate'],
  UpdateTerm: ['term', 'switchToEvergreen'],
  CoTerm: ['coTermDate'],
  Cancel: ['cancellationDate'],
  Reconfigure: ['startDate'],
  ConvertFreeTrial: ['startDate', 'term', 'switchToEvergreen', 'coTermToBundleSubscription', 'overrideTrialEnd'],
  AdjustPrice: ['netSalesPrice', 'discount', 'discountPercentage', 'startDate', 'endDate', 'term', 'trueUpPrice'],
};

function date(o: Obj, k: string, at: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  // the seed's samples send date-times; the calendar date is what counts
  const s = typeof v === 'string' ? v.slice(0, 10) : '';
  if (!isBusinessDate(s)) throw invalid('INVALID_FIELD', `${at}/${k} must be ${BUSINESS_DATE_TEXT}`);
  return s;
}
function int(o: Obj, k: string, at: string, min: number, max: number): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalid('INVALID_FIELD', `${at}/${k} must be a whole number from ${min} to ${max}`);
  return v;
}
function money(o: Obj, k: string, at: string): Dec | undefined {
  const v = o[k];
  return v === undefined || v === null ? undefined : parseAmount(v, `${at}/${k}`);
}

export function readAssetChange(raw: unknown, at: string): AssetChange {
  if (!isObj(raw)) throw invalid('INVALID_FIELD', `${at} must be an object`);
  if (typeof raw.assetNumber !== 'string' || raw.assetNumber.length === 0 || raw.assetNumber.length > 60) throw invalid('INVALID_FIELD', `${at}/assetNumber is required`);
  const type = raw.changeType as ChangeType;
  if (!CHANGE_TYPES.includes(type)) throw invalid('INVALID_FIELD', `${at}/changeType must be one of ${CHANGE_TYPES.join(', ')}`);
  for (const k of Object.keys(raw)) {
    if (k !== 'assetNumber' && k !== 'changeType' && k !== 'assetId' && !ALLOWED[type].includes(k) && raw[k] !== null) {
      throw invalid('INVALID_FIELD', `${at}/${k} does not apply to a ${type} change`);
    }
  }
  const c: AssetChange = { at, assetNumber: raw.assetNumber, changeType: type };
  const set = <K extends keyof AssetChange>(k: K, v: AssetChange[K] | undefined) => { if (v !== undefined) c[k] = v; };
  set('startDate', date(raw, 'startDate', at));
  set('endDate', date(raw, 'endDate', at));
  set('coTermDate', date(raw, 'coTermDate', at));
  set('cancellationDate', date(raw, 'cancellationDate', at));
  set('renewalTerm', int(raw, 'renewalTerm', at, 1, 1200));
  set('term', int(raw, 'term', at, -1200, 1200));
  set('quantity', money(raw, 'quantity', at));
  set('netSalesPrice', money(raw, 'netSalesPrice', at));
  const discount = isObj(raw.discount) ? money(raw.discount, 'discountPercentage', `${at}/discount`) : money(raw, 'discountPercentage', at);
  set('discountPercentage', discount);
  if (raw.overrideTrialEnd !== undefined && typeof raw.overrideTrialEnd !== 'boolean') throw invalid('INVALID_FIELD', `${at}/overrideTrialEnd must be a boolean`);
  set('overrideTrialEnd', raw.overrideTrialEnd as boolean | undefined);
  switch (type) {
    case 'UpdateQuantity':
      if (!c.quantity) throw invalid('INVALID_FIELD', `${at}/quantity (the units to add, or to remove when negative) is required`);
      if (c.quantity.isZero()) throw invalid('INVALID_FIELD', `${at}/quantity must not be 0`);
      if (c.endDate && c.startDate && c.endDate < c.startDate) throw invalid('INVALID_FIELD', `${at}/endDate must not be before startDate`);
      break;
    case 'UpdateTerm':
      if (c.term === undefined || c.term === 0) throw invalid('INVALID_FIELD', `${at}/term (the term units to add, or to remove when negative) is required`);
      break;
    case 'CoTerm':
      if (!c.coTermDate) throw invalid('INVALID_FIELD', `${at}/coTermDate is required`);
      break;
    case 'Cancel':
      if (!c.cancellationDate) throw invalid('INVALID_FIELD', `${at}/cancellationDate is required`);
      break;
    case 'AdjustPrice':
      if (!c.netSalesPrice && !c.discountPercentage) throw invalid('INVALID_FIELD', `${at}: netSalesPrice or discount.discountPercentage is required`);
      if (c.netSalesPrice?.lt(0)) throw invalid('INVALID_FIELD', `${at}/netSalesPrice must be >= 0`);
      if (c.discountPercentage && (c.discountPercentage.lt(0) || c.discountPercentage.gt(100))) throw invalid('INVALID_FIELD', `${at}/discount/discountPercentage must be between 0 and 100`);
      if (c.term !== undefined && c.term <= 0) throw invalid('INVALID_FIELD', `${at}/term must be > 0`);
      if (c.endDate && c.startDate && c.endDate < c.startDate) throw invalid('INVALID_FIELD', `${at}/endDate must not be before startDate`);
      break;
    case 'ConvertFreeTrial':
      if (c.term !== undefined && c.term <= 0) throw invalid('INVALID_FIELD', `${at}/term must be > 0`);
      break;
    default:
  }
  return c;
}

export function readChangeRequest(body: unknown): ChangeRequest {
  if (!isObj(body)) throw invalid('INVALID_FIELD', 'body must be an object');
  const changes = body.assetChanges;
  if (!Array.isArray(changes) || changes.length === 0) throw invalid('INVALID_FIELD', 'body/assetChanges must be a non-empty array');
  if (changes.length > 500) throw invalid('INVALID_FIELD', 'body/assetChanges takes at most 500 changes; use /cpq/change-order-in-bulk for more');
  const rawOptions = body.options;
  if (rawOptions !== undefined && !isObj(rawOptions)) throw invalid('INVALID_FIELD', 'body/options must be an object');
  const options = readOptions(rawOptions as Obj | undefined);
  const hash = (rawOptions as Obj | undefined)?.previewHash;
  if (hash !== undefined && (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash))) throw invalid('INVALID_FIELD', 'body/options/previewHash must be a hash from a preview');
  const pm = body.paymentMethod;
  if (pm !== undefined && (!isObj(pm) || typeof pm.token !== 'string')) throw invalid('INVALID_FIELD', 'body/paymentMethod/token is required');
  return {
    options: { ...options, ...(typeof hash === 'string' && { previewHash: hash }) },
    assetChanges: changes.map((c, i) => readAssetChange(c, `body/assetChanges/${i}`)),
    ...(isObj(pm) && { paymentMethod: { token: String(pm.token), gateway: typeof pm.gateway === 'string' ? pm.gateway : undefined } }),
    ...(typeof body.description === 'string' && { description: body.description }),
    ...(typeof body.refId === 'string' && { refId: body.refId }),
  };
}
