import { invalid } from '../core/errors.js';
import type { TenantSettings } from '../tenancy/model.js';

// The seed's billing tenant settings document (`/billing/tenant-settings/setting:export|:import`,
// seed 002 part C §2.11), mapped onto Keel's tenant settings. Keys Keel acts on are typed; the rest
// are kept as they came so an export gives back what was imported.

const TIMING_OUT: Record<string, string> = { InAdvance: 'In Advance', InArrears: 'In Arrears' };
const ACTED_ON = ['Bill Cycle Day', 'Billing Period', 'Billing Start Month', 'Billing Timing', 'prorationEnabled', 'Payment Term', 'hideZeroItems', 'Credit Memo Mode', 'Term Basis'];

export function exportSettings(s: TenantSettings): Record<string, unknown> {
  const extras = s.billingExtras as Record<string, unknown>;
  return {
    subscriptionDateFieldForBcd: extras.subscriptionDateFieldForBcd ?? null,
    autoSetBcdMode: extras.autoSetBcdMode ?? null,
    sfCustomSettings: extras.sfCustomSettings ?? null,
    billingSettings: {
      ...(extras.billingSettings as Record<string, unknown> | undefined),
      'Bill Cycle Day': s.billCycleDay, 'Billing Period': s.billingPeriod, 'Billing Start Month': s.billingStartMonth,
      'Billing Timing': TIMING_OUT[s.billingTiming] ?? s.billingTiming, prorationEnabled: s.prorationEnabled, 'Payment Term': s.paymentTerm,
      hideZeroItems: s.hideZeroItems, 'Credit Memo Mode': s.creditMemoMode, 'Term Basis': s.termBasis,
    },
  };
}

/** The settings patch an imported document amounts to (validated by the tenancy service). */
export function importPatch(doc: Record<string, unknown>): Record<string, unknown> {
  const billing = doc.billingSettings;
  if (billing !== undefined && (typeof billing !== 'object' || billing === null || Array.isArray(billing))) throw invalid('INVALID_FIELD', 'body/billingSettings must be an object');
  const b = (billing ?? {}) as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  for (const k of ACTED_ON) if (b[k] !== undefined) patch[k] = b[k];
  const keep = Object.fromEntries(Object.entries(b).filter(([k]) => !ACTED_ON.includes(k)));
  const extras: Record<string, unknown> = { billingSettings: keep };
  for (const k of ['subscriptionDateFieldForBcd', 'autoSetBcdMode', 'sfCustomSettings']) if (doc[k] !== undefined) extras[k] = doc[k];
  patch.billingExtras = extras;
  return patch;
}
