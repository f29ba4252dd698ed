import type { RowProblem } from './ingest.js';

// The usage domain's shapes (shared/design/usage.md "Shapes").

export type IngestMode = 'atomic' | 'partial';

/** A repeated event id whose timestamp or quantity differ from the stored row's: the first one counts. */
export interface UsageConflict { index: number; id: string; subscriptionNumber: string; stored: { timestamp: string; quantity: string } }

/** What `POST /usage/raw-usage` answers (and answers again for the same transaction id and body). */
export interface IngestAnswer {
  transactionId: string;
  accepted: number;
  duplicates: number;
  conflicts: UsageConflict[];
  rejected: RowProblem[];
}

export const MAX_ROWS = 10_000;
