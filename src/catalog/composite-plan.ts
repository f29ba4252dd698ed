import { randomUUID } from 'node:crypto';
import { invalid } from '../core/errors.js';
import { OBJECTS, type ObjectDef, type ObjectName } from './objects.js';
import { isUuid } from '../core/ids.js';

// Plans a composite call (`POST /objects/composite/{objectName}List`): flattens nested children
// (a bundle's productFeatures → productOptions, priceBookEntries, ...), gives every created object
// its id up front, resolves `@{referenceId}` values to those ids, and orders the writes so that
// whatever an object points at is written before it. Pure: no database.

export type Operation = 'Create' | 'Patch' | 'Update' | 'Delete' | 'None';
const OPERATIONS: readonly Operation[] = ['Create', 'Patch', 'Update', 'Delete', 'None'];

export interface PlannedWrite {
  def: ObjectDef;
  operation: Operation;
  id: string;
  referenceId: string | null;
  content: Record<string, unknown>;   // own fields only, references resolved, parent field set
  at: string;                         // where it came from in the request, for error messages
  contentAt: string;                  // where its fields are in the request
}

const REF = /^@\{([^}]+)\}$/;

interface Raw { def: ObjectDef; item: Record<string, unknown>; at: string; contentAt: string; parent?: { field: string; index: number; inherit: readonly (readonly [string, string])[] } }

export function planComposite(root: ObjectName, persistentObjects: unknown, newId: () => string = randomUUID): PlannedWrite[] {
  if (!Array.isArray(persistentObjects) || persistentObjects.length === 0) {
    throw invalid('INVALID_FIELD', 'body/persistentObjects must be a non-empty array');
  }
  const raws: Raw[] = [];
  const visit = (def: ObjectDef, item: unknown, at: string, contentAt: string, parent?: Raw['parent']) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid('INVALID_FIELD', `${at} must be an object`);
    const index = raws.length;
    raws.push({ def, item: item as Record<string, unknown>, at, contentAt, ...(parent && { parent }) });
    const content = (item as { content?: unknown }).content;
    if (typeof content !== 'object' || content === null || Array.isArray(content)) {
      if ((item as { operation?: unknown }).operation === 'Delete') return;
      throw invalid('INVALID_FIELD', `${at}/content must be an object`);
    }
    for (const child of def.children ?? []) {
      const list = (content as Record<string, unknown>)[child.key];
      if (list === undefined) continue;
      if (!Array.isArray(list)) throw invalid('INVALID_FIELD', `${at}/content/${child.key} must be an array`);
      list.forEach((c, i) => {
        // nested children are plain objects, or {content, referenceId, operation} like the top level
        const childAt = `${contentAt}/${child.key}/${i}`;
        const explicit = typeof c === 'object' && c !== null && 'content' in c;
        const wrapped = explicit ? c : { content: c, referenceId: (c as Record<string, unknown> | null)?.referenceId };
        visit(OBJECTS[child.object as ObjectName], wrapped, childAt, explicit ? `${childAt}/content` : childAt, { field: child.parentField, index, inherit: child.inherit ?? [] });
      });
    }
  };
  persistentObjects.forEach((p, i) => visit(OBJECTS[root], p, `body/persistentObjects/${i}`, `body/persistentObjects/${i}/content`));

  // ids first, so references can point forwards as well as backwards
  const byRef = new Map<string, number>();
  const planned: PlannedWrite[] = raws.map((r, i) => {
    const operation = (r.item.operation ?? 'Create') as Operation;
    if (!OPERATIONS.includes(operation)) throw invalid('INVALID_FIELD', `${r.at}/operation must be one of ${OPERATIONS.join(', ')}`);
    const referenceId = typeof r.item.referenceId === 'string' ? r.item.referenceId : null;
    if (referenceId) {
      if (byRef.has(referenceId)) throw invalid('INVALID_FIELD', `${r.at}/referenceId "${referenceId}" is used twice`);
      byRef.set(referenceId, i);
    }
    const given = r.item.id ?? (r.item.content as Record<string, unknown> | undefined)?.id;
    let id: string;
    if (operation === 'Create') id = newId();
    else if (isUuid(given)) id = given.toLowerCase();
    else throw invalid('INVALID_FIELD', `${r.at}/id is required for ${operation} and must be a UUID`);
    const content = { ...((r.item.content as Record<string, unknown> | undefined) ?? {}) };
    for (const child of r.def.children ?? []) delete content[child.key];
    delete content.id;
    delete content.referenceId;
    return { def: r.def, operation, id, referenceId, content, at: r.at, contentAt: r.contentAt };
  });

  const deps: Set<number>[] = planned.map(() => new Set());
  planned.forEach((p, i) => {
    const parent = raws[i]!.parent;
    if (parent) {
      const up = planned[parent.index]!;
      p.content[parent.field] = up.id;
      if (up.operation === 'Create') deps[i]!.add(parent.index);
      // e.g. an option inside a feature belongs to the feature's bundle too
      for (const [childField, parentField] of parent.inherit) {
        if (p.content[childField] !== undefined) continue;
        p.content[childField] = up.content[parentField];
        const source = planned.findIndex((x) => x.id === up.content[parentField] && x.operation === 'Create');
        if (source !== -1) deps[i]!.add(source);
      }
    }
    for (const [key, value] of Object.entries(p.content)) {
      const m = typeof value === 'string' ? REF.exec(value) : null;
      if (!m) continue;
      const target = byRef.get(m[1]!);
      if (target === undefined) throw invalid('UNKNOWN_REFERENCE_ID', `${p.contentAt}/${key} refers to referenceId "${m[1]}", which is not in this request`);
      p.content[key] = planned[target]!.id;
      if (planned[target]!.operation === 'Create' && target !== i) deps[i]!.add(target);
    }
  });

  // Kahn's algorithm, stable: among ready writes, request order wins. Deletes go last.
  const order: number[] = [];
  const done = new Set<number>();
  while (order.length < planned.length) {
    const next = planned.findIndex((p, i) => !done.has(i) && p.operation !== 'Delete' && [...deps[i]!].every((d) => done.has(d)));
    if (next === -1) {
      const remaining = planned.findIndex((p, i) => !done.has(i) && p.operation !== 'Delete');
      if (remaining === -1) break;
      throw invalid('REFERENCE_CYCLE', `${planned[remaining]!.at} is part of a reference cycle`);
    }
    order.push(next);
    done.add(next);
  }
  planned.forEach((p, i) => { if (p.operation === 'Delete') order.push(i); });
  return order.map((i) => planned[i]!);
}

/** Responses list the writes in request order. */
export function inRequestOrder(writes: PlannedWrite[]): PlannedWrite[] {
  return [...writes].sort((a, b) => a.at.localeCompare(b.at, undefined, { numeric: true }));
}
