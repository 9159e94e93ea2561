import { BadRequestException, Injectable, type ArgumentMetadata, type PipeTransform, ValidationPipe, type ValidationError } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { isEmail, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

export type FieldErrors = Record<string, string[]>;

/** `{ "email": ["email must be an email"], "address.city": [...] }` from class-validator's tree. */
export function fieldErrors(errors: ValidationError[], prefix = ''): FieldErrors {
  const fields: FieldErrors = {};
  for (const error of errors) {
    const path = `${prefix}${error.property}`;
    if (error.constraints) fields[path] = Object.values(error.constraints);
    Object.assign(fields, fieldErrors(error.children ?? [], `${path}.`));
  }
  return fields;
}

/** The one shape of every 400 the sample apps send for a bad request. */
export function validationFailed(fields: FieldErrors, message = 'Validation failed'): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, fields });
}

/**
 * Unknown fields are refused, not silently dropped, and the 400 names every field at fault:
 * `{ statusCode: 400, error: 'Bad Request', message: 'Validation failed', fields: {...} }`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationFailed(fieldErrors(errors)),
  });
}

/** Deep enough for any DTO of ours; JSON nested deeper is refused before anything recurses into it. */
export const MAX_BODY_DEPTH = 16;
/** Keys that class-transformer drops without a word, so the validator would never see them. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const PRIMITIVES = new Set<unknown>([String, Boolean, Number, Array, Object, undefined]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Runs before the ValidationPipe on bodies and queries bound to a DTO class. Refuses what would
 * otherwise crash or slip past validation: a body that is not a JSON object, nesting deeper than
 * {@link MAX_BODY_DEPTH} (class-transformer recurses and overflows the stack), and the keys
 * `__proto__`, `constructor` and `prototype` at any depth. The walk is iterative for that reason.
 */
@Injectable()
export class RequestShapePipe implements PipeTransform {
  transform(value: unknown, { type, metatype }: ArgumentMetadata): unknown {
    if ((type !== 'body' && type !== 'query') || PRIMITIVES.has(metatype)) return value;
    if (!isPlainObject(value)) throw validationFailed({}, `${type} must be a JSON object`);
    const pending: Array<{ node: unknown; path: string; depth: number }> = [{ node: value, path: '', depth: 0 }];
    while (pending.length > 0) {
      const { node, path, depth } = pending.pop()!;
      if (node === null || typeof node !== 'object') continue;
      if (depth >= MAX_BODY_DEPTH) {
        throw validationFailed({ [path]: [`${path} is nested deeper than ${MAX_BODY_DEPTH} levels`] });
      }
      for (const key of Object.keys(node)) {
        const child = path ? `${path}.${key}` : key;
        if (RESERVED_KEYS.has(key)) throw validationFailed({ [child]: [`property ${key} should not exist`] });
        pending.push({ node: (node as Record<string, unknown>)[key], path: child, depth: depth + 1 });
      }
    }
    return value;
  }
}

// Matching control characters is the point of these two.
/* eslint-disable no-control-regex */
/** C0 and C1 control characters and DEL. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Control characters a multi-line text may hold: tab, line feed, carriage return. */
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */

/**
 * A string of well-formed Unicode (no lone UTF-16 surrogate, which PostgreSQL and UTF-8 cannot
 * store) without control characters (NUL is refused by PostgreSQL; the others forge log lines and
 * headers). `multiline` allows tab, CR and LF.
 */
export function IsPlainText({ multiline = false } = {}, options?: ValidationOptions): PropertyDecorator {
  const control = multiline ? CONTROL_EXCEPT_LINE_BREAKS : CONTROL;
  return ValidateBy(
    {
      name: 'isPlainText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || (value.isWellFormed() && !control.test(value)),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be well-formed text without control characters`,
      },
    },
    options,
  );
}

/**
 * `@IsEmail()` that cannot throw: validator.js's `isEmail` throws a URIError (a 500) on a lone
 * UTF-16 surrogate, so the text is checked to be well-formed first.
 */
export function IsEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEmail',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.isWellFormed() && isEmail(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an email`,
      },
    },
    options,
  );
}

/**
 * The field may be left out, but not set to `null`: unlike `@IsOptional()`, null still meets the
 * field's other rules (and fails them), so a PATCH cannot null a NOT NULL column.
 */
export function IsOmittable(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined, options);
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * A query parameter as a whole number written in plain decimal (`16`, not `0x10`, `+16`, ` 16` or
 * `1.6e1`); anything else stays as it came, for `@IsInt()` to refuse with the field's name.
 */
export function DecimalInteger(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value));
}
