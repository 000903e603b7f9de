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
    if (err instanceof HttpException) {
      exception = err;
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
    res.status(exception.status).json(body);
  };
}
