import type { Dec } from '../core/money.js';
import type { OrderOptions } from '../orders/request.js';

// Change orders (DESIGN "Change orders"; seed 002 part B §1.8, part A §2.6).

export const CHANGE_TYPES = ['ConvertFreeTrial', 'Renew', 'UpdateTerm', 'CoTerm', 'UpdateQuantity', 'AdjustPrice', 'Reconfigure', 'Cancel'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/** The fixed order changes to one asset apply in, whatever order they are listed in. */
export const APPLY_ORDER: Record<ChangeType, number> = {
  ConvertFreeTrial: 0, Renew: 1, UpdateTerm: 2, CoTerm: 3, UpdateQuantity: 4, AdjustPrice: 5, Reconfigure: 6, Cancel: 7,
};

export interface AssetChange {
  at: string;                    // where it is in the request (messages name it)
  assetNumber: string;
  changeType: ChangeType;
  startDate?: string;
  endDate?: string;
  term?: number;                 // UpdateTerm: ± term units; ConvertFreeTrial, AdjustPrice: a term
  renewalTerm?: number;
  coTermDate?: string;
  cancellationDate?: string;
  quantity?: Dec;                // UpdateQuantity: ± units
  netSalesPrice?: Dec;
  discountPercentage?: Dec;
  overrideTrialEnd?: boolean;
}

export interface ChangeRequest {
  options: OrderOptions & { previewHash?: string };
  assetChanges: AssetChange[];
  paymentMethod?: { token: string; gateway?: string | undefined };
  description?: string;
  refId?: string;
}

/** The contract state of one version of an asset, as change planning reads and writes it. */
export interface AssetState {
  quantity: Dec;
  startDate: string;
  endDate: string | null;
  freeTrialEndDate: string | null;
  term: number | null;
  termDimension: string | null;
  renewalTerm: number | null;
  autoRenew: boolean;
  evergreen: boolean;
  listPrice: Dec;
  salesPrice: Dec;
  netSalesPrice: Dec;
  monthlyPrice: Dec;             // unit monthly net price
  cancellationDate: string | null;
}

/** One change applied: the state after it and the window its delta covers. */
export interface ChangeStep {
  change: AssetChange;
  after: AssetState;
  window: { from: string; to: string | null };
  /** Versions the state after this step writes: the state from `from`, and for a temporary change the state it returns to. */
  versions: { from: string; state: AssetState }[];
}

export interface AssetPlan {
  assetNumber: string;
  effectiveFrom: string;
  steps: ChangeStep[];
  versions: { from: string; state: AssetState }[];
}

/** A bulk change job (POST /orders/change-orders:bulk): its stages are the batches and their outcomes. */
/** One asset a bulk job changes: its customer, and which of the request's `assetChanges` applies. */
export interface BulkTarget { assetNumber: string; customerId: string; change: number }

export interface BulkChangeJob {
  id: string;
  status: string;
  jobType: string;
  request: unknown;
  batchSize: number;
  /** The customer the scope of the credential that made it hangs from; null: made tenant-wide. */
  scopeCustomerId: string | null;
  /** The assets it changes, fixed when it was accepted (a worker, or the next attempt after a crash, works them). */
  targets: BulkTarget[] | null;
  stages: unknown;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
}
