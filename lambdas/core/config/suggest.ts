import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';

/**
 * The candidate a misspelled word most likely meant, or undefined when none is
 * close: at most a third of the word's length away (at least 2, at most 3
 * edits), so `mapin` finds `mapping` but `colour` finds nothing among tables.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0 || word === '') return undefined;
  const best = closest(word, [...candidates]);
  const limit = Math.min(3, Math.max(2, Math.floor(word.length / 3)));
  const caseOnly = best.toLowerCase() === word.toLowerCase();
  return caseOnly || distance(word.toLowerCase(), best.toLowerCase()) <= limit ? best : undefined;
}

/** ` (did you mean "x"?)`, or nothing. */
export function didYouMeanSuffix(word: string, candidates: readonly string[]): string {
  const suggestion = didYouMean(word, candidates);
  return suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`;
}

type AnySchema = z.core.$ZodType;

/**
 * The setting names an object schema accepts at `path` (records, optionals,
 * defaults and unions looked through), for suggesting a name in place of an
 * unknown one. Empty when the path leads to no object.
 */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const object of objectsAt(schema, path)) for (const key of Object.keys(object._zod.def.shape)) keys.add(key);
  return [...keys];
}

function objectsAt(schema: AnySchema, path: readonly PropertyKey[]): z.core.$ZodObject[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return objectsAt(def.innerType as AnySchema, path);
    case 'pipe':
      return objectsAt(def.in as AnySchema, path);
    case 'lazy':
      return objectsAt((def.getter as () => AnySchema)(), path);
    case 'union':
      return (def.options as AnySchema[]).flatMap((option) => objectsAt(option, path));
    case 'intersection':
      return [...objectsAt(def.left as AnySchema, path), ...objectsAt(def.right as AnySchema, path)];
    case 'record':
      return path.length === 0 ? [] : objectsAt(def.valueType as AnySchema, path.slice(1));
    case 'array':
      return path.length === 0 ? [] : objectsAt(def.element as AnySchema, path.slice(1));
    case 'object': {
      if (path.length === 0) return [schema as z.core.$ZodObject];
      const shape = def.shape as Record<string, AnySchema>;
      const next = shape[String(path[0])];
      return next === undefined ? [] : objectsAt(next, path.slice(1));
    }
    default:
      return [];
  }
}
