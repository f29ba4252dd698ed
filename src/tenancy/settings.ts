import { invalid } from '../core/errors.js';
import { DEFAULT_NUMBER_FORMATS, validateNumberFormat } from '../core/numbering-format.js';
import { DEFAULT_SETTINGS, type TenantSettings } from './model.js';

// Tenant settings arrive under the seed's labels ("Term Basis", "Bill Cycle Day") or camelCase.
export const SETTING_NAMES: Readonly<Record<string, keyof TenantSettings>> = {
  'Term Basis': 'termBasis', termBasis: 'termBasis',
  'Bill Cycle Day': 'billCycleDay', billCycleDay: 'billCycleDay',
  'Billing Period': 'billingPeriod', billingPeriod: 'billingPeriod',
  'Billing Timing': 'billingTiming', billingTiming: 'billingTiming',
  'Payment Term': 'paymentTerm', paymentTerm: 'paymentTerm',
  prorationEnabled: 'prorationEnabled', 'Proration Enabled': 'prorationEnabled',
  numberFormats: 'numberFormats',
  'Billing Start Month': 'billingStartMonth', billingStartMonth: 'billingStartMonth',
  'Credit Memo Mode': 'creditMemoMode', creditMemoMode: 'creditMemoMode',
  hideZeroItems: 'hideZeroItems',
  blockAddressMissing: 'blockAddressMissing', 'Block Address Missing': 'blockAddressMissing',
  billingExtras: 'billingExtras',
  autoCollect: 'autoCollect', 'Auto Collect': 'autoCollect',
  collectionRetryDays: 'collectionRetryDays', 'Collection Retry Days': 'collectionRetryDays',
  refundCorrections: 'refundCorrections', 'Refund Corrections': 'refundCorrections',
  corsOrigins: 'corsOrigins',
};

const TIMING: Record<string, TenantSettings['billingTiming']> = {
  InAdvance: 'InAdvance', 'In Advance': 'InAdvance', InArrears: 'InArrears', 'In Arrears': 'InArrears',
};
const PERIODS = ['Month', 'Quarter', 'Semi-Annual', 'Annual'] as const;
const NUMBERED_KINDS = Object.keys(DEFAULT_NUMBER_FORMATS);
const MAX_CORS_ORIGINS = 50;

/** An origin exactly as a browser sends it: http(s), host, a port only when not the default; no path, no wildcard. */
function checkOrigin(value: unknown, field: string): string {
  const shape = `${field} must be an origin such as https://shop.example.com (scheme, host and optional port; no path, no wildcard)`;
  if (typeof value !== 'string' || value.length > 255 || value.includes('*')) throw invalid('INVALID_FIELD', shape);
  let url: URL;
  try { url = new URL(value); } catch { throw invalid('INVALID_FIELD', shape); }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('INVALID_FIELD', shape);
  // browsers send the serialized origin (lower-case host, no default port, no trailing slash): only that form matches
  if (url.origin !== value) {
    const onlySpelling = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    throw invalid('INVALID_FIELD', onlySpelling ? `${shape}: write ${url.origin}` : shape);
  }
  return value;
}

export function validateSettingsPatch(current: TenantSettings, patch: Record<string, unknown>): TenantSettings {
  const next: TenantSettings = { ...DEFAULT_SETTINGS, ...current };
  for (const [label, value] of Object.entries(patch)) {
    const key = Object.hasOwn(SETTING_NAMES, label) ? SETTING_NAMES[label] : undefined;
    const field = `body/settings/${label}`;
    if (!key) throw invalid('UNKNOWN_SETTING', `${field} is not a tenant setting`);
    switch (key) {
      case 'termBasis':
        if (value !== 'US30360' && value !== 'Actual') throw invalid('INVALID_FIELD', `${field} must be US30360 or Actual`);
        next.termBasis = value;
        break;
      case 'billCycleDay':
        if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 31) throw invalid('INVALID_FIELD', `${field} must be an integer from 1 to 31`);
        next.billCycleDay = value as number;
        break;
      case 'billingPeriod':
        if (!PERIODS.includes(value as never)) throw invalid('INVALID_FIELD', `${field} must be one of ${PERIODS.join(', ')}`);
        next.billingPeriod = value as TenantSettings['billingPeriod'];
        break;
      case 'billingTiming': {
        const t = typeof value === 'string' ? TIMING[value] : undefined;
        if (!t) throw invalid('INVALID_FIELD', `${field} must be InAdvance or InArrears`);
        next.billingTiming = t;
        break;
      }
      case 'paymentTerm':
        if (typeof value !== 'string' || !/^(Net \d{1,3}|Due on Receipt)$/.test(value)) throw invalid('INVALID_FIELD', `${field} must be "Net N" or "Due on Receipt"`);
        next.paymentTerm = value;
        break;
      case 'prorationEnabled':
        if (typeof value !== 'boolean') throw invalid('INVALID_FIELD', `${field} must be true or false`);
        next.prorationEnabled = value;
        break;
      case 'billingStartMonth':
        if (value !== null && (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 12)) throw invalid('INVALID_FIELD', `${field} must be an integer from 1 to 12`);
        next.billingStartMonth = value as number | null;
        break;
      case 'creditMemoMode':
        if (typeof value !== 'string') throw invalid('INVALID_FIELD', `${field} must be a string`);
        next.creditMemoMode = value;
        break;
      case 'hideZeroItems':
        if (typeof value !== 'boolean') throw invalid('INVALID_FIELD', `${field} must be true or false`);
        next.hideZeroItems = value;
        break;
      case 'blockAddressMissing':
        if (typeof value !== 'boolean') throw invalid('INVALID_FIELD', `${field} must be true or false`);
        next.blockAddressMissing = value;
        break;
      case 'billingExtras':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('INVALID_FIELD', `${field} must be an object`);
        next.billingExtras = { ...next.billingExtras, ...(value as Record<string, unknown>) };
        break;
      case 'autoCollect':
        if (typeof value !== 'boolean') throw invalid('INVALID_FIELD', `${field} must be true or false`);
        next.autoCollect = value;
        break;
      case 'collectionRetryDays': {
        const days = value as number[];
        if (!Array.isArray(value) || value.length > 10 || !days.every((d) => Number.isInteger(d) && d >= 1 && d <= 365)
          || days.some((d, i) => i > 0 && d <= days[i - 1]!)) throw invalid('INVALID_FIELD', `${field} must be increasing whole days from 1 to 365 (at most 10)`);
        next.collectionRetryDays = [...days];
        break;
      }
      case 'refundCorrections':
        if (value !== 'KeepAsCredit' && value !== 'Refund') throw invalid('INVALID_FIELD', `${field} must be KeepAsCredit or Refund`);
        next.refundCorrections = value;
        break;
      case 'corsOrigins': {
        if (!Array.isArray(value) || value.length > MAX_CORS_ORIGINS) throw invalid('INVALID_FIELD', `${field} must be a list of at most ${MAX_CORS_ORIGINS} origins`);
        const origins = value.map((o, i) => checkOrigin(o, `${field}/${i}`));
        const repeated = origins.findIndex((o, i) => origins.indexOf(o) !== i);
        if (repeated >= 0) throw invalid('INVALID_FIELD', `${field}/${repeated} repeats ${origins[repeated]}`);
        next.corsOrigins = origins;
        break;
      }
      case 'numberFormats': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('INVALID_FIELD', `${field} must be an object`);
        const formats: Record<string, string> = { ...next.numberFormats };
        for (const [kind, fmt] of Object.entries(value)) {
          if (!NUMBERED_KINDS.includes(kind)) throw invalid('INVALID_FIELD', `${field}/${kind} is not a numbered document (${NUMBERED_KINDS.join(', ')})`);
          if (typeof fmt !== 'string') throw invalid('INVALID_FIELD', `${field}/${kind} must be a string`);
          validateNumberFormat(fmt);
          formats[kind] = fmt;
        }
        next.numberFormats = formats;
        break;
      }
    }
  }
  return next;
}
