import { BadRequestException } from '../errors.ts';

/** An OGC-style exception (`{code, description}`) with its HTTP status. */
export class InvalidParameterException extends BadRequestException {
  constructor(description: string, details?: unknown) {
    super(description, details, 'InvalidParameterValue');
  }
}
