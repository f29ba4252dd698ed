import { Type, type TSchema } from 'typebox';
import { Nullable, StringEnum } from '../http/schemas.js';
import type { FieldDef } from './fields.js';

/**
 * A registry field as an answer shows it (records.ts toApiRecord), for the OpenAPI document and the
 * answer check: null when unset, unless it always has a value (required, or a default: the
 * migrations say NOT NULL). `description` is the owning domain's word on the field.
 */
export function answerFieldSchema(fd: FieldDef, description?: string): TSchema {
  const o = description ? { description } : {};
  const t = fd.type === 'integer' ? Type.Integer(o)
    : fd.type === 'decimal' ? Type.Number(o)
      : fd.type === 'boolean' ? Type.Boolean(o)
        : fd.type === 'date' ? Type.String({ format: 'date', description: description ?? 'A calendar date, YYYY-MM-DD' })
          : fd.type === 'datetime' ? Type.String({ format: 'date-time', description: description ?? 'An instant, ISO 8601' })
            : fd.type === 'enum' ? StringEnum([...(fd.values ?? [])] as string[], o)
              : fd.type === 'ref' ? Type.String({ format: 'uuid', description: description ?? `The id of a ${fd.ref}` })
                : fd.type === 'json' ? Type.Unknown(o)
                  : Type.String(o);
  // Unknown already admits null
  return fd.required === true || fd.default !== undefined || fd.type === 'json' ? t : Nullable(t);
}
