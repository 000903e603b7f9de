import express, { type RequestHandler } from 'express';
import { BadRequestException, UnsupportedMediaTypeException } from '../errors.ts';
import { findLimitViolations, hasControlCharacters, jsonNestingDepth, JSON_MAX_DEPTH, QUERY_INTEGER_MAX } from '../domain/limits.ts';

/** Content codings the body parsers can decode; anything else is refused before a byte is read. */
const SUPPORTED_CONTENT_ENCODINGS = new Set(['identity', 'gzip', 'x-gzip', 'deflate']);

/** 415 for a Content-Encoding the server does not decode (br, compress, stacked codings, garbage). */
export const refuseUnsupportedEncoding: RequestHandler = (req, _res, next) => {
  const header = req.headers['content-encoding'];
  if (header === undefined || header === '') return next();
  const codings = header.toLowerCase().split(',').map((c) => c.trim()).filter(Boolean);
  if (codings.length !== 1 || !SUPPORTED_CONTENT_ENCODINGS.has(codings[0]!)) {
    return next(
      new UnsupportedMediaTypeException(`Content-Encoding "${header.slice(0, 40)}" is not supported; send identity, gzip or deflate`, {
        supported: [...SUPPORTED_CONTENT_ENCODINGS],
      }, 'unsupported-encoding'),
    );
  }
  next();
};

/** The JSON body parser, refusing nesting deeper than the limit before JSON.parse runs. */
export function jsonBody(limit: string): RequestHandler {
  return express.json({
    limit,
    type: ['application/json', 'application/geo+json'],
    verify: (_req, _res, buf) => {
      const depth = jsonNestingDepth(buf.toString('utf8'));
      if (depth > JSON_MAX_DEPTH) {
        throw new BadRequestException(`JSON nested deeper than ${JSON_MAX_DEPTH} levels`, { limit: JSON_MAX_DEPTH }, 'too-deep');
      }
    },
  });
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * After parsing: control characters (NUL first of all, which PostgreSQL text cannot store), texts, lists and
 * numbers beyond their declared limits, in the body and in the query string.
 */
export const enforceInputLimits: RequestHandler = (req, _res, next) => {
  const query: { parameter: string; problem: string }[] = [];
  for (const [name, raw] of Object.entries(req.query)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (typeof value !== 'string') continue;
      if (hasControlCharacters(value) || hasControlCharacters(name)) query.push({ parameter: name, problem: 'control-character' });
      else if (value.length > 10_000) query.push({ parameter: name, problem: 'too-long' });
      else if (NUMERIC.test(value.trim()) && Math.abs(Number(value)) > QUERY_INTEGER_MAX) query.push({ parameter: name, problem: 'number-out-of-range' });
    }
  }
  if (query.length) return next(new BadRequestException('Query parameters out of their limits', { query }, 'invalid-input'));
  if (req.body !== undefined && typeof req.body === 'object') {
    const violations = findLimitViolations(req.body);
    if (violations.length) return next(new BadRequestException('The request body breaks the input limits', { violations }, 'invalid-input'));
  }
  next();
};

/** Security headers on every answer. MapLibre needs blob: workers and images; the app loads nothing from elsewhere. */
export const securityHeaders: RequestHandler = (req, res, next) => {
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
  // Public data (tiles, OGC, the public API) may be embedded by other sites; staff pages may not be framed at all.
  const embeddable = req.path.startsWith('/tiles/') || req.path.startsWith('/ogc') || req.path.startsWith('/api/public');
  // the reports page previews the periodic report (HTML) in an iframe of its own origin
  const sameOriginFrame = req.path === '/api/reports/periodic';
  if (!embeddable) res.set('X-Frame-Options', sameOriginFrame ? 'SAMEORIGIN' : 'DENY');
  res.set(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      "script-src 'self'",
      "worker-src 'self' blob:",
      "child-src 'self' blob:",
      "img-src 'self' data: blob:",
      "style-src 'self' 'unsafe-inline'",
      "font-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      embeddable ? '' : sameOriginFrame ? "frame-ancestors 'self'" : "frame-ancestors 'none'",
    ]
      .filter(Boolean)
      .join('; '),
  );
  next();
};
