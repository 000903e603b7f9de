import type { ErrorRequestHandler, RequestHandler } from 'express';

/** Base class of every error that is meant to reach the client as JSON `{error:{code,message,details}}`. */
export class HttpException extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestException extends HttpException {
  constructor(message: string, details?: unknown, code = 'bad-request') {
    super(400, code, message, details);
  }
}
export class UnauthorizedException extends HttpException {
  constructor(message = 'Authentication required', details?: unknown) {
    super(401, 'unauthorized', message, details);
  }
}
export class ForbiddenException extends HttpException {
  constructor(message = 'Forbidden', details?: unknown, code = 'forbidden') {
    super(403, code, message, details);
  }
}
export class NotFoundException extends HttpException {
  constructor(message = 'Not found', details?: unknown, code = 'not-found') {
    super(404, code, message, details);
  }
}
export class ConflictException extends HttpException {
  constructor(message: string, details?: unknown, code = 'conflict') {
    super(409, code, message, details);
  }
}
export class PayloadTooLargeException extends HttpException {
  constructor(message = 'Request body too large', details?: unknown) {
    super(413, 'payload-too-large', message, details);
  }
}
export class InvalidGeometryException extends HttpException {
  constructor(message: string, details?: unknown) {
    super(422, 'invalid-geometry', message, details);
  }
}
export class UnprocessableEntityException extends HttpException {
  constructor(message: string, details?: unknown, code = 'unprocessable') {
    super(422, code, message, details);
  }
}
export class TooManyRequestsException extends HttpException {
  constructor(message = 'Too many requests', details?: unknown) {
    super(429, 'too-many-requests', message, details);
  }
}

export class UnsupportedMediaTypeException extends HttpException {
  constructor(message: string, details?: unknown, code = 'unsupported-media-type') {
    super(415, code, message, details);
  }
}

/** SQLSTATEs that only bad input can raise: answered 400 with our own words, never the database's text. */
const INPUT_SQLSTATES: Readonly<Record<string, string>> = {
  '22001': 'A text value is longer than its field allows',
  '22003': 'A number is outside the range its field allows',
  '22007': 'A date or time is malformed',
  '22008': 'A date or time is out of range',
  '2201W': 'A limit is out of range',
  '2201X': 'An offset is out of range',
  '22021': 'The text is not valid UTF-8',
  '22023': 'A parameter value is invalid',
  '22P02': 'A value has the wrong type',
  '22P05': 'The text holds a character the database cannot store',
  '54000': 'The input is too large',
  '54001': 'The input is nested or repeated too deeply',
  '22P04': 'Malformed copy data',
};

/** Maps the database's data exceptions and zlib's decoding errors to a 400; other errors pass through. */
export function inputErrorToHttp(err: unknown): HttpException | null {
  const e = err as { code?: unknown; errno?: unknown; type?: unknown } | null;
  if (!e || typeof e !== 'object') return null;
  if (typeof e.code === 'string' && e.code in INPUT_SQLSTATES) {
    return new BadRequestException(INPUT_SQLSTATES[e.code]!, { sqlstate: e.code }, 'invalid-input');
  }
  if (typeof e.code === 'string' && /^Z_(DATA|BUF|STREAM)_ERROR$/.test(e.code)) {
    return new BadRequestException('The compressed body could not be decoded', undefined, 'malformed-body');
  }
  return null;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundException(`No route for ${req.method} ${req.path}`, undefined, 'route-not-found'));
};

interface LoggerLike {
  error(obj: object, msg?: string): void;
}

/** The single error filter: known exceptions keep their status; body-parser errors map to 400/413; the rest is a 500 without a stack. */
export function errorFilter(logger: LoggerLike): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let exception: HttpException;
    const inputError = inputErrorToHttp(err);
    if (err instanceof HttpException) {
      exception = err;
    } else if (inputError) {
      exception = inputError;
    } else if (err?.type === 'entity.too.large' || err?.code === 'LIMIT_FILE_SIZE') {
      exception = new PayloadTooLargeException(err.message);
    } else if (err?.type === 'entity.parse.failed') {
      exception = new BadRequestException('Malformed JSON body', { reason: err.message }, 'malformed-json');
    } else if (err?.type === 'charset.unsupported' || err?.type === 'encoding.unsupported') {
      exception = new BadRequestException(err.message);
    } else {
      logger.error({ err: { message: err?.message, stack: err?.stack }, method: req.method, path: req.path }, 'unhandled error');
      exception = new HttpException(500, 'internal', 'Internal server error');
    }
    if (res.headersSent) return;
    const body: { error: { code: string; message: string; details?: unknown } } = {
      error: { code: exception.code, message: exception.message },
    };
    if (exception.details !== undefined) body.error.details = exception.details;
    const retryAfter = (exception.details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds;
    if (exception.status === 429 && typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
    res.status(exception.status).json(body);
  };
}
