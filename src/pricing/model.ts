import type { Dec } from '../core/money.js';

// What the pricing engine reads: catalog records as published (numbers in JSON) or live.
export type TermDimension = 'Month' | 'Year' | 'Week' | 'Day' | null;
export type PriceModel = 'Recurring' | 'One-Time' | 'Usage';

export interface PricingUom {
  termDimension: TermDimension;
  decimalScale: number;
  roundingMode: 'Up' | 'Down';
}

export interface PricingTier {
  startUnit: Dec;
  endUnit: Dec | null;
  amount: Dec | null;
  discountPercentage: Dec | null;
  chargeModel: 'PerUnit' | 'FlatFee';
}

export interface PricingTag {
  code: string;
  recordType: 'PriceDimension' | 'DiscountDimension';
  priceTagType: 'Quantity' | 'Term';
  priceType: 'Volume' | 'Tiered';
  active: boolean;
  startTime: string | null;   // ISO instant
  endTime: string | null;
  tiers: PricingTier[];
}

export interface PriceLineInput {
  currency: string;
  priceModel: PriceModel;
  listPrice: Dec;              // per UOM unit per term-dimension unit
  uom: PricingUom;
  quantity: Dec;               // as ordered, before UOM rounding
  includedQuantity?: Dec;      // free units (bundle options)
  included?: boolean;          // a bundled option: its price is part of the parent's
  term: number;                // subscription term in the UOM's term dimension
  tags: PricingTag[];          // in serialNumber order; inactive or out-of-window ones are skipped
  pricingTime: string;         // ISO instant the tags' windows are checked at
  discountPercent?: Dec;       // manual discount, 30 = 30%
  discountAmount?: Dec;        // manual discount as an amount off the line
}

export interface PricedLine {
  quantity: Dec;               // after UOM rounding
  chargeableQuantity: Dec;     // after included units
  term: number;                // 1 for one-time lines and UOMs without a term dimension
  termMonths: Dec;
  listPrice: Dec;
  salesPrice: Dec;             // unit price after price and discount tags
  netSalesPrice: Dec;          // after manual discounts; 6 decimals when derived from a total
  listTotalPrice: Dec;
  subtotal: Dec;
  systemDiscount: Dec;         // percent
  systemDiscountAmount: Dec;
  discount: Dec;               // percent
  discountAmount: Dec;
  totalPrice: Dec;
  appliedTags: string[];
  monthlyPrice: Dec;           // net unit price per month (metrics)
  deltaCMRR: Dec;
  deltaARR: Dec;
  deltaTCV: Dec;
  deltaACV: Dec;
}
