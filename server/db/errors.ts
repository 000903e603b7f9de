/** Start-up failures of the database layer; the message is meant for the operator, as is. */
export class DatabaseStartupError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'DatabaseStartupError';
  }
}
